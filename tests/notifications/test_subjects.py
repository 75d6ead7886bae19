"""Email subjects are one line: a title or a commitment text typed over several lines still
gives a reminder that Django sends (it refuses a header with a line break: BadHeaderError)."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.core import mail

import pytest

from accounts.models import Role
from notifications.models import Deadline, Reminder
from notifications.reminders import reminders_sweep
from notifications.sending import subject_fold
from notifications.services import deadline_sync_for_case
from notifications.tasks import reminders_send_task
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.notifications.factories import only_rules
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_ups_generate

pytestmark = pytest.mark.django_db
D = dt.date


def sweep(today: dt.date, captured) -> None:
    with captured(execute=True):
        reminders_sweep(today=today, enqueue=lambda ids: reminders_send_task.delay(ids))


def test_a_case_title_with_a_line_break_gives_a_one_line_subject(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks
) -> None:
    agent = make_user(Role.AGENT, "59")
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    assert contract is not None
    deadline_sync_for_case(
        case=contract,
        definition_code="city-contract-renewal",
        department=nord,
        title=f"Rénovation du contrat de ville {contract.code}\nLille –\r\n  Moulins\u2028Sud",
        link_path="/renovations/1/",
    )
    sweep(D(2019, 7, 24), django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [agent.email]]
    assert message.subject == (
        f"[Quartiers] Relance : Rénovation du contrat de ville {contract.code} Lille – Moulins Sud"
        " – échéance du 31/07/2019"
    )
    assert "Subject: " in message.message().as_string()  # the header Django builds, without BadHeaderError
    assert Reminder.objects.get(recipient=agent).status == Reminder.Status.SENT


def test_a_commitment_text_with_a_line_break_gives_a_one_line_subject(
    make_user: MakeUser, django_capture_on_commit_callbacks
) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = signed_renewal("59", signed_on=D(2019, 7, 12))
    commitment(renewal, "annual", unit="count", text="Créer des commerces\nen pied d'immeuble\n\n(Lille-Sud)")
    follow_ups_generate(renewal=renewal)
    follow_up = CommitmentFollowUp.objects.filter(commitment__renewal=renewal).order_by("due_on").first()
    assert follow_up is not None
    deadline = Deadline.objects.get(
        case_type=ContentType.objects.get_for_model(CommitmentFollowUp), case_id=follow_up.pk
    )
    assert "\n" in deadline.title
    only_rules("7 jours avant – agents")
    sweep(D(2020, 7, 5), django_capture_on_commit_callbacks)
    [message] = [m for m in mail.outbox if m.to == [agent.email]]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "« Créer des commerces en pied d'immeuble (Lille-Sud) »" in message.subject
    assert Reminder.objects.get(deadline=deadline, recipient=agent).status == Reminder.Status.SENT


def test_subject_fold() -> None:
    assert subject_fold("  Relance :\tsynthèse\r\n\r\ndu Nord \x0b\x0c\x1c\x85 ") == "Relance : synthèse du Nord"
