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
