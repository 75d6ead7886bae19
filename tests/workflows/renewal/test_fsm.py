"""Every edge of the renovation state machine, allowed and refused.

Edges run through the services (transition + history in one transaction); refusals say why
in French. Prefecture users belong to the Nord (59); "other" is the Pas-de-Calais (62).
"""

from __future__ import annotations

import datetime

import pytest
from django_fsm import ConcurrentTransition

from accounts.models import Role, User
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import (
    EVALUATION,
    PROTOCOL,
    add_commitment,
    fresh,
    nord_contract,
    open_task,
    pdf,
    renewal_in,
)
from workflows.cases.runner import transition_run
from workflows.models import Renewal, RenewalDocument, RenewalState
from workflows.renewal.services import (
    RenewalRefused,
    renewal_document_add,
    renewal_launch,
    renewal_task_complete,
)

pytestmark = pytest.mark.django_db

S = RenewalState


@pytest.fixture
def people(people: dict[str, User], make_user: MakeUser) -> dict[str, User]:
    """A renovation's people (the workflows' conftest), the Pas-de-Calais's agent and a national administrator."""
    return {**people, "other_agent": make_user(Role.AGENT, "62"), "admin": make_user(Role.NATIONAL_ADMIN)}


def case(state: str, people: dict[str, User]) -> Renewal:
    return renewal_in(state, agent=people["agent"], validator=people["validator"], referent=people["referent"])


def history(renewal: Renewal) -> list[tuple[str, str, str]]:
    return [(t.transition, t.source, t.target) for t in renewal.transitions.order_by("at", "pk")]


# launch: not_started → evaluation


def test_launch_allowed(people: dict[str, User]) -> None:
    renewal, launched = renewal_launch(city_contract=nord_contract(), user=people["agent"])
    assert launched and renewal.state == S.EVALUATION
    assert history(renewal) == [("launch", S.NOT_STARTED, S.EVALUATION)]
    assert open_task(renewal, "evaluate").status == "NEW"


def test_launch_refused_to_another_department(people: dict[str, User]) -> None:
    with pytest.raises(Exception, match="pas le droit"):
        renewal_launch(city_contract=nord_contract(), user=people["other_agent"])
    assert not Renewal.objects.filter(city_contract=nord_contract(), state=S.EVALUATION).exists()


def test_launch_twice_is_a_no_op(people: dict[str, User]) -> None:
    renewal_launch(city_contract=nord_contract(), user=people["agent"])
    renewal, launched = renewal_launch(city_contract=nord_contract(), user=people["agent"])
    assert not launched and len(history(renewal)) == 1


# record_evaluation: evaluation → negotiation


def test_record_evaluation_allowed(people: dict[str, User]) -> None:
    renewal = case(S.NEGOTIATION, people)
    assert history(renewal)[-1] == ("record_evaluation", S.EVALUATION, S.NEGOTIATION)
    assert open_task(renewal, "build_protocol")


def test_record_evaluation_refused_without_document_nor_councils(people: dict[str, User]) -> None:
    renewal = case(S.EVALUATION, people)
    fields = {**EVALUATION, "councils_consulted": ""}
    with pytest.raises(RenewalRefused) as refused:
        renewal_task_complete(task_pk=open_task(renewal, "evaluate").pk, user=people["agent"], fields=fields)
    assert refused.value.reasons == [
        "Les conseils citoyens n'ont pas été consultés : indiquez la date et les conseils.",
        "Aucun document d'évaluation n'a été déposé.",
    ]
    assert fresh(renewal).state == S.EVALUATION and fresh(renewal).evaluation_strengths == ""


def test_record_evaluation_refused_to_the_validator(people: dict[str, User]) -> None:
    renewal = case(S.EVALUATION, people)
    renewal_document_add(renewal=renewal, user=people["agent"], kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    with pytest.raises(Exception, match="ne relève pas"):
        renewal_task_complete(task_pk=open_task(renewal, "evaluate").pk, user=people["validator"], fields=EVALUATION)
    assert fresh(renewal).state == S.EVALUATION


# build_protocol: negotiation → prefect_validation (handed to the valideur)


def test_build_protocol_allowed(people: dict[str, User]) -> None:
    renewal = case(S.NEGOTIATION, people)
    add_commitment(renewal)
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=people["agent"], fields=PROTOCOL)
    assert history(fresh(renewal))[-1] == ("build_protocol", S.NEGOTIATION, S.PREFECT_VALIDATION)
    assert open_task(renewal, "validate")


def test_build_protocol_refused_without_commitment_nor_childhood(people: dict[str, User]) -> None:
    renewal = case(S.NEGOTIATION, people)
    with pytest.raises(RenewalRefused) as refused:
        renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=people["agent"], fields={})
    # The signatories' guard, then the compliance rules with the circular's quoted sentences.
    assert refused.value.reasons == [
        "Indiquez les signataires du protocole.",
        "Le volet enfance et soutien à la parentalité est présent : « Vous accorderez une place majeure au volet "
        "enfance et soutien à la parentalité. » (circulaire du 22 janvier 2019, annexe 1). Le volet enfance et "
        "soutien à la parentalité du protocole est vide.",
        "Chaque engagement a sa partie, son indicateur, sa cible et sa fréquence de suivi : « partage des objectifs "
        "à atteindre en 2020/2021 (avec indicateurs de suivi très précis, alimentant également la conférence "
        "régionale) » (note France urbaine – AdCF de juillet 2018, « La méthode et le calendrier de travail », "
        "étape 2). Le protocole ne contient aucun engagement.",
    ]


# validate: prefect_validation → cget_review


def test_validate_allowed(people: dict[str, User]) -> None:
    renewal = case(S.CGET_REVIEW, people)
    assert history(renewal)[-1] == ("validate", S.PREFECT_VALIDATION, S.CGET_REVIEW)
    assert open_task(renewal, "review")


def test_validate_refused_to_the_agent(people: dict[str, User]) -> None:
    renewal = case(S.PREFECT_VALIDATION, people)
    with pytest.raises(Exception, match="ne relève pas"):
        renewal_task_complete(task_pk=open_task(renewal, "validate").pk, user=people["agent"])
    assert fresh(renewal).state == S.PREFECT_VALIDATION


def test_validate_refused_in_the_wrong_state(people: dict[str, User]) -> None:
    renewal = case(S.EVALUATION, people)
    with pytest.raises(RenewalRefused, match="pas possible dans l'état « Évaluation à mi-parcours »"):
        transition_run(case=renewal, user=people["validator"], name="validate")


# send_back: prefect_validation → negotiation (the prefect returns the protocol to the agents)


def test_send_back_allowed_with_comment(people: dict[str, User]) -> None:
    renewal = case(S.PREFECT_VALIDATION, people)
    renewal_task_complete(
        task_pk=open_task(renewal, "validate").pk,
        user=people["validator"],
        transition="send_back",
        comment="Précisez les engagements de l'État.",
    )
    renewal = fresh(renewal)
    assert renewal.state == S.NEGOTIATION and renewal.return_comment == "Précisez les engagements de l'État."
    assert history(renewal)[-1] == ("send_back", S.PREFECT_VALIDATION, S.NEGOTIATION)
    assert open_task(renewal, "build_protocol")  # the gateway read the case's state


def test_send_back_refused_without_comment(people: dict[str, User]) -> None:
    renewal = case(S.PREFECT_VALIDATION, people)
    with pytest.raises(RenewalRefused, match="commentaire est obligatoire"):
        renewal_task_complete(
            task_pk=open_task(renewal, "validate").pk, user=people["validator"], transition="send_back"
        )
    assert fresh(renewal).state == S.PREFECT_VALIDATION


# approve: cget_review → signature


def test_approve_allowed(people: dict[str, User]) -> None:
    renewal = case(S.SIGNATURE, people)
    assert history(renewal)[-1] == ("approve", S.CGET_REVIEW, S.SIGNATURE)
    assert open_task(renewal, "sign")


def test_approve_refused_to_the_validator(people: dict[str, User]) -> None:
    renewal = case(S.CGET_REVIEW, people)
    with pytest.raises(Exception, match="pas le droit"):
        transition_run(case=renewal, user=people["validator"], name="approve")
    assert fresh(renewal).state == S.CGET_REVIEW


# return_to_prefecture: cget_review → negotiation


def test_return_allowed_with_comment_shown_to_the_agent(people: dict[str, User]) -> None:
    renewal = case(S.CGET_REVIEW, people)
    renewal_task_complete(
        task_pk=open_task(renewal, "review").pk,
        user=people["referent"],
        transition="return_to_prefecture",
        comment="Ajoutez un engagement sur la mobilité.",
    )
    renewal = fresh(renewal)
    assert renewal.state == S.NEGOTIATION and renewal.return_comment == "Ajoutez un engagement sur la mobilité."
    assert history(renewal)[-1] == ("return_to_prefecture", S.CGET_REVIEW, S.NEGOTIATION)
    assert open_task(renewal, "build_protocol")  # the gateway read the case's state


def test_return_refused_outside_review(people: dict[str, User]) -> None:
    renewal = case(S.SIGNATURE, people)
    with pytest.raises(RenewalRefused, match="pas possible"):
        transition_run(case=renewal, user=people["referent"], name="return_to_prefecture", comment="x")


# sign: signature → signed


def test_sign_allowed(people: dict[str, User]) -> None:
    renewal = case(S.SIGNATURE, people)
    renewal_task_complete(
        task_pk=open_task(renewal, "sign").pk,
        user=people["agent"],
        fields={"signed_on": datetime.date(2019, 7, 12), "signed_by": "Préfet, président de la MEL"},
        uploads=[(RenewalDocument.Kind.SIGNED_PROTOCOL, pdf("protocole-signe.pdf"))],
    )
    renewal = fresh(renewal)
    assert renewal.state == S.SIGNED and history(renewal)[-1] == ("sign", S.SIGNATURE, S.SIGNED)
    assert renewal.days_to_deadline(datetime.date(2026, 1, 1)) == 19  # counted at signature


def test_sign_refused_without_signed_protocol(people: dict[str, User]) -> None:
    renewal = case(S.SIGNATURE, people)
    with pytest.raises(RenewalRefused, match="protocole signé"):
        renewal_task_complete(
            task_pk=open_task(renewal, "sign").pk,
            user=people["agent"],
            fields={"signed_on": datetime.date(2019, 7, 12), "signed_by": "Préfet"},
        )


def test_stale_case_raises_concurrent_transition(people: dict[str, User]) -> None:
    renewal = case(S.CGET_REVIEW, people)
    stale = Renewal.objects.get(pk=renewal.pk)
    transition_run(case=renewal, user=people["referent"], name="approve")
    with pytest.raises(ConcurrentTransition):
        transition_run(
            case=stale, user=people["referent"], name="return_to_prefecture", comment="x", seen_state=stale.state
        )


def test_days_left_or_late() -> None:
    renewal = Renewal(state=S.NEGOTIATION)
    assert renewal.days_to_deadline(datetime.date(2019, 7, 1)) == 30
    assert renewal.days_to_deadline(datetime.date(2019, 8, 5)) == -5
