"""The sweep and the sending with eager Celery and Django's locmem mailbox."""

from __future__ import annotations

import datetime as dt
from io import StringIO

from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

import psycopg
import pytest

from accounts.models import Role
from notifications.models import Deadline, NotificationPreference, Reminder
from notifications.reminders import SWEEP_LOCK_KEY, reminders_sweep
from notifications.services import deadline_mark_met, deadline_sync_for_case, preference_set
from notifications.tasks import reminders_send_task
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.notifications.factories import make_deadline, only_rules

pytestmark = pytest.mark.django_db
D = dt.date


def sweep(today: dt.date, captured) -> object:
    with captured(execute=True):
        return reminders_sweep(today=today, enqueue=lambda ids: reminders_send_task.delay(ids))


def test_the_renovation_deadline_reminds_the_agents_of_the_department(
    make_user: MakeUser, nord: Department, pas_de_calais: Department, django_capture_on_commit_callbacks
) -> None:
    agent = make_user(Role.AGENT, "59", first_name="Amina")
    other = make_user(Role.AGENT, "62")
    # The renovation's deadline is the case's own (created at launch by workflows.renewal.services).
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    theirs = CityContract.objects.filter(department=pas_de_calais).order_by("code").first()
    assert contract is not None and theirs is not None
    deadline_sync_for_case(
        case=contract,
        definition_code="city-contract-renewal",
        department=nord,
        title=f"Rénovation du contrat de ville {contract.code}",
        link_path="/renovations/1/",
    )
    deadline_sync_for_case(case=theirs, definition_code="city-contract-renewal", department=pas_de_calais)
    result = sweep(D(2019, 7, 24), django_capture_on_commit_callbacks)
    mine = Reminder.objects.filter(recipient=agent)
    # One reminder for 31 July, not two: one per-case deadline, no département-wide duplicate.
    assert [(r.deadline.definition.code, r.rule.days, r.status) for r in mine] == [  # type: ignore[union-attr]
        ("city-contract-renewal", 7, "sent")
    ]
    assert Reminder.objects.filter(recipient=other, deadline__department__code="62").count() == 1
    assert not Reminder.objects.filter(recipient=agent, deadline__department__code="62").exists()
    assert result.reminders_created == 2  # type: ignore[attr-defined]
    message = next(m for m in mail.outbox if m.to == [agent.email])
    assert message.subject == (
        f"[Quartiers] Relance : Rénovation du contrat de ville {contract.code} – échéance du 31/07/2019"
    )
    assert "Bonjour Amina" in message.body and "Nord (59)" in message.body
    assert "http://localhost:8000/renovations/1/" in message.body
    html = message.alternatives[0][0]  # type: ignore[attr-defined]
    assert '<a href="http://localhost:8000/renovations/1/"' in html and 'lang="fr"' in html
    assert message.extra_headers["Message-ID"] == f"<relance-{mine[0].pk}@localhost>"

    # A second sweep the same day, or the next one: nothing new, nothing sent twice.
    mail.outbox.clear()
    sweep(D(2019, 7, 24), django_capture_on_commit_callbacks)
    sweep(D(2019, 7, 25), django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert Reminder.objects.filter(recipient=agent).count() == 1


def test_escalation_the_next_working_day_to_the_validator_then_the_cget(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    only_rules("Le lendemain – valideur préfectoral", "7 jours après – référent CGET")
    agent = make_user(Role.AGENT, "59")
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    other_validator = make_user(Role.PREFECT_VALIDATOR, "62")
    cget = make_user(Role.CGET_REFERENT)
    # The 15 March 2019 synthesis (a Friday): escalation on Monday 18th, the CGET on Friday 22nd.
    sweep(D(2019, 3, 15), django_capture_on_commit_callbacks)
    assert not Reminder.objects.exists()
    sweep(D(2019, 3, 18), django_capture_on_commit_callbacks)
    synthesis = Deadline.objects.get(department=nord, definition__code="synthesis")
    assert set(Reminder.objects.filter(deadline=synthesis).values_list("recipient", flat=True)) == {validator.pk}
    assert not Reminder.objects.filter(recipient__in=[agent, other_validator], deadline=synthesis).exists()
    sweep(D(2019, 3, 21), django_capture_on_commit_callbacks)
    assert not Reminder.objects.filter(recipient=cget).exists()
    sweep(D(2019, 3, 22), django_capture_on_commit_callbacks)
    # The CGET referent is national: every département's missed synthesis.
    assert Reminder.objects.filter(recipient=cget, deadline__definition__code="synthesis").count() == (
        Department.objects.count()
    )
    escalation = next(m for m in mail.outbox if m.to == [validator.email])
    assert escalation.subject.startswith("[Quartiers] Escalade : Synthèse de cinq pages")
    assert "dépassée depuis 3 jours" in escalation.body


def test_a_met_deadline_stops_reminding_even_when_already_queued(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    only_rules("La veille – agents")
    agent = make_user(Role.AGENT, "59")
    contract = CityContract.objects.get(code="CV192", department=nord)
    deadline = deadline_sync_for_case(case=contract, definition_code="city-contract-renewal", department=nord)
    with django_capture_on_commit_callbacks(execute=False):
        reminders_sweep(today=D(2019, 7, 30), enqueue=lambda ids: None)
    reminder = Reminder.objects.get(recipient=agent, deadline=deadline)
    assert reminder.status == Reminder.Status.READY
    deadline_mark_met(case=contract, definition_code="city-contract-renewal")
    reminders_send_task.delay([reminder.pk])
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.CANCELLED
    assert mail.outbox == []


def test_a_late_deadline_gets_the_closest_reminder_only(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    only_rules("30 jours avant – agents", "7 jours avant – agents", "La veille – agents")
    agent = make_user(Role.AGENT, "59")
    deadline = make_deadline(nord, D(2019, 10, 10))
    sweep(D(2019, 10, 5), django_capture_on_commit_callbacks)  # five days before: the 7-day rule
    assert list(Reminder.objects.filter(deadline=deadline).values_list("rule__days", flat=True)) == [7]
    sweep(D(2019, 10, 9), django_capture_on_commit_callbacks)
    assert sorted(Reminder.objects.filter(deadline=deadline).values_list("rule__days", flat=True)) == [1, 7]
    assert len([m for m in mail.outbox if m.to == [agent.email]]) == 2


def test_daily_digest_groups_the_reminders_of_a_user(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    only_rules("La veille – agents")
    agent = make_user(Role.AGENT, "59")
    preference_set(user=agent, frequency=NotificationPreference.Frequency.DIGEST)
    for n in range(3):
        make_deadline(nord, D(2019, 10, 10), title=f"Échéance {n}")
    early = dt.datetime(2019, 10, 9, 4, 0, tzinfo=dt.UTC)  # 06:00 Paris: before the digest hour
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=D(2019, 10, 9), now=early, enqueue=lambda ids: reminders_send_task.delay(ids))
    assert mail.outbox == [] and Reminder.objects.filter(recipient=agent, status="ready").count() == 3
    later = dt.datetime(2019, 10, 9, 5, 10, tzinfo=dt.UTC)  # 07:10 Paris
    with django_capture_on_commit_callbacks(execute=True):
        reminders_sweep(today=D(2019, 10, 9), now=later, enqueue=lambda ids: reminders_send_task.delay(ids))
    digests = [m for m in mail.outbox if m.to == [agent.email]]
    assert len(digests) == 1 and "3 relance(s)" in digests[0].subject
    assert all(f"Échéance {n}" in digests[0].body for n in range(3))
    assert Reminder.objects.filter(recipient=agent, status="sent").count() == 3


def test_a_second_sweep_waits_for_the_lock(make_user: MakeUser) -> None:
    settings_dict = connection.settings_dict
    with psycopg.connect(
        dbname=settings_dict["NAME"], host=settings_dict["HOST"], user=settings_dict["USER"], autocommit=True
    ) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [SWEEP_LOCK_KEY])
        assert reminders_sweep(today=D(2019, 7, 24)).locked is False
        other.execute("SELECT pg_advisory_unlock(%s)", [SWEEP_LOCK_KEY])
    assert reminders_sweep(today=D(2019, 7, 24)).locked is True


def test_the_sweep_is_set_based(make_user: MakeUser, nord: Department) -> None:
    """The same number of queries with 1 and with 200 due deadlines."""
    only_rules("La veille – agents")
    make_user(Role.AGENT, "59")
    make_deadline(nord, D(2019, 10, 10))
    reminders_sweep(today=D(2019, 10, 1))  # generation of the campaign deadlines, once

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            reminders_sweep(today=D(2019, 10, 9))
        return len(captured)

    with_one = count()
    for _ in range(200):
        make_deadline(nord, D(2019, 10, 10))
    assert count() == with_one
    assert Reminder.objects.count() == 201


def test_campaign_clock_is_refused_outside_debug_mode(settings) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="réservé à la démonstration"):
        call_command("reminders_sweep", "--as-of", "2019-07-25", "--dry-run")


def test_campaign_clock_dry_run_lists_and_changes_nothing(make_user: MakeUser, nord: Department, settings) -> None:
    settings.DEBUG = True
    make_user(Role.AGENT, "59", email="agent.nord@example.gouv.fr")
    # 31 July 2019 reminds through the renovation cases (one deadline each, created at launch).
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    assert contract is not None
    deadline_sync_for_case(
        case=contract,
        definition_code="city-contract-renewal",
        department=nord,
        title=f"Rénovation du contrat de ville {contract.code}",
    )
    out = StringIO()
    call_command("reminders_sweep", "--as-of", "2019-07-25", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "24/07/2019  31/07/2019  59   7 jours avant – agents" in text
    assert f"agent.nord@example.gouv.fr  Rénovation du contrat de ville {contract.code}" in text
    assert "1 relance(s) seraient envoyées" in text
    assert not Reminder.objects.exists() and Deadline.objects.count() == 1
    out = StringIO()
    call_command("reminders_sweep", "--as-of", "2019-07-25", stdout=out)
    assert "Relances créées : 1" in out.getvalue()
