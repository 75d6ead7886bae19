"""Département-wide deadlines marked met and reopened by the case services."""

from __future__ import annotations

from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.models import Deadline, Reminder, ReminderRule
from notifications.services import department_deadline_mark_met, department_deadline_reopen
from reference.models import Department
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_mark_met_touches_only_that_department_and_occurrence(nord: Department, pas_de_calais: Department) -> None:
    changed = department_deadline_mark_met(
        department=nord, definition_code="paqte-semester-report", occurrence="2019-S1"
    )
    assert changed == 1
    met = Deadline.objects.filter(met_at__isnull=False)
    assert list(met.values_list("department__code", "definition__code", "occurrence")) == [
        ("59", "paqte-semester-report", "2019-S1")
    ]
    # Marking twice changes nothing more.
    assert (
        department_deadline_mark_met(department=nord, definition_code="paqte-semester-report", occurrence="2019-S1")
        == 0
    )
    assert (
        Deadline.objects.get(
            department=pas_de_calais, definition__code="paqte-semester-report", occurrence="2019-S1"
        ).met_at
        is None
    )


def test_mark_met_cancels_ready_reminders_and_reopen_resumes(nord: Department, make_user: MakeUser) -> None:
    department_deadline_mark_met(department=nord, definition_code="synthesis")
    deadline = Deadline.objects.get(department=nord, definition__code="synthesis")
    department_deadline_reopen(department=nord, definition_code="synthesis")
    deadline.refresh_from_db()
    assert deadline.met_at is None
    user = make_user(Role.AGENT, "59")
    rule = ReminderRule.objects.first()
    assert rule is not None
    Reminder.objects.create(
        deadline=deadline, rule=rule, recipient=user, created_at=timezone.now(), campaign_day=deadline.due_on
    )
    assert department_deadline_mark_met(department=nord, definition_code="synthesis") == 1
    assert set(Reminder.objects.values_list("status", flat=True)) == {Reminder.Status.CANCELLED}
