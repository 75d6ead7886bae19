"""The transitions of the renovation of a contrat de ville (circular of 22 January 2019).

not_started → evaluation → negotiation → prefect_validation → cget_review → signature → signed;
the prefect or the CGET may return the protocol to negotiation, saying why. The signature must
be effective by the campaign's signature date: the per-contract deadline « city-contract-renewal » of
the campaign is created at launch and met at signature, when each commitment of the signed
protocol gets its follow-ups.
"""

from __future__ import annotations

from typing import Any

from reference.addresses import reverse_ids
from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.cases.transitions import DeadlineEffect, Transition, TransitionTable
from workflows.renewal import compliance, risk  # noqa: F401  (register the compliance rules, the early warning)
from workflows.renewal.flows import RenewalFlow
from workflows.renewal.models import Renewal, RenewalTransition

DEADLINE = "city-contract-renewal"


class RenewalRefused(CaseRefused):
    """A transition refused by its guards or by the state; ``reasons`` are in French."""


def _follow_ups(renewal: Renewal, user: Any) -> None:
    from workflows.renewal.followup.services import follow_ups_generate

    follow_ups_generate(renewal=renewal)


# The protocol's commitments and its volet enfance are checked by the compliance rules
# (``workflows.renewal.compliance``), which refuse with the circular's quoted sentence.
PROTOCOL_REFUSALS = {
    "has_signatories": "Indiquez les signataires du protocole.",
}

TRANSITIONS = TransitionTable(
    Transition(
        "launch",
        "Lancer la rénovation",
        done="Rénovation lancée",
        system=True,
        deadlines=(DeadlineEffect("create", DEADLINE),),
    ),
    Transition(
        "record_evaluation",
        "Enregistrer l'évaluation à mi-parcours",
        done="Évaluation à mi-parcours enregistrée",
        completes="evaluate",
        refusals={
            "has_evaluation_summary": (
                "Renseignez la date de l'évaluation, ce qui fonctionne et ce qui doit être amélioré."
            ),
            "has_consulted_councils": (
                "Les conseils citoyens n'ont pas été consultés : indiquez la date et les conseils."
            ),
            "has_evaluation_document": "Aucun document d'évaluation n'a été déposé.",
        },
    ),
    Transition(
        "build_protocol",
        "Transmettre le protocole au préfet",
        done="Protocole transmis au préfet",
        completes="build_protocol",
        refusals=PROTOCOL_REFUSALS,
        checklist=True,
    ),
    Transition(
        "validate",
        "Valider le protocole et le transmettre au CGET",
        done="Protocole validé par le préfet et transmis au CGET",
        completes="validate",
        refusals=PROTOCOL_REFUSALS,
        checklist=True,
        event="submitted",
    ),
    Transition(
        "send_back",
        "Renvoyer à l'agent",
        done="Protocole renvoyé en négociation par le préfet",
        completes="validate",
        comment_required=True,
        comment_argument="comment",
        secondary=True,
        event="returned",
    ),
    Transition(
        "approve",
        "Approuver le protocole",
        done="Protocole approuvé par le CGET",
        completes="review",
        event="approved",
    ),
    Transition(
        "return_to_prefecture",
        "Renvoyer à la préfecture",
        done="Protocole renvoyé à la préfecture par le CGET",
        completes="review",
        comment_required=True,
        comment_argument="comment",
        secondary=True,
        event="returned",
        message=True,
    ),
    Transition(
        "sign",
        "Enregistrer la signature",
        done="Protocole signé",
        completes="sign",
        checklist=True,
        refusals={
            "has_signature": "Renseignez la date de signature et les signataires ayant signé.",
            "has_signed_protocol": "Le protocole signé (PDF) n'a pas été déposé.",
        },
        deadlines=(DeadlineEffect("met", DEADLINE),),
        then=_follow_ups,
        event="signed",
    ),
    created="Dossier créé",
)


def _title(renewal: Renewal) -> str:
    contract = renewal.city_contract
    return f"Rénovation du contrat de ville {contract.code} – {contract.name}"


def _departments(renewal: Renewal) -> list[int]:
    """The contract's département; a contract spanning two (CV043: Bouches-du-Rhône and
    Vaucluse) is worked by the prefecture it was copied from (``Renewal.department``)."""
    return [renewal.department_id] if renewal.department_id is not None else []


KIND = register(
    CaseKind(
        code="renewal",
        label="Rénovation du contrat de ville",
        model=Renewal,
        table=TRANSITIONS,
        history=RenewalTransition,
        history_link="renewal",
        flow=RenewalFlow,
        error=RenewalRefused,
        denied="Vous n'avez pas le droit de faire cette action sur ce dossier.",
        departments=_departments,
        title=lambda renewal: f"Rénovation du contrat de ville {renewal.city_contract.code}",
        name=lambda renewal: str(renewal.city_contract),
        deadline_title=_title,
        url=lambda renewal: reverse_ids("workflows:renewal_detail", renewal.pk),
        checked_related=("commitments",),
        list_related=("city_contract", "department"),
        task_url=lambda task, renewal: reverse_ids("workflows:renewal_task", task.process_id, task.pk),
    )
)
