"""a semester that ends without a held collège is emailed to the référents CGET,
once per département and semester, through the reminders engine (no second sending system)."""

from __future__ import annotations

import datetime as dt

from django.core import mail

import pytest

from accounts.models import Role
from notifications.models import Deadline, Reminder
from notifications.reminders import reminders_sweep
from notifications.tasks import reminders_send_task
from reference.models import Department
from tests.conftest import MakeUser
from workflows.cases.runner import transition_run
from workflows.steering.services import meeting_create, meeting_update

pytestmark = pytest.mark.django_db


def _hold_college(user: object, department: Department, year: int, semester: int) -> None:
    meeting = meeting_create(user=user, kind="service_heads", year=year, semester=semester, department=department)  # type: ignore[arg-type]
    meeting_update(user=user, meeting=meeting, date=dt.date(year, 3, 15), invitees=[], minutes="")  # type: ignore[arg-type]
    transition_run(user=user, case=meeting, name="convene")
    transition_run(user=user, case=meeting, name="hold")


def test_holding_the_college_marks_the_semester_deadline_met(make_user: MakeUser, nord: Department) -> None:
    _hold_college(make_user(Role.AGENT, "59"), nord, 2019, 1)
    met = Deadline.objects.filter(definition__code="service-heads-meeting", met_at__isnull=False)
    assert list(met.values_list("department__code", "occurrence")) == [("59", "2019-S1")]


def test_semester_without_college_emails_the_cget_once(
    make_user: MakeUser, nord: Department, pas_de_calais: Department, django_capture_on_commit_callbacks
) -> None:
    cget = make_user(Role.CGET_REFERENT)
    _hold_college(make_user(Role.AGENT, "59"), nord, 2019, 1)

    def sweep(day: dt.date) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            reminders_sweep(today=day, enqueue=lambda ids: reminders_send_task.delay(ids))

    # The escalation rule of the 2019 campaign: 7 days after the end of the semester (30 June),
    # on a working day (a sweep on Tuesday 9 July 2019).
    sweep(dt.date(2019, 7, 9))
    to_cget = Reminder.objects.filter(recipient=cget, deadline__definition__code="service-heads-meeting")
    rows = list(to_cget.values_list("deadline__department__code", "deadline__occurrence", "status"))
    assert ("62", "2019-S1", "sent") in rows
    assert not [row for row in rows if row[0] == "59"]  # the Nord held its collège
    assert len(rows) == len(set(rows)) == Department.objects.count() - 1
    subjects = [m.subject for m in mail.outbox if m.to == [cget.email]]
    assert any("Collège des chefs de service" in s for s in subjects)
    # Once per département and semester: the next sweeps send nothing more for it.
    mail.outbox.clear()
    sweep(dt.date(2019, 7, 9))
    sweep(dt.date(2019, 7, 10))
    assert to_cget.count() == len(rows)
    assert not [m for m in mail.outbox if m.to == [cget.email] and "Collège" in m.subject]
