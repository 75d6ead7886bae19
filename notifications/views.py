from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views import View
from django.views.decorators.http import require_safe
from django.views.generic import FormView, ListView

from accounts.models import User
from notifications import notice_services, selectors, services
from notifications.campaign import campaign_today
from notifications.forms import EventPreferenceForm, PreferenceForm, event_field_name
from notifications.ical import deadlines_calendar
from notifications.models import Deadline
from notifications.notices import Event
from reference.exports import Column, ExportMixin, department_label


class PreferenceView(LoginRequiredMixin, FormView[PreferenceForm]):
    """« Mes préférences de notification »: immediate or digest, and the calendar feed URL."""

    template_name = "notifications/preferences.html"
    form_class = PreferenceForm
    extra_context = {"title": "Mes préférences de notification"}

    def get_initial(self) -> dict[str, Any]:
        return {"frequency": selectors.preference_get(user=self._user()).frequency}

    def _user(self) -> User:
        return self.request.user  # type: ignore[return-value]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault(
            "event_form",
            EventPreferenceForm(
                initial={
                    event_field_name(event): frequency
                    for event, frequency in notice_services.event_preferences(user=self._user()).items()
                }
            ),
        )
        token = selectors.calendar_token_get(user=self._user())
        feed_url = (
            self.request.build_absolute_uri(reverse("notifications:calendar_feed", args=[token.token]))
            if token
            else None
        )
        return super().get_context_data(feed_url=feed_url, **kwargs)

    def form_valid(self, form: PreferenceForm) -> HttpResponse:
        services.preference_set(user=self._user(), frequency=form.cleaned_data["frequency"])
        messages.success(self.request, "Vos préférences sont enregistrées.")
        return redirect("notifications:preferences")


class EventPreferenceView(LoginRequiredMixin, View):
    """POST: the email of each event type of the cases (at once, daily digest, never)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = EventPreferenceForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choisissez, pour chaque événement, quand recevoir un courriel.")
            return redirect("notifications:preferences")
        notice_services.event_preferences_set(
            user=request.user,
            choices={event.value: form.cleaned_data[event_field_name(event.value)] for event in Event},
        )
        messages.success(request, "Vos préférences par événement sont enregistrées.")
        return redirect("notifications:preferences")


class CalendarTokenView(LoginRequiredMixin, View):
    """POST only: regenerate (new secret URL) or revoke the calendar feed."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        user: User = request.user  # type: ignore[assignment]
        if request.POST.get("action") == "revoke":
            services.calendar_token_revoke(user=user)
            messages.success(request, "L'adresse de votre calendrier est révoquée.")
        else:
            services.calendar_token_regenerate(user=user)
            messages.success(request, "Une nouvelle adresse de calendrier a été créée ; l'ancienne ne fonctionne plus.")
        return redirect("notifications:preferences")


class DeadlineListView(LoginRequiredMixin, ExportMixin, ListView[Deadline]):
    template_name = "notifications/deadline_list.html"
    context_object_name = "deadlines"
    paginate_by = 50
    extra_context = {"title": "Échéances"}
    export_filename = "echeances"
    export_columns = (
        Column("Date", lambda d: d.due_on),
        Column("Échéance", lambda d: d.title),
        Column("Département", lambda d: department_label(d.department)),
    )

    def get_queryset(self) -> Any:
        show_past = self.request.GET.get("passees") == "1"
        since = None if show_past else campaign_today()
        return selectors.deadline_list(user=self.request.user, since=since)


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The secret feed: no login (calendar clients cannot log in), the token is the credential;
    the deadlines are scoped exactly as the owner's pages are."""
    owner = selectors.calendar_owner(token=token)
    if owner is None:
        raise Http404("Calendrier inconnu ou révoqué.")
    since = campaign_today() - dt.timedelta(days=365)
    body = deadlines_calendar(selectors.deadline_list(user=owner, since=since, include_met=False)[:5000])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="quartiers-echeances.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
