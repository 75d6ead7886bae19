"""The pages every State service links from its footer (DSFR « Pied de page », mandatory links):
mentions légales, données personnelles, gestion des cookies and the plan du site (the
accessibility statement is ``templates/accessibility.html``). Public, no query but the plan's
permissions. What they say of cookies and durations is read from the settings in force."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.views.generic import TemplateView

from accounts.sitemap import sitemap_for


def _hours(seconds: float) -> str:
    """« 8 heures », « 1 heure », « 30 minutes »."""
    if seconds < 3600:
        minutes = round(seconds / 60)
        return f"{minutes} minute{'s' if minutes >= 2 else ''}"
    hours = seconds / 3600
    return f"{hours:g}".replace(".", ",") + f" heure{'s' if hours >= 2 else ''}"


class LegalNoticeView(TemplateView):
    template_name = "legal/legal_notice.html"
    extra_context = {"title": "Mentions légales"}


class PersonalDataView(TemplateView):
    template_name = "legal/personal_data.html"
    extra_context = {"title": "Données personnelles"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            session_age=_hours(settings.SESSION_COOKIE_AGE),
            idle=_hours(getattr(settings, "SESSION_IDLE_TIMEOUT", settings.SESSION_COOKIE_AGE)),
            lockout=_hours(float(getattr(settings, "AXES_COOLOFF_TIME", 0)) * 3600),
            lockout_attempts=getattr(settings, "AXES_FAILURE_LIMIT", 0),
            **kwargs,
        )


class CookiesView(TemplateView):
    template_name = "legal/cookies.html"
    extra_context = {"title": "Gestion des cookies"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            session_cookie=settings.SESSION_COOKIE_NAME,
            session_age=_hours(settings.SESSION_COOKIE_AGE),
            idle=_hours(getattr(settings, "SESSION_IDLE_TIMEOUT", settings.SESSION_COOKIE_AGE)),
            csrf_cookie=settings.CSRF_COOKIE_NAME,
            csrf_days=round(settings.CSRF_COOKIE_AGE / 86400) if settings.CSRF_COOKIE_AGE else 0,
            **kwargs,
        )


class SitemapView(TemplateView):
    template_name = "legal/sitemap.html"
    extra_context = {"title": "Plan du site"}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(sections=sitemap_for(self.request.user), **kwargs)
