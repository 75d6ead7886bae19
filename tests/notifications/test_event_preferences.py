"""« Mes préférences de notification », per event type of the cases: an email at once, in the
daily digest (sent by the reminders sweep of Celery beat from NOTIFICATIONS_DIGEST_HOUR), or
never (the notice stays in the bell)."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.notice_services import event_preferences, notices_create
from notifications.notices import EventPreference, Notice
from notifications.reminders import reminders_sweep
from notifications.tasks import reminders_send_task
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_the_page_sets_a_choice_per_event_type(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    page = client.get("/mes-notifications/").content.decode()
    assert "Quand un dossier vous est renvoyé" in page and "dans le récapitulatif quotidien" in page
    choices = {f"evenement_{event}": "immediate" for event in event_preferences(user=agent)}
    choices.update(evenement_approved="digest", evenement_other="never")
    response = client.post("/mes-notifications/evenements/", choices)
    assert response.status_code == 302
    assert event_preferences(user=agent)["approved"] == "digest"
    assert event_preferences(user=agent)["other"] == "never"
    assert event_preferences(user=agent)["returned"] == "immediate"
    # A forged choice: nothing recorded, a French message.
    refused = client.post("/mes-notifications/evenements/", {**choices, "evenement_returned": "weekly"}, follow=True)
    assert "Choisissez, pour chaque événement" in " ".join(str(m) for m in refused.context["messages"])
    assert EventPreference.objects.get(user=agent, event="returned").frequency == "immediate"


def test_digest_notices_leave_once_in_the_daily_digest_of_the_sweep(
    make_user: MakeUser, django_capture_on_commit_callbacks
) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@nord.gouv.fr")
    EventPreference.objects.create(user=agent, event="approved", frequency="digest")
    for number in range(2):
        notices_create(recipients=[agent], event="approved", key=f"approved:{number}", title=f"Bilan {number} approuvé")
    # The rows wait for the next digest hour: a sweep now sends nothing (unless it is past the
    # hour and they were written before it: not the case of rows written this instant).
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    early = tomorrow.replace(hour=6, minute=0)  # 06:00 Paris: before the digest hour
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=tomorrow.date(), now=early, enqueue=lambda ids: reminders_send_task.delay(ids))
    assert [m for m in mail.outbox if m.to == [agent.email]] == []
    later = tomorrow.replace(hour=7, minute=10)  # 07:10 Paris
    for _ in range(2):  # a second sweep sends nothing more
        with django_capture_on_commit_callbacks(execute=True):
            reminders_sweep(today=tomorrow.date(), now=later, enqueue=lambda ids: reminders_send_task.delay(ids))
    digests = [m for m in mail.outbox if m.to == [agent.email]]
    assert len(digests) == 1
    assert "Bilan 0 approuvé" in digests[0].body and "Bilan 1 approuvé" in digests[0].body
    assert Notice.objects.filter(recipient=agent).count() == 2
