"""A late follow-up reminds like any deadline, and recording it stops its reminders."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType

import pytest

from accounts.models import Role
from notifications.models import Deadline, Reminder
from notifications.reminders import reminders_sweep
from tests.conftest import MakeUser
from tests.notifications.factories import only_rules
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_up_record, follow_ups_generate

pytestmark = pytest.mark.django_db
D = dt.date


def test_late_follow_up_is_escalated_then_recording_cancels_the_reminders(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    renewal = signed_renewal("59", signed_on=D(2019, 7, 12))
    commitment(renewal, "annual", unit="count")
    follow_ups_generate(renewal=renewal)
    follow_up = CommitmentFollowUp.objects.filter(commitment__renewal=renewal).order_by("due_on").first()
    assert follow_up is not None and follow_up.due_on == D(2020, 7, 12)
    deadline = Deadline.objects.get(
        case_type=ContentType.objects.get_for_model(CommitmentFollowUp), case_id=follow_up.pk
    )
    only_rules("7 jours avant – agents", "Le lendemain – valideur préfectoral")

    for day in range(1, 21):  # a sweep a day, without sending (the outbox keeps them ready)
        reminders_sweep(today=D(2020, 7, day))
    mine = Reminder.objects.filter(deadline=deadline)
    assert {(r.rule.name, r.recipient_id) for r in mine} == {  # type: ignore[union-attr]
        ("7 jours avant – agents", agent.pk),
        ("Le lendemain – valideur préfectoral", validator.pk),
    }
    # Nothing for the other follow-ups, not due yet.
    assert not Reminder.objects.filter(deadline__case_type=deadline.case_type).exclude(deadline=deadline).exists()

    follow_up_record(follow_up=follow_up, user=agent, value="5", comment="En retard, mais fait.")
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert set(mine.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
    before = Reminder.objects.count()
    reminders_sweep(today=D(2020, 7, 21))
    assert not Reminder.objects.filter(deadline=deadline).exclude(status=Reminder.Status.CANCELLED).exists()
    assert Reminder.objects.filter(deadline=deadline).count() == 2
    assert Reminder.objects.count() >= before
