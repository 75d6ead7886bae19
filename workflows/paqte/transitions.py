"""The transitions of the PAQTE cases (circular of 22 January 2019, annex 2), one table each.

Deadlines of the campaign they move (``notifications`` definitions):

- ``referent-paqte-contact`` (per département): met when the prefect validates
  the référent's designation, which sends the contact to the CGET (or resubmits it after a
  return); reopened when the CGET returns it.
- ``paqte-semester-report`` (each semester, occurrence ``YYYY-S1``/``S2``): met when the report of
  that semester is *submitted* to the CGET, not when it is approved: the review is the CGET's
  work, and reminding the prefecture of it would be noise. A return reopens it.
- ``paqte-convention-end`` (per convention): created at signature with the convention's own
  ``ends_on`` (the day before the third anniversary); met when it is renewed or expires; dropped
  when it is terminated early.
- ``charter-convention-expiry`` (per charter convention): met once the charter's fate is settled
  (migrated, declined, expired), which may also meet the département's « charter-migration »
  deadline (``workflows.paqte.deadlines.charter_migration_follow``).
"""

from __future__ import annotations

from typing import Any

from reference.models import Department
from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.cases.transitions import DeadlineEffect, Transition, TransitionTable
from workflows.paqte import compliance  # noqa: F401  (registers the PAQTE compliance rules)
from workflows.paqte.deadlines import CHARTER_EXPIRY, charter_migration_follow
from workflows.paqte.flows import (
    CharterConventionFlow,
    PaqteConventionFlow,
    ReferentDesignationFlow,
    SemesterReportFlow,
)
from workflows.paqte.models import (
    NEAR_END_DAYS,
    CharterConvention,
    PaqteConvention,
    PaqteHistory,
    ReferentDesignation,
    SemesterReport,
)
from workflows.paqte.selectors import report_frozen
from workflows.paqte.successors import charter_successor, convention_successor
from workflows.submissions.transitions import submission_table

REFERENT_CONTACT = "referent-paqte-contact"
SEMESTER_REPORT = "paqte-semester-report"
CONVENTION_END = "paqte-convention-end"

DENIED = "Vous n'avez pas le droit de faire cette action sur ce dossier."


class PaqteError(CaseRefused):
    """A refused PAQTE action, with the French sentence to show."""


# --- Convention --------------------------------------------------------------------------------

CONVENTION = TransitionTable(
    Transition(
        "start_negotiation",
        "Ouvrir la négociation",
        done="Négociation ouverte",
        completes="negotiate",
        refusals={"has_objectives": "La convention doit comporter au moins un objectif."},
    ),
    Transition(
        "sign",
        "Enregistrer la signature",
        done="Convention signée",
        completes="sign",
        asks=("signed_on",),
        # The objectives' rules (four axes, key indicators) refuse it with annex 2's sentences.
        checklist=True,
        deadlines=(
            DeadlineEffect(
                "create",
                CONVENTION_END,
                base_date=lambda convention: convention.signed_on,
                due_on=lambda convention: convention.ends_on,
            ),
        ),
        event="signed",
    ),
    Transition("activate", "Mettre en œuvre", done="Convention mise en œuvre", completes="activate"),
    Transition(
        "expire",
        "Constater l'échéance",
        done="Échéance constatée",
        completes="follow_up",
        secondary=True,
        refusals={"has_ended": "La convention n'est pas encore arrivée à son terme."},
        deadlines=(DeadlineEffect("met", CONVENTION_END),),
    ),
    Transition(
        "renew",
        "Renouveler la convention",
        done="Convention renouvelée",
        completes="follow_up",
        refusals={
            "is_near_end": (
                f"Le renouvellement se propose dans les {NEAR_END_DAYS} jours qui précèdent la fin de la convention."
            )
        },
        deadlines=(DeadlineEffect("met", CONVENTION_END),),
        creates=convention_successor,
        created="La convention est renouvelée : la nouvelle convention est en brouillon.",
    ),
    Transition(
        "terminate",
        "Résilier",
        done="Convention résiliée",
        comment_required=True,
        comment_argument="reason",
        secondary=True,
        deadlines=(DeadlineEffect("drop"),),
        event="terminated",
    ),
)


# --- Charter convention ("Charte entreprises et quartiers") ------------------------------------------


def _charter_migration_follow(charter: Any, user: Any) -> None:
    charter_migration_follow(departments=Department.objects.filter(pk=charter.department_id))


_CHARTER_SETTLED = (DeadlineEffect("met", CHARTER_EXPIRY),)

CHARTER = TransitionTable(
    Transition("offer", "Proposer d'entrer dans le PAQTE", done="PAQTE proposé à l'entreprise", completes="offer"),
    Transition(
        "migrate",
        "Transformer en convention PAQTE",
        done="Transformée en convention PAQTE",
        completes="conclude",
        deadlines=_CHARTER_SETTLED,
        then=_charter_migration_follow,
        creates=charter_successor,
        created="La convention PAQTE est créée à partir de la charte.",
    ),
    Transition(
        "decline",
        "Enregistrer le refus de l'entreprise",
        done="Refus de l'entreprise enregistré",
        completes="conclude",
        secondary=True,
        deadlines=_CHARTER_SETTLED,
        then=_charter_migration_follow,
    ),
    Transition(
        "expire",
        "Constater l'échéance",
        done="Échéance constatée",
        secondary=True,
        refusals={"has_ended": "La convention de la charte n'est pas encore arrivée à son terme."},
        deadlines=_CHARTER_SETTLED,
        then=_charter_migration_follow,
    ),
    created="Importée",
)


# --- Submissions to the CGET: the référent's contact, the semestrial report --------------------------

REFERENT = submission_table(REFERENT_CONTACT)
# Annex 2's format and the strategy are compliance rules (``workflows.paqte.compliance``).
# Transmitted to the CGET (and again after a return), the report freezes its figures as they stand
# that day (``selectors.report_frozen``, under the case's lock): they can be recomputed from the
# histories « as of » the transmission (``selectors.report_recomputed``).
REPORT = submission_table(
    SEMESTER_REPORT,
    occurrence=lambda report: f"{report.year}-S{report.semester}",
    snapshot={"figures": report_frozen},
)

_COMMON: dict[str, Any] = {"history": PaqteHistory, "history_link": None, "error": PaqteError, "denied": DENIED}

CONVENTION_KIND = register(
    CaseKind(
        code="paqte-convention",
        label="Convention PAQTE",
        model=PaqteConvention,
        table=CONVENTION,
        flow=PaqteConventionFlow,
        list_related=("company", "department"),
        final_states=frozenset({"expired", "renewed", "terminated"}),
        name=lambda convention: str(convention.company),
        **_COMMON,
    )
)
CHARTER_KIND = register(
    CaseKind(
        code="paqte-charter",
        label="Convention « Entreprises et quartiers »",
        model=CharterConvention,
        table=CHARTER,
        flow=CharterConventionFlow,
        list_related=("company", "department"),
        final_states=frozenset({"migrated", "declined", "expired"}),
        name=lambda charter: f"{charter.reference} – {charter.company}",
        **_COMMON,
    )
)
REFERENT_KIND = register(
    CaseKind(
        code="paqte-referent",
        label="Référent PAQTE",
        model=ReferentDesignation,
        table=REFERENT,
        flow=ReferentDesignationFlow,
        final_states=frozenset({"approved"}),
        name=lambda referent: referent.name or str(referent.department),
        **_COMMON,
    )
)
REPORT_KIND = register(
    CaseKind(
        code="paqte-report",
        label="Bilan semestriel PAQTE",
        model=SemesterReport,
        table=REPORT,
        flow=SemesterReportFlow,
        final_states=frozenset({"approved"}),
        name=lambda report: report.semester_label,
        **_COMMON,
    )
)
