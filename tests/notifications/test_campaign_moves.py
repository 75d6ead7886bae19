"""A date moved by the national administrator in the admin shows everywhere: the case page, the
per-département table, the dashboard, and the reminders (the campaign is the only source)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar
from notifications.models import Deadline, DeadlineDefinition, Reminder
from notifications.reminders import reminders_sweep
from notifications.tasks import reminders_send_task
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import renewal_in

pytestmark = pytest.mark.django_db
D = dt.date


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return str(content.decode("utf-8-sig"))


def move_signature_date_in_the_admin(client: Client, day: dt.date) -> None:
    definition = DeadlineDefinition.objects.get(code="city-contract-renewal", campaign__is_active=True)
    response = client.post(
        f"/admin/notifications/deadlinedefinition/{definition.pk}/change/",
        {
            "campaign": definition.campaign_id,
            "title": definition.title,
            "description": definition.description,
            "kind": definition.kind,
            "scope": definition.scope,
            "due_on": day.isoformat(),
            "offset_years": definition.offset_years,
            "offset_days": definition.offset_days,
            "link_path": definition.link_path,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_moved_signature_date_shows_on_every_page_and_in_the_reminders(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in("evaluation", agent=agent)
    assert Deadline.objects.get(case_id=renewal.pk, definition__code="city-contract-renewal").due_on == D(2019, 7, 31)
    admin = Client()
    admin.force_login(make_user(Role.NATIONAL_ADMIN))
    move_signature_date_in_the_admin(admin, D(2019, 9, 30))
    assert campaign_calendar().renewal_signature == D(2019, 9, 30)

    client = Client()
    client.force_login(agent)
    page = client.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "30 septembre 2019" in page and "31 juillet 2019" not in page
    late = (timezone.localdate() - D(2019, 9, 30)).days
    table = body(client.get("/departements/59/renovations/?export=csv"))
    rows = list(csv.DictReader(io.StringIO(table), delimiter=";"))
    assert rows and all(row["Date limite de signature"] == "30/09/2019" for row in rows)
    assert all(row["Statut"] == "en retard" and row["Jours de retard"] == str(late) for row in rows)
    national = Client()
    national.force_login(make_user(Role.CGET_REFERENT))
    dashboard = national.get("/pilotage/tableau-de-bord/").content.decode()
    assert "30 septembre 2019" in dashboard and "31 juillet 2019" not in dashboard
    assert "non signés au 30/09/2019" in body(national.get("/pilotage/tableau-de-bord/?export=csv"))

    # The case's deadline moved with it: the reminder 7 days before now leaves on 23 September.
    assert Deadline.objects.get(case_id=renewal.pk, definition__code="city-contract-renewal").due_on == D(2019, 9, 30)
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=D(2019, 7, 24), enqueue=lambda ids: reminders_send_task.delay(ids))
    assert not Reminder.objects.filter(recipient=agent, deadline__case_id=renewal.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=D(2019, 9, 23), enqueue=lambda ids: reminders_send_task.delay(ids))
    assert Reminder.objects.filter(recipient=agent, deadline__case_id=renewal.pk, rule__days=7).exists()
    assert any("échéance du 30/09/2019" in message.subject for message in mail.outbox)
