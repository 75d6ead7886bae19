"""Site-wide template context. Replaces dsfr's DB-backed SITE_CONFIG: no query per page."""

from typing import Any

from django.http import HttpRequest

SITE_CONFIG = {
    "site_title": "Quartiers",
    "site_tagline": "Mobilisation nationale pour les habitants des quartiers",
    "header_brand_html": "Ministère<br>de la cohésion<br>des territoires",
    "footer_brand_html": "Ministère<br>de la cohésion<br>des territoires",
    "footer_description": "Suivi de la circulaire du Premier ministre du 22 janvier 2019 : "
    "rénovation des contrats de ville, PAQTE, échéances et bilans.",
    "beta_tag": True,
    "mourning": False,
}


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_CONFIG": SITE_CONFIG}


def csp_nonce(request: HttpRequest) -> dict[str, Any]:
    """Draw the request's CSP nonce before the page renders.

    django-csp's ``request.csp_nonce`` is lazy and reads as false until drawn, so django-dsfr's
    ``{% dsfr_js nonce=request.csp_nonce %}`` (``{% if self.nonce %}``) would leave its scripts
    without a nonce. Drawing it here also puts it in the header of every rendered page."""
    nonce = getattr(request, "csp_nonce", None)
    return {"csp_nonce": str(nonce) if nonce is not None else ""}


def campaign(request: HttpRequest) -> dict[str, Any]:
    """The active campaign's calendar (``notifications.campaign``), read only by the pages that
    print one of its dates: templates say ``{{ campaign.renewal_signature|date }}``, never a date."""
    from django.utils.functional import SimpleLazyObject

    from notifications.campaign import campaign_calendar

    def campaign_clock() -> Any:
        """The campaign's date when it is not the real one (the banner of base.html), else None.
        Never raises: an error page still renders when the database does not answer."""
        try:
            calendar = campaign_calendar()
        except Exception:  # the banner is optional, the page is not
            return None
        return calendar.clock if calendar.clock_moved else None

    return {"campaign": SimpleLazyObject(campaign_calendar), "campaign_clock": campaign_clock}
