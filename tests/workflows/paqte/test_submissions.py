"""Submissions to the CGET (référent designation, semestrial report): every edge of
draft → prefect_validation → submitted → approved | returned, returned → submitted,
prefect_validation → draft, allowed to the right role and refused otherwise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.submission_helpers import submission_draft
from workflows.cases.registry import kind_of
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.models import PaqteHistory, ReferentDesignation, SemesterReport, Submission
from workflows.paqte.services import PaqteError

pytestmark = pytest.mark.django_db

S = Submission.State
# transition: (source, target, who)
EDGES = {
    "send_to_validation": ("draft", "prefect_validation", "agent"),
    "send_back": ("prefect_validation", "draft", "validator"),
    "validate": ("prefect_validation", "submitted", "validator"),
    "approve": ("submitted", "approved", "cget"),
    "return_to_prefecture": ("submitted", "returned", "cget"),
    "resubmit": ("returned", "submitted", "agent"),
}
PATH_TO = {
    "draft": [],
    "prefect_validation": ["send_to_validation"],
    "submitted": ["send_to_validation", "validate"],
    "approved": ["send_to_validation", "validate", "approve"],
    "returned": ["send_to_validation", "validate", "return_to_prefecture"],
}
KINDS = ["referent", "report"]


@pytest.fixture
def actors(agent: User, validator: User, cget: User) -> dict[str, User]:
    return {"agent": agent, "validator": validator, "cget": cget}


def new_case(kind: str, agent: User, nord: Department) -> Submission:
    """A draft ready to be sent: the référent's contact, or a report with every rubric of annex 2's
    format, the référent's contact included (compliance rules)."""
    return submission_draft(f"paqte-{kind}", agent, nord)


def run(case: Submission, name: str, actors: dict[str, User]) -> Submission:
    user = actors[EDGES[name][2]]
    if name == "return_to_prefecture":
        return services.submission_return(user=user, submission=case, comment="Précisez les partenaires.")
    if name == "send_back":  # the valideur's return says why too
        return transition_run(case=case, user=user, name=name, comment="Complétez les exemples d'actions.")
    return transition_run(case=case, user=user, name=name)


def reach(kind: str, state: str, actors: dict[str, User], nord: Department) -> Submission:
    case = new_case(kind, actors["agent"], nord)
    for name in PATH_TO[state]:
        case = run(case, name, actors)
    return case


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_allowed(kind: str, name: str, actors: dict[str, User], nord: Department) -> None:
    source, target, who = EDGES[name]
    case = reach(kind, source, actors, nord)
    done = run(case, name, actors)
    assert type(done)._default_manager.get(pk=case.pk).state == target
    row = PaqteHistory.objects.filter(object_id=case.pk, transition=name).latest("pk")
    assert (row.source, row.target, row.actor) == (source, target, actors[who])


REFUSED_STATES = [(name, state) for name in sorted(EDGES) for state in S.values if state != EDGES[name][0]]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("name", "state"), REFUSED_STATES)
def test_edge_refused_from_other_states(
    kind: str, name: str, state: str, actors: dict[str, User], nord: Department
) -> None:
    case = reach(kind, state, actors, nord)
    with pytest.raises(PaqteError, match="n'est pas possible"):
        run(case, name, actors)
    assert type(case)._default_manager.get(pk=case.pk).state == state


WRONG_ROLE = {
    "agent": [(Role.PREFECT_VALIDATOR, "59"), (Role.AGENT, "62"), (Role.CGET_REFERENT, None)],
    "validator": [(Role.AGENT, "59"), (Role.PREFECT_VALIDATOR, "62"), (Role.CGET_REFERENT, None)],
    "cget": [(Role.AGENT, "59"), (Role.PREFECT_VALIDATOR, "59"), (Role.NATIONAL_ADMIN, None)],
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_refused_to_the_wrong_role(
    kind: str, name: str, actors: dict[str, User], nord: Department, make_user: MakeUser
) -> None:
    source, _target, who = EDGES[name]
    case = reach(kind, source, actors, nord)
    for role, department in WRONG_ROLE[who]:
        intruder = make_user(role, department)
        with pytest.raises(PermissionDenied):
            run(case, name, {**actors, who: intruder})
    assert type(case)._default_manager.get(pk=case.pk).state == source


def test_return_needs_a_comment_and_keeps_it(actors: dict[str, User], nord: Department) -> None:
    case = reach("report", "submitted", actors, nord)
    with pytest.raises(PaqteError, match="commentaire est obligatoire"):
        services.submission_return(user=actors["cget"], submission=case, comment="  ")
    services.submission_return(user=actors["cget"], submission=case, comment="Chiffres manquants.")
    assert SemesterReport.objects.get(pk=case.pk).return_comment == "Chiffres manquants."


@pytest.mark.parametrize("kind", KINDS)
def test_send_back_needs_a_reason_and_keeps_it(kind: str, actors: dict[str, User], nord: Department) -> None:
    case = reach(kind, "prefect_validation", actors, nord)
    with pytest.raises(PaqteError, match="commentaire est obligatoire"):
        transition_run(case=case, user=actors["validator"], name="send_back", comment="  ")
    assert type(case)._default_manager.get(pk=case.pk).state == "prefect_validation"
    transition_run(case=case, user=actors["validator"], name="send_back", comment="Complétez les partenaires.")
    assert type(case)._default_manager.get(pk=case.pk).return_comment == "Complétez les partenaires."
    row = kind_of(case).history_of(case).get(transition="send_back")
    assert (row.actor, row.comment) == (actors["validator"], "Complétez les partenaires.")


def test_incomplete_report_cannot_go_to_validation(agent: User, nord: Department) -> None:
    report = services.report_create(user=agent, department=nord, year=2019, semester=2)
    with pytest.raises(
        PaqteError, match="un bilan quantitatif et qualitatif de la montée en charge du PAQTE"
    ) as refused:
        transition_run(case=report, user=agent, name="send_to_validation")
    assert "Il manque : « Organisation retenue de suivi et d'animation du PAQTE »" in str(refused.value)


def test_referent_is_frozen_while_validated(actors: dict[str, User], nord: Department) -> None:
    reach("referent", "prefect_validation", actors, nord)
    with pytest.raises(PaqteError, match="ne se modifie pas"):
        services.referent_save(user=actors["agent"], department=nord, name="X", function="Y", email="x@y.fr", phone="1")
    assert ReferentDesignation.objects.get(department=nord).name == "Camille Martin"


def test_report_text_is_frozen_once_submitted(actors: dict[str, User], nord: Department) -> None:
    case = reach("report", "submitted", actors, nord)
    with pytest.raises(PaqteError, match="ne se modifie"):
        services.report_update(user=actors["agent"], report=case, examples="x")  # type: ignore[arg-type]
