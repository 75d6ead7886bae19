"""Steering committee of a département: members and meetings, checkpoint meetings with the
signatory companies present; shown on the département page."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import convention_of
from workflows.paqte import selectors, services
from workflows.paqte.models import CommitteeMember
from workflows.steering.models import Meeting
from workflows.steering.services import paqte_meeting_record

pytestmark = pytest.mark.django_db


def test_members_and_checkpoint_meeting(agent: User, nord: Department) -> None:
    services.committee_member_add(
        user=agent, department=nord, kind=CommitteeMember.Kind.BUSINESS_CLUB, name="FACE Lille"
    )
    services.committee_member_add(user=agent, department=nord, kind=CommitteeMember.Kind.EPCI, name="MEL")
    signatory = convention_of(agent, nord, state="active")
    paqte_meeting_record(
        user=agent,
        department=nord,
        kind=Meeting.Kind.PAQTE_CHECKPOINT,
        held_on=datetime.date(2019, 6, 12),
        minutes="Point d'étape : 12 stages de 3e.",
        companies=[signatory.company],
    )
    committee = selectors.committee_of(department=nord)
    assert committee is not None
    assert sorted(m.name for m in committee.members.all()) == ["FACE Lille", "MEL"]
    meeting = Meeting.objects.get(kind=Meeting.Kind.PAQTE_CHECKPOINT, department=nord)
    assert [c.pk for c in meeting.companies.all()] == [signatory.company_id]
    # One meeting model: held (its date has passed), with its history like every meeting.
    assert meeting.state == Meeting.State.HELD
    assert [row.transition for row in meeting.history.order_by("pk")] == ["convene", "hold"]
    client = Client()
    client.force_login(agent)
    body = client.get("/paqte/departements/59/").content.decode()
    assert "FACE Lille" in body
    assert (
        'Point d&#x27;étape du PAQTE du 12/06/2019 <span class="fr-badge fr-badge--sm fr-badge--success">Tenue' in body
    )
    assert signatory.company.name in body


def test_unknown_member_kind_is_refused(agent: User, nord: Department) -> None:
    with pytest.raises(ValidationError):
        services.committee_member_add(user=agent, department=nord, kind="club", name="X")


def test_other_department_cannot_add_members(make_user: MakeUser, nord: Department) -> None:
    with pytest.raises(PermissionDenied):
        services.committee_member_add(user=make_user(Role.AGENT, "62"), department=nord, kind="direccte", name="X")
