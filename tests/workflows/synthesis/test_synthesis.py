"""The prefect's synthesis: length limit, four required parts, every
transition allowed / refused per role, history, the renovation table from the data and frozen
at submission, and the 15 March deadline met / reopened."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.models import Deadline
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.workflows.synthesis.helpers import at_length, complete_parts, synthesis_in
from workflows.cases.runner import transition_run
from workflows.models import Renewal, RenewalState
from workflows.synthesis.models import PARAGRAPHS_MAX, TOTAL_MAX_CHARS, Synthesis, SynthesisHistory
from workflows.synthesis.selectors import renovation_state, synthesis_renovation
from workflows.synthesis.services import SynthesisError, synthesis_save

pytestmark = pytest.mark.django_db


# --- Length limit and required parts --------------------------------------------------------------


def test_at_the_limit_is_saved(make_user: MakeUser, nord: Department) -> None:
    synthesis = synthesis_save(
        user=make_user(Role.AGENT, "59"), department=nord, year=2019, **at_length(TOTAL_MAX_CHARS)
    )
    assert synthesis.total_chars == TOTAL_MAX_CHARS == 9000


def test_one_over_the_limit_is_refused_in_french(make_user: MakeUser, nord: Department) -> None:
    with pytest.raises(SynthesisError) as refused:
        synthesis_save(user=make_user(Role.AGENT, "59"), department=nord, year=2019, **at_length(TOTAL_MAX_CHARS + 1))
    assert str(refused.value) == (
        "La synthèse compte 9001 caractères, espaces compris, pour 9\u202f000 au plus (cinq pages) : retirez-en 1."
    )
    assert not Synthesis.objects.exists()


def test_line_breaks_count_as_one_character(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    parts = at_length(TOTAL_MAX_CHARS - 1)
    parts["difficulties"] = parts["difficulties"][:-1] + "\r\nb"  # CRLF from the browser: one character
    assert synthesis_save(user=agent, department=nord, year=2019, **parts).total_chars == TOTAL_MAX_CHARS
    parts = at_length(TOTAL_MAX_CHARS)
    parts["difficulties"] = parts["difficulties"][:-1] + "\r\nb"
    with pytest.raises(SynthesisError, match="9001 caractères"):
        synthesis_save(user=agent, department=nord, year=2019, **parts)


def test_too_many_paragraphs_refused(make_user: MakeUser, nord: Department) -> None:
    parts = complete_parts()
    parts["measures"] = "\n".join(["Une mesure."] * (PARAGRAPHS_MAX + 1))
    with pytest.raises(SynthesisError, match="compte 11 paragraphes pour 10 au plus"):
        synthesis_save(user=make_user(Role.AGENT, "59"), department=nord, year=2019, **parts)
    parts["measures"] = "\n\n".join(["Une mesure."] * PARAGRAPHS_MAX)  # blank lines are not paragraphs
    synthesis_save(user=make_user(Role.AGENT, "59"), department=nord, year=2019, **parts)


@pytest.mark.parametrize("missing", ["steps_taken", "measures", "renovation_deadline", "difficulties"])
def test_the_four_parts_are_required_to_send_to_validation(make_user: MakeUser, nord: Department, missing: str) -> None:
    agent = make_user(Role.AGENT, "59")
    parts = complete_parts()
    parts[missing] = "   "
    synthesis = synthesis_save(user=agent, department=nord, year=2019, **parts)  # a draft may be partial
    with pytest.raises(SynthesisError, match="La synthèse est incomplète, renseignez :"):
        transition_run(user=agent, case=synthesis, name="send_to_validation")
    assert Synthesis.objects.get(pk=synthesis.pk).state == "draft"


def test_a_refusal_names_the_missing_parts(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    synthesis = synthesis_save(user=agent, department=nord, year=2019, steps_taken="Réunions.", measures="Mesures.")
    with pytest.raises(SynthesisError) as refused:
        transition_run(user=agent, case=synthesis, name="send_to_validation")
    # The compliance rule's quoted sentence of the circular, then what is missing.
    assert str(refused.value) == (
        "La synthèse traite les quatre parties demandées : « une synthèse de cinq pages sur les démarches engagées, "
        "les mesures de la feuille de route gouvernementale et du pacte de Dijon déclinées dans les contrats de ville, "
        "l'échéance de rénovation des contrats et les difficultés rencontrées. » (circulaire du 22 janvier 2019, "
        "lettre aux préfets). La synthèse est incomplète, renseignez : L'échéance de rénovation des contrats de ville "
        "; Les difficultés rencontrées."
    )


def test_only_a_draft_is_edited(make_user: MakeUser, nord: Department) -> None:
    synthesis_in(nord, "prefect_validation")
    with pytest.raises(SynthesisError, match="qu'en brouillon"):
        synthesis_save(user=make_user(Role.AGENT, "59"), department=nord, year=2019, **complete_parts())


@pytest.mark.parametrize(
    ("role", "code"),
    [(Role.AGENT, "62"), (Role.PAQTE_REFERENT, "59"), (Role.PREFECT_VALIDATOR, "59"), (Role.CGET_REFERENT, None)],
)
def test_only_the_agent_of_the_departement_writes(
    make_user: MakeUser, nord: Department, role: Role, code: str | None
) -> None:
    with pytest.raises(PermissionDenied):
        synthesis_save(user=make_user(role, code), department=nord, year=2019, **complete_parts())


# --- Transitions per role -------------------------------------------------------------------------

SOURCE = {
    "send_to_validation": "draft",
    "send_back": "prefect_validation",
    "validate": "prefect_validation",
    "approve": "submitted",
    "return_to_prefecture": "submitted",
}
TARGET = {
    "send_to_validation": "prefect_validation",
    "send_back": "draft",
    "validate": "submitted",
    "approve": "approved",
    "return_to_prefecture": "returned",
}
ALLOWED = {
    "send_to_validation": (Role.AGENT, "59"),
    "send_back": (Role.PREFECT_VALIDATOR, "59"),
    "validate": (Role.PREFECT_VALIDATOR, "59"),
    "approve": (Role.CGET_REFERENT, None),
    "return_to_prefecture": (Role.CGET_REFERENT, None),
}
USERS = [
    (Role.AGENT, "59"),
    (Role.PAQTE_REFERENT, "59"),
    (Role.PREFECT_VALIDATOR, "59"),
    (Role.AGENT, "62"),
    (Role.PREFECT_VALIDATOR, "62"),
    (Role.CGET_REFERENT, None),
    (Role.NATIONAL_ADMIN, None),
]


@pytest.mark.parametrize("name", list(SOURCE))
@pytest.mark.parametrize("who", USERS, ids=lambda who: f"{who[0]}-{who[1] or 'national'}")
def test_transition_allowed_or_refused_per_role(
    make_user: MakeUser, nord: Department, name: str, who: tuple[Role, str | None]
) -> None:
    synthesis = synthesis_in(nord, SOURCE[name])
    user = make_user(*who)
    comment = "Précisez les mesures du pacte de Dijon." if name in ("return_to_prefecture", "send_back") else ""
    if who == ALLOWED[name]:
        moved = transition_run(user=user, case=synthesis, name=name, comment=comment)
        assert moved.state == TARGET[name]
        row = SynthesisHistory.objects.get(synthesis=synthesis, transition=name)
        assert (row.actor, row.source, row.target, row.comment) == (user, SOURCE[name], TARGET[name], comment)
    else:
        with pytest.raises(PermissionDenied):
            transition_run(user=user, case=synthesis, name=name, comment=comment)
        assert Synthesis.objects.get(pk=synthesis.pk).state == SOURCE[name]
        assert not SynthesisHistory.objects.filter(synthesis=synthesis).exists()


@pytest.mark.parametrize("name", list(SOURCE))
def test_transition_refused_in_another_state(make_user: MakeUser, nord: Department, name: str) -> None:
    other = "approved"
    synthesis = synthesis_in(nord, other)
    with pytest.raises(SynthesisError, match="pas possible dans l'état « Approuvée par le CGET »"):
        transition_run(user=make_user(*ALLOWED[name]), case=synthesis, name=name, comment="x")


def test_return_needs_a_comment(make_user: MakeUser, nord: Department) -> None:
    synthesis = synthesis_in(nord, "submitted")
    with pytest.raises(SynthesisError, match="Un commentaire est obligatoire"):
        transition_run(user=make_user(Role.CGET_REFERENT), case=synthesis, name="return_to_prefecture")


def test_unknown_action(make_user: MakeUser, nord: Department) -> None:
    with pytest.raises(SynthesisError, match="Action inconnue"):
        transition_run(user=make_user(Role.AGENT, "59"), case=synthesis_in(nord), name="delete")


# --- Renovation table and deadline ----------------------------------------------------------------


def _renewals(department: Department) -> dict[str, int]:
    """Put the département's first contracts in known steps; returns the expected counts."""
    contracts = list(CityContract.objects.filter(department=department).order_by("code")[:4])
    assert len(contracts) == 4
    states = [RenewalState.EVALUATION, RenewalState.EVALUATION, RenewalState.SIGNED, RenewalState.SIGNATURE]
    for contract, state in zip(contracts, states, strict=True):
        Renewal.objects.create(
            city_contract=contract,
            department=department,
            state=state,
            signed_on=datetime.date(2019, 9, 1) if state == RenewalState.SIGNED else None,
        )
    return {"evaluation": 2, "signed": 1, "signature": 1}


def test_renovation_table_equals_counts_from_the_database(nord: Department) -> None:
    _renewals(nord)
    state = renovation_state(department=nord, today=datetime.date(2019, 3, 1))
    by_state = {row.state: row for row in state.rows}
    total = CityContract.objects.filter(department=nord).count()
    assert state.total == total
    for value in RenewalState.values:
        expected = Renewal.objects.filter(department=nord, state=value).count()
        if value == "not_started":
            expected += CityContract.objects.filter(department=nord, renewal__isnull=True).count()
        assert by_state[value].count == expected
    # Before 31 July 2019 only a contract signed after it is late; after it, every unsigned one.
    assert state.late == 1
    after = renovation_state(department=nord, today=datetime.date(2019, 8, 1))
    assert after.late == total - 1 + 1  # all unsigned + the one signed in September


def test_renovation_table_is_frozen_at_submission(make_user: MakeUser, nord: Department) -> None:
    _renewals(nord)
    synthesis = synthesis_in(nord, "prefect_validation")
    submitted = transition_run(user=make_user(Role.PREFECT_VALIDATOR, "59"), case=synthesis, name="validate")
    snapshot = Synthesis.objects.get(pk=submitted.pk).renovation_snapshot
    assert snapshot is not None
    frozen = {row["state"]: row["count"] for row in snapshot["rows"]}
    assert frozen["evaluation"] == 2 and frozen["signed"] == 1
    assert snapshot["computed_on"] == timezone.localdate().isoformat()
    # The data moves on; the transmitted table does not.
    Renewal.objects.filter(department=nord, state="evaluation").update(state="negotiation")
    shown = synthesis_renovation(
        synthesis=Synthesis.objects.get(pk=submitted.pk), department=nord, today=timezone.localdate()
    )
    assert shown.frozen and {r.state: r.count for r in shown.rows}["evaluation"] == 2
    live = renovation_state(department=nord, today=timezone.localdate())
    assert {r.state: r.count for r in live.rows}["evaluation"] == 0
    # A CGET return drops the frozen copy: the draft shows the data again.
    returned = transition_run(
        user=make_user(Role.CGET_REFERENT), case=submitted, name="return_to_prefecture", comment="À compléter."
    )
    assert returned.renovation_snapshot is None and returned.return_comment == "À compléter."


def _deadline(department: Department) -> Deadline:
    return Deadline.objects.get(department=department, definition__code="synthesis", case_id__isnull=True)


def test_submission_meets_the_15_march_deadline_and_a_return_reopens_it(make_user: MakeUser, nord: Department) -> None:
    synthesis = synthesis_in(nord, "prefect_validation")
    submitted = transition_run(user=make_user(Role.PREFECT_VALIDATOR, "59"), case=synthesis, name="validate")
    deadline = _deadline(nord)
    assert deadline.due_on == datetime.date(2019, 3, 15) and deadline.met_at is not None
    cget = make_user(Role.CGET_REFERENT)
    transition_run(user=cget, case=submitted, name="return_to_prefecture", comment="Trop court.")
    assert _deadline(nord).met_at is None
    agent = make_user(Role.AGENT, "59")
    # Returned: the prefecture corrects it and transmits it again (a submission's resubmission).
    again = transition_run(user=agent, case=submitted, name="resubmit")
    assert again.state == "submitted" and again.renovation_snapshot is not None
    assert _deadline(nord).met_at is not None
    transition_run(user=cget, case=again, name="approve")
    assert _deadline(nord).met_at is not None
    assert list(SynthesisHistory.objects.filter(synthesis=synthesis).values_list("transition", flat=True)) == [
        "validate",
        "return_to_prefecture",
        "resubmit",
        "approve",
    ]


def test_late_when_not_submitted_by_15_march(nord: Department) -> None:
    synthesis = synthesis_in(nord, "draft")
    assert not synthesis.is_late(datetime.date(2019, 3, 15))
    assert synthesis.is_late(datetime.date(2019, 3, 16))
