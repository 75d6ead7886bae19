"""The « Plan du site » (a footer link the DSFR requires): the pages without arguments a user may
open, grouped as the menu groups them. Who may see a page is said once per entry, with the same
rule as the page's view (a permission, or a function of the user); ``tests/accounts/test_site_pages.py``
walks the URL conf for each role and checks that the plan lists exactly the pages that role gets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse

from accounts.selectors import sees_all_departments

Rule = Callable[[Any], bool]


def _anonymous(user: Any) -> bool:
    return not user.is_authenticated


def _authenticated(user: Any) -> bool:
    return bool(user.is_authenticated)


def _everyone(user: Any) -> bool:
    return True


def _perm(name: str) -> Rule:
    return lambda user: bool(user.is_authenticated and user.has_perm(name))


def _national(user: Any) -> bool:
    return bool(user.is_authenticated and user.has_perm("workflows.view_steering") and sees_all_departments(user))


def _staff(user: Any) -> bool:
    return bool(user.is_authenticated and user.is_staff)


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: str
    may_see: Rule = _authenticated


SECTIONS: list[tuple[str, list[Entry]]] = [
    (
        "Tâches",
        [
            Entry("inbox:inbox", "Mes tâches à traiter"),
            Entry("inbox:queue", "File d'attente du département"),
            Entry("inbox:followed", "Dossiers suivis"),
            Entry("inbox:done", "Tâches traitées par moi"),
            Entry("inbox:all", "Toutes les tâches"),
            Entry("inbox:cget_review_queue", "Revue CGET", _perm("workflows.review_renewal")),
            Entry("inbox:search", "Rechercher un dossier"),
            Entry("inbox:notices", "Avis"),
            Entry("inbox:absence", "Mon absence"),
        ],
    ),
    (
        "Territoires et mesures",
        [
            Entry("reference:department_list", "Départements"),
            Entry("reference:measure_list", "Les 40 mesures de la feuille de route"),
        ],
    ),
    (
        "PAQTE",
        [
            Entry("paqte:home", "PAQTE par département", _perm("workflows.view_paqte")),
            Entry("paqte:convention_list", "Conventions PAQTE", _perm("workflows.view_paqte")),
            Entry("paqte:convention_create", "Nouvelle convention PAQTE", _perm("workflows.work_paqte")),
            Entry("paqte:charter_list", "Charte entreprises et quartiers", _perm("workflows.view_paqte")),
            Entry("paqte:report_list", "Bilans semestriels", _perm("workflows.view_paqte")),
        ],
    ),
    (
        "Pilotage",
        [
            Entry("steering:home", "Pilotage : collèges, comités et réunions", _perm("workflows.view_steering")),
            Entry("steering:dashboard", "Tableau de bord", _perm("workflows.view_steering")),
            Entry("synthesis:list", "Synthèses des préfets", _perm("workflows.view_steering")),
            Entry("steering:missing_service_heads", "Départements sans collège des chefs de service", _national),
            Entry("steering:blockers", "Qui bloque la signature des protocoles ?", _national),
        ],
    ),
    (
        "Échéances et notifications",
        [
            Entry("notifications:deadline_list", "Échéances"),
            Entry("notifications:preferences", "Mes préférences de notification et mon calendrier"),
        ],
    ),
    (
        "Compte",
        [
            Entry("login", "Connexion", _anonymous),
            Entry("password_reset", "Mot de passe oublié", _everyone),
        ],
    ),
    (
        "Outils",
        [
            Entry("api:docs", "Documentation de l'API (Swagger)", _everyone),
            Entry("api:redoc", "Documentation de l'API (Redoc)", _everyone),
            Entry("admin:index", "Administration nationale", _staff),
        ],
    ),
    (
        "Informations",
        [
            Entry("accessibility", "Déclaration d'accessibilité", _everyone),
            Entry("legal_notice", "Mentions légales", _everyone),
            Entry("personal_data", "Données personnelles", _everyone),
            Entry("cookies", "Gestion des cookies", _everyone),
            Entry("sitemap", "Plan du site", _everyone),
        ],
    ),
]


def sitemap_for(user: Any) -> list[dict[str, Any]]:
    """The sections of the plan with the links ``user`` may open (sections left empty omitted)."""
    sections = []
    for title, entries in SECTIONS:
        links = []
        for entry in entries:
            if not entry.may_see(user):
                continue
            try:
                links.append({"url": reverse(entry.url_name), "label": entry.label})
            except NoReverseMatch:  # a page not routed in this deployment (ProConnect-like switches)
                continue
        if links:
            sections.append({"title": title, "links": links})
    return sections
