"""Steering meetings: scope by kind, the to_schedule → convened → held machine with its history,
and the départements flagged for a semester without a held collège."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

import pytest

from accounts.models import Role
from notifications.campaign import ended_semesters
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.meetings import MeetingFactory, held_service_heads
from workflows.cases.runner import transition_run
from workflows.steering.models import Meeting, MeetingHistory
from workflows.steering.selectors import departments_missing_service_heads, meeting_list
from workflows.steering.services import (
    SERVICE_HEADS_INVITEES,
    SteeringError,
    meeting_create,
    meeting_update,
)

pytestmark = pytest.mark.django_db

PAST = datetime.date(2019, 3, 15)


@pytest.fixture
def college(make_user: MakeUser, nord: Department) -> Meeting:
    return meeting_create(
        user=make_user(Role.AGENT, "59"), kind="service_heads", year=2019, semester=1, department=nord
    )


def test_college_invites_the_rector_and_the_ars_director(college: Meeting) -> None:
    assert college.state == Meeting.State.TO_SCHEDULE
    assert college.invitees == SERVICE_HEADS_INVITEES
    assert "Recteur d'académie" in college.invitees


def test_funders_conference_belongs_to_the_region(make_user: MakeUser, nord: Department) -> None:
    meeting = meeting_create(
        user=make_user(Role.AGENT, "59"), kind="funders_conference", year=2019, semester=2, department=nord
    )
    assert (meeting.region, meeting.department, meeting.semester) == (nord.region, None, None)


def test_territory_meeting_belongs_to_the_city_contract(make_user: MakeUser) -> None:
    contract = CityContract.objects.get(code="CV192", department_code="59")
    meeting = meeting_create(user=make_user(Role.AGENT, "59"), kind="territory", year=2019, city_contract=contract)
    assert meeting.owning_department.code == "59"
    with pytest.raises(PermissionDenied):
        meeting_create(user=make_user(Role.AGENT, "62"), kind="territory", year=2019, city_contract=contract)


def test_scope_must_follow_the_kind(nord: Department) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(kind="funders_conference", department=nord, year=2019)
    with pytest.raises(IntegrityError), transaction.atomic():
        Meeting.objects.create(kind="service_heads", department=nord, year=2019)  # no semester


def test_one_college_per_semester(make_user: MakeUser, nord: Department, college: Meeting) -> None:
    with pytest.raises(SteeringError, match="déjà un collège"):
        meeting_create(user=make_user(Role.AGENT, "59"), kind="service_heads", year=2019, semester=1, department=nord)


@pytest.mark.parametrize(
    ("role", "code"), [(Role.AGENT, "62"), (Role.CGET_REFERENT, None), (Role.NATIONAL_ADMIN, None)]
)
def test_create_refused_outside_own_department(make_user: MakeUser, nord: Department, role: Role, code: str) -> None:
    with pytest.raises(PermissionDenied):
        meeting_create(user=make_user(role, code), kind="paqte_committee", year=2019, department=nord)


# --- Transitions: one allowed and one refused test per edge -------------------------------------


def test_convene_allowed_with_a_date(make_user: MakeUser, college: Meeting) -> None:
    agent = make_user(Role.AGENT, "59")
    meeting_update(user=agent, meeting=college, date=PAST, invitees=college.invitees, minutes="")
    convened = transition_run(user=agent, case=college, name="convene")
    assert convened.state == Meeting.State.CONVENED
    row = MeetingHistory.objects.get(meeting=college)
    assert (row.actor, row.source, row.target, row.transition) == (agent, "to_schedule", "convened", "convene")


def test_convene_refused_without_a_date(make_user: MakeUser, college: Meeting) -> None:
    with pytest.raises(SteeringError, match="Indiquez la date"):
        transition_run(user=make_user(Role.AGENT, "59"), case=college, name="convene")
    college.refresh_from_db()
    assert college.state == Meeting.State.TO_SCHEDULE and not MeetingHistory.objects.exists()


def test_convene_refused_to_another_department_and_to_the_cget(make_user: MakeUser, college: Meeting) -> None:
    meeting_update(user=make_user(Role.AGENT, "59"), meeting=college, date=PAST, invitees=[], minutes="")
    for user in (make_user(Role.PREFECT_VALIDATOR, "62"), make_user(Role.CGET_REFERENT)):
        with pytest.raises(PermissionDenied):
            transition_run(user=user, case=college, name="convene")


def test_hold_allowed_once_the_date_has_come(make_user: MakeUser, college: Meeting) -> None:
    agent = make_user(Role.PAQTE_REFERENT, "59")
    meeting_update(user=agent, meeting=college, date=PAST, invitees=["Recteur"], minutes="")
    transition_run(user=agent, case=college, name="convene")
    held = transition_run(user=agent, case=college, name="hold")
    assert held.state == Meeting.State.HELD
    assert list(MeetingHistory.objects.filter(meeting=college).values_list("target", flat=True)) == [
        "convened",
        "held",
    ]
    meeting_update(user=agent, meeting=held, date=PAST, invitees=["Recteur"], minutes="Compte rendu")
    with pytest.raises(SteeringError, match="date d'une réunion tenue"):
        meeting_update(user=agent, meeting=held, date=datetime.date(2019, 4, 1), invitees=[], minutes="")


def test_hold_refused_before_the_date_and_from_to_schedule(make_user: MakeUser, college: Meeting) -> None:
    agent = make_user(Role.AGENT, "59")
    with pytest.raises(SteeringError, match="pas possible dans l'état"):
        transition_run(user=agent, case=college, name="hold")
    meeting_update(
        user=agent, meeting=college, date=datetime.date.today() + datetime.timedelta(days=30), invitees=[], minutes=""
    )
    transition_run(user=agent, case=college, name="convene")
    with pytest.raises(SteeringError, match="à sa date ou après"):
        transition_run(user=agent, case=college, name="hold")


def test_state_is_protected(college: Meeting) -> None:
    with pytest.raises(AttributeError):
        college.state = Meeting.State.HELD


def test_history_is_append_only(make_user: MakeUser, college: Meeting) -> None:
    agent = make_user(Role.AGENT, "59")
    meeting_update(user=agent, meeting=college, date=PAST, invitees=[], minutes="")
    transition_run(user=agent, case=college, name="convene")
    row = MeetingHistory.objects.get()
    with pytest.raises(Exception, match="ne se modifie pas"):
        row.save()
    with pytest.raises(Exception, match="ne se supprime pas"):
        row.delete()


# --- Semesters without a held collège -----------------------------------------------------------


def test_ended_semesters() -> None:
    assert ended_semesters(today=datetime.date(2019, 6, 30)) == []
    assert ended_semesters(today=datetime.date(2019, 7, 1)) == [(2019, 1)]
    assert ended_semesters(today=datetime.date(2020, 1, 15)) == [(2019, 1), (2019, 2)]


def test_missing_colleges_are_flagged(make_user: MakeUser, nord: Department, pas_de_calais: Department) -> None:
    today = datetime.date(2020, 1, 15)
    held_service_heads(nord, 2019, 1)
    held_service_heads(nord, 2019, 2, state=Meeting.State.CONVENED)  # convened is not held
    held_service_heads(pas_de_calais, 2019, 1)
    held_service_heads(pas_de_calais, 2019, 2)
    cget = make_user(Role.CGET_REFERENT)
    flagged = {row.department.code: row.semesters for row in departments_missing_service_heads(user=cget, today=today)}
    assert flagged["59"] == [(2019, 2)]
    assert "62" not in flagged
    assert flagged["75"] == [(2019, 1), (2019, 2)]
    assert len(flagged) == Department.objects.count() - 1
    agent = make_user(Role.AGENT, "59")
    assert [row.department.code for row in departments_missing_service_heads(user=agent, today=today)] == ["59"]
    assert departments_missing_service_heads(user=make_user(Role.AGENT, "62"), today=today) == []
    assert departments_missing_service_heads(user=cget, today=datetime.date(2019, 5, 1)) == []


def test_meeting_list_is_scoped(make_user: MakeUser, nord: Department, pas_de_calais: Department) -> None:
    own = held_service_heads(nord, 2019, 1)
    other = held_service_heads(pas_de_calais, 2019, 1)
    region = MeetingFactory.create(kind="funders_conference", department=None, region=nord.region, semester=None)
    contract = MeetingFactory.create(
        kind="territory",
        department=None,
        semester=None,
        city_contract=CityContract.objects.get(code="CV192", department_code="59"),
    )
    agent = make_user(Role.AGENT, "59")
    assert set(meeting_list(user=agent)) == {own, region, contract}
    assert set(meeting_list(user=make_user(Role.CGET_REFERENT))) == {own, other, region, contract}
    assert set(meeting_list(user=agent, department=nord)) == {own, region, contract}
