"""The PAQTE convention: every FSM edge allowed and refused, the axis rules by company size,
the three-year end, the renewal offer, and the history of every change."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

import pytest

from accounts.models import Role, User
from notifications import campaign as calendar
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import add_all_axes, company_of, convention_of
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.models import Axis, Company, KeyIndicator, PaqteConvention, PaqteHistory
from workflows.paqte.services import PaqteError

pytestmark = pytest.mark.django_db

S = PaqteConvention.State
TODAY = timezone.localdate()
LONG_AGO = TODAY - datetime.timedelta(days=4 * 365)  # ended
NEAR_END = calendar.add_years(TODAY, -3) + datetime.timedelta(days=30)  # ends within 30 days


def reach(agent: User, nord: Department, state: str) -> PaqteConvention:
    """A convention in ``state``, its guards for the next step satisfied where possible."""
    if state in ("draft", "negotiation", "signed"):
        return convention_of(agent, nord, state=state)
    if state == "active":
        return convention_of(agent, nord, state="active", signed_on=NEAR_END)
    if state == "expired":
        convention = convention_of(agent, nord, state="active", signed_on=LONG_AGO)
        return transition_run(case=convention, user=agent, name="expire")
    if state == "renewed":
        convention = convention_of(agent, nord, state="active", signed_on=NEAR_END)
        services.convention_renew(user=agent, convention=convention)
        return PaqteConvention.objects.get(pk=convention.pk)
    convention = convention_of(agent, nord, state="active")
    return transition_run(case=convention, user=agent, name="terminate", reason="Cessation", comment="x")


# transition: (sources, target, kwargs)
EDGES: dict[str, tuple[list[str], str, dict[str, Any]]] = {
    "start_negotiation": (["draft"], "negotiation", {}),
    "sign": (["negotiation"], "signed", {"signed_on": TODAY}),
    "activate": (["signed"], "active", {}),
    "expire": (["active"], "expired", {}),
    "renew": (["active"], "renewed", {}),
    "terminate": (["signed", "active"], "terminated", {"reason": "Cessation d'activité"}),
}
ALLOWED = [(name, source) for name, (sources, _t, _k) in EDGES.items() for source in sources]
REFUSED = [(name, state) for name, (sources, _t, _k) in EDGES.items() for state in S.values if state not in sources]


@pytest.mark.parametrize(("name", "source"), ALLOWED, ids=[f"{n}-from-{s}" for n, s in ALLOWED])
def test_edge_allowed(agent: User, nord: Department, name: str, source: str) -> None:
    convention = reach(agent, nord, source)
    if name == "expire":
        convention = convention_of(agent, nord, state="active", signed_on=LONG_AGO)
    if source == "draft":
        add_all_axes(agent, convention)
    _sources, target, kwargs = EDGES[name]
    done = transition_run(case=convention, user=agent, name=name, comment="ok", **kwargs)
    assert done.state == target
    assert PaqteConvention.objects.get(pk=convention.pk).state == target
    last = PaqteHistory.objects.filter(object_id=convention.pk, transition=name).get()
    assert (last.source, last.target, last.actor, last.comment) == (source, target, agent, "ok")


@pytest.mark.parametrize(("name", "state"), REFUSED, ids=[f"{n}-from-{s}" for n, s in REFUSED])
def test_edge_refused_from_other_states(agent: User, nord: Department, name: str, state: str) -> None:
    convention = reach(agent, nord, state)
    with pytest.raises(PaqteError, match="n'est pas possible dans l'état"):
        transition_run(case=convention, user=agent, name=name, **EDGES[name][2])
    assert PaqteConvention.objects.get(pk=convention.pk).state == state


def test_state_is_protected(agent: User, nord: Department) -> None:
    convention = reach(agent, nord, "draft")
    with pytest.raises(AttributeError):
        convention.state = "active"


def test_start_negotiation_refused_without_objective(agent: User, nord: Department) -> None:
    convention = services.convention_create(user=agent, company=company_of(), department=nord)
    with pytest.raises(PaqteError, match="au moins un objectif"):
        transition_run(case=convention, user=agent, name="start_negotiation")


def test_expire_refused_before_the_end(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="active")
    with pytest.raises(PaqteError, match="pas encore arrivée à son terme"):
        transition_run(case=convention, user=agent, name="expire")


def test_renew_refused_far_from_the_end(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="active")
    with pytest.raises(PaqteError, match="Le renouvellement se propose"):
        transition_run(case=convention, user=agent, name="renew")


@pytest.mark.parametrize(
    ("role", "department"),
    [(Role.AGENT, "62"), (Role.PREFECT_VALIDATOR, "59"), (Role.CGET_REFERENT, None), (Role.NATIONAL_ADMIN, None)],
)
def test_edge_refused_to_who_does_not_instruct_the_department(
    agent: User, nord: Department, make_user: MakeUser, role: Role, department: str | None
) -> None:
    convention = reach(agent, nord, "draft")
    add_all_axes(agent, convention)
    with pytest.raises(PermissionDenied):
        transition_run(case=convention, user=make_user(role, department), name="start_negotiation")
    assert PaqteConvention.objects.get(pk=convention.pk).state == "draft"


def test_paqte_referent_instructs_too(make_user: MakeUser, nord: Department) -> None:
    referent = make_user(Role.PAQTE_REFERENT, "59")
    assert convention_of(referent, nord, state="active").state == "active"


# --- Three-year end --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_on", "ends_on"),
    [
        (datetime.date(2019, 3, 15), datetime.date(2022, 3, 14)),
        (datetime.date(2019, 1, 1), datetime.date(2021, 12, 31)),
        (datetime.date(2020, 2, 29), datetime.date(2023, 2, 27)),  # no 29 February in 2023
    ],
)
def test_convention_ends_three_years_after_signature(
    agent: User, nord: Department, signed_on: datetime.date, ends_on: datetime.date
) -> None:
    convention = convention_of(agent, nord, state="signed", signed_on=signed_on)
    assert (convention.signed_on, convention.ends_on) == (signed_on, ends_on)


def test_expire_allowed_the_day_after_the_end_only(agent: User, nord: Department) -> None:
    signed_on = calendar.add_years(TODAY, -3)
    convention = convention_of(agent, nord, state="active", signed_on=signed_on)
    assert convention.ends_on == TODAY - datetime.timedelta(days=1)
    assert transition_run(case=convention, user=agent, name="expire").state == "expired"
    on_last_day = convention_of(agent, nord, state="active", signed_on=signed_on + datetime.timedelta(days=1))
    assert on_last_day.ends_on == TODAY
    with pytest.raises(PaqteError):
        transition_run(case=on_last_day, user=agent, name="expire")


def test_renewal_is_offered_near_the_end_once(agent: User, nord: Department) -> None:
    near = convention_of(agent, nord, state="active", signed_on=NEAR_END)
    far = convention_of(agent, nord, state="active")
    offered = services.conventions_offer_renewal(today=TODAY)
    assert [c.pk for c in offered] == [near.pk]
    assert PaqteConvention.objects.get(pk=near.pk).renewal_offered_on == TODAY
    assert PaqteConvention.objects.get(pk=far.pk).renewal_offered_on is None
    assert services.conventions_offer_renewal(today=TODAY) == []


def test_renewal_opens_a_draft_with_the_same_objectives(agent: User, nord: Department) -> None:
    old = convention_of(agent, nord, state="active", signed_on=NEAR_END)
    new = services.convention_renew(user=agent, convention=old)
    assert (new.state, new.renewal_of_id, new.company_id) == ("draft", old.pk, old.company_id)
    assert sorted(new.objectives.values_list("indicator_id", "target")) == sorted(
        old.objectives.values_list("indicator_id", "target")
    )


def test_one_open_convention_per_company_and_department(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord)
    with pytest.raises(PaqteError, match="déjà une convention"):
        services.convention_create(user=agent, company=convention.company, department=nord)


# --- Axis rules by size ---------------------------------------------------------------------


def first_indicator(axis: str) -> KeyIndicator:
    return KeyIndicator.objects.filter(axis=axis).order_by("position").first()  # type: ignore[return-value]


@pytest.mark.parametrize("size", [Company.Size.LARGE, Company.Size.ETI])
def test_large_company_and_eti_must_commit_on_the_four_axes(agent: User, nord: Department, size: str) -> None:
    convention = services.convention_create(user=agent, company=company_of(size), department=nord)
    for axis in (Axis.AWARENESS, Axis.TRAINING, Axis.HIRING):
        services.objective_add(user=agent, convention=convention, indicator=first_indicator(axis), target=5)
    convention = transition_run(case=convention, user=agent, name="start_negotiation")
    with pytest.raises(PaqteError, match=r"quatre axes.*Acheter"):
        transition_run(case=convention, user=agent, name="sign", signed_on=TODAY)
    services.objective_add(user=agent, convention=convention, indicator=first_indicator(Axis.PURCHASING), target=5)
    assert transition_run(case=convention, user=agent, name="sign", signed_on=TODAY).state == "signed"


@pytest.mark.parametrize("size", [Company.Size.LARGE, Company.Size.ETI])
def test_large_company_and_eti_have_no_specific_commitment(agent: User, nord: Department, size: str) -> None:
    convention = services.convention_create(user=agent, company=company_of(size), department=nord)
    with pytest.raises(PaqteError, match="réservés aux PME et TPE"):
        services.objective_add(
            user=agent, convention=convention, axis=Axis.HIRING, label="Parrainage de demandeurs d'emploi", target=3
        )


@pytest.mark.parametrize("size", [Company.Size.PME, Company.Size.TPE])
def test_pme_and_tpe_may_keep_one_axis_and_a_specific_commitment(agent: User, nord: Department, size: str) -> None:
    convention = services.convention_create(user=agent, company=company_of(size), department=nord)
    services.objective_add(user=agent, convention=convention, indicator=first_indicator(Axis.HIRING), target=2)
    services.objective_add(
        user=agent, convention=convention, axis=Axis.AWARENESS, label="Forum des métiers au collège", target=1
    )
    convention = transition_run(case=convention, user=agent, name="start_negotiation")
    assert transition_run(case=convention, user=agent, name="sign", signed_on=TODAY).state == "signed"


@pytest.mark.parametrize("size", [Company.Size.PME, Company.Size.TPE])
def test_pme_with_only_a_specific_commitment_may_sign(agent: User, nord: Department, size: str) -> None:
    convention = services.convention_create(user=agent, company=company_of(size), department=nord)
    services.objective_add(user=agent, convention=convention, axis=Axis.PURCHASING, label="Achats locaux", target=1)
    convention = transition_run(case=convention, user=agent, name="start_negotiation")
    assert transition_run(case=convention, user=agent, name="sign", signed_on=TODAY).state == "signed"


def test_objectives_are_frozen_after_signature(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="signed")
    with pytest.raises(PaqteError, match="après la signature"):
        services.objective_add(user=agent, convention=convention, indicator=first_indicator(Axis.HIRING), target=1)
    with pytest.raises(PaqteError, match="après la signature"):
        services.objective_remove(user=agent, objective=convention.objectives.first())  # type: ignore[arg-type]


def test_one_objective_per_indicator(agent: User, nord: Department) -> None:
    convention = services.convention_create(user=agent, company=company_of(), department=nord)
    services.objective_add(user=agent, convention=convention, indicator=first_indicator(Axis.HIRING), target=1)
    with pytest.raises(PaqteError, match="déjà un objectif"):
        services.objective_add(user=agent, convention=convention, indicator=first_indicator(Axis.HIRING), target=2)


def test_key_indicators_are_data_on_the_four_axes() -> None:
    assert set(KeyIndicator.objects.values_list("axis", flat=True)) == set(Axis.values)
    assert KeyIndicator.objects.filter(code="stages-3e-rep-plus", axis=Axis.AWARENESS).exists()


# --- Results -------------------------------------------------------------------------------


def test_results_recorded_each_semester_on_active_conventions(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="active", signed_on=datetime.date(2019, 3, 1))
    objective = convention.objectives.first()
    assert objective is not None
    services.result_record(user=agent, objective=objective, year=2019, semester=1, value=4)
    services.result_record(user=agent, objective=objective, year=2019, semester=1, value=6)  # correction
    services.result_record(user=agent, objective=objective, year=2019, semester=2, value=3)
    assert sorted(objective.results.values_list("semester", "value")) == [(1, 6), (2, 3)]
    with pytest.raises(PaqteError, match="hors de la durée"):
        services.result_record(user=agent, objective=objective, year=2023, semester=1, value=1)


def test_results_refused_before_activation(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="signed")
    with pytest.raises(PaqteError, match="convention en cours"):
        services.result_record(user=agent, objective=convention.objectives.first(), year=2019, semester=1, value=1)  # type: ignore[arg-type]


def test_history_is_append_only(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="negotiation")
    row = PaqteHistory.objects.filter(object_id=convention.pk).last()
    assert row is not None
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
