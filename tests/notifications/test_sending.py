"""The chunked send path: one claim per chunk, rows already taken or
met skipped or cancelled, and a chunk whose SMTP server cannot be reached goes back to
``ready`` at once. The real worker, Redis and SMTP server are in test_faults.py."""

from __future__ import annotations

import datetime as dt
import socket

from django.core import mail
from django.utils import timezone

import pytest

from accounts.models import Role, User
from notifications.models import Reminder, ReminderRule
from notifications.sending import reminders_send
from reference.models import Department
from tests.conftest import MakeUser
from tests.notifications.factories import make_deadline

pytestmark = pytest.mark.django_db
D = dt.date


def outbox_rows(department: Department, recipient: User, count: int) -> list[Reminder]:
    rule = ReminderRule.objects.get(name="La veille – agents")
    return [
        Reminder.objects.create(
            deadline=make_deadline(department, D(2019, 10, 10), title=f"Échéance {n}"),
            rule=rule,
            recipient=recipient,
            created_at=timezone.now(),
            campaign_day=D(2019, 10, 9),
        )
        for n in range(count)
    ]


def test_one_chunk_sends_each_ready_row_once_and_skips_the_others(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    rows = outbox_rows(nord, agent, 5)
    Reminder.objects.filter(pk=rows[1].pk).update(status=Reminder.Status.SENT)  # done earlier
    Reminder.objects.filter(pk=rows[2].pk).update(status=Reminder.Status.SENDING)  # another worker's
    met = rows[3].deadline
    assert met is not None  # a reminder of a deadline (a notice's has none)
    met.met_at = timezone.now()
    met.save()

    outcome = reminders_send(reminder_ids=[r.pk for r in rows] + [rows[0].pk])  # a duplicated id too

    assert (outcome.sent, outcome.skipped, outcome.failed) == (2, 3, 0)
    status = dict(Reminder.objects.values_list("pk", "status"))
    assert [status[r.pk] for r in rows] == ["sent", "sent", "sending", "cancelled", "sent"]
    assert sorted(m.extra_headers["Message-ID"] for m in mail.outbox) == sorted(
        f"<relance-{r.pk}@localhost>" for r in (rows[0], rows[4])
    )
    assert Reminder.objects.get(pk=rows[3].pk).attempts == 0  # a cancelled row was never attempted

    # The same message delivered again (redelivery after a lost ack): nothing more.
    assert reminders_send(reminder_ids=[r.pk for r in rows]).sent == 0
    assert len(mail.outbox) == 2


def test_an_unreachable_smtp_server_puts_the_whole_chunk_back_at_once(
    make_user: MakeUser, nord: Department, settings
) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    agent = make_user(Role.AGENT, "59")
    rows = outbox_rows(nord, agent, 3)

    outcome = reminders_send(reminder_ids=[r.pk for r in rows])

    assert (outcome.sent, outcome.failed) == (0, 3)
    fresh = list(Reminder.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk"))
    assert all(r.status == Reminder.Status.READY and r.claim_token is None for r in fresh)
    # The first row was attempted (and says why); the others were never tried: no attempt spent.
    assert [r.attempts for r in fresh] == [1, 0, 0]
    assert "Connection refused" in fresh[0].last_error or "Errno" in fresh[0].last_error
