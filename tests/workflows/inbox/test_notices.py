"""Notices of what happens: the whole walk (a protocol returned by the CGET, resubmitted,
approved, signed; a PAQTE report approved) gives the expected in-app notices to the people
concerned, and one email per event and recipient through the outbox, never twice (the sweep
run twice); each user's preference per event type (immediately, digest, never); another
département's people are never told; the bell, the list and "mark as read"."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core import mail
from django.test import Client

import pytest

from accounts.models import Role, User
from notifications.models import Reminder
from notifications.notices import EventPreference, Notice
from notifications.reminders import reminders_sweep
from notifications.tasks import reminders_send_task
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import PROTOCOL, fresh, open_task, pdf, renewal_in
from tests.workflows.submission_helpers import in_validation
from workflows.cases.runner import transition_run
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal.services import renewal_document_add, renewal_task_complete

# Real commits: each transition's event is sent when its own transaction commits, as in production.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def sweep() -> None:
    reminders_sweep(now=dt.datetime.now(dt.UTC), enqueue=lambda ids: reminders_send_task.apply(args=[ids]))


@pytest.fixture
def people(people: dict[str, User], make_user: MakeUser) -> dict[str, User]:
    """The submissions' people (the inbox's conftest) and an agent of another département."""
    return {**people, "stranger": make_user(Role.AGENT, "62", email="agent@pas-de-calais.gouv.fr")}


def walk(people: dict[str, User]) -> None:
    agent, validator, cget = people["agent"], people["validator"], people["cget"]
    if True:  # the walk, one real transaction per step
        renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
        renewal_task_complete(
            task_pk=open_task(renewal, "review").pk,
            user=cget,
            transition="return_to_prefecture",
            comment="Ajoutez la mobilité.",
        )
        renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=agent, fields=PROTOCOL)
        renewal_task_complete(task_pk=open_task(renewal, "validate").pk, user=validator, transition="validate")
        renewal_task_complete(task_pk=open_task(renewal, "review").pk, user=cget, transition="approve")
        renewal_document_add(
            renewal=renewal, user=agent, kind=RenewalDocument.Kind.SIGNED_PROTOCOL, upload=pdf("signe.pdf")
        )
        renewal_task_complete(
            task_pk=open_task(renewal, "sign").pk,
            user=agent,
            fields={"signed_on": dt.date(2019, 7, 15), "signed_by": "Préfet, MEL"},
        )
        assert fresh(renewal).state == RenewalState.SIGNED
        report = in_validation("paqte-report", agent)
        transition_run(case=report, user=validator, name="validate")
        transition_run(case=report, user=cget, name="approve")


def test_the_whole_walk_tells_each_person_once(people: dict[str, User]) -> None:
    walk(people)
    got = Counter((notice.recipient.email, notice.event) for notice in Notice.objects.select_related("recipient"))
    assert got == Counter(
        {
            # The protocol reached the CGET's queue twice (validated, then validated again), the
            # PAQTE report once; the CGET signs nothing but is told of the signature.
            ("cget@cget.gouv.fr", "submitted"): 3,
            ("cget@cget.gouv.fr", "signed"): 1,
            # Returned by the CGET: the agents of the Nord.
            ("agent@nord.gouv.fr", "returned"): 1,
            # Approved (protocol, report): the prefecture's team, the valideur included.
            ("agent@nord.gouv.fr", "approved"): 2,
            ("valideur@nord.gouv.fr", "approved"): 2,
        }
    )
    assert not Notice.objects.filter(recipient=people["stranger"]).exists()
    returned = Notice.objects.get(event="returned")
    assert "Ajoutez la mobilité." in returned.body and returned.title.startswith("Protocole renvoyé")

    mail.outbox.clear()
    sweep()
    sweep()
    # The same rows dispatched again, twice (a redelivered Celery message): nothing more leaves.
    ids = list(Reminder.objects.filter(notice__isnull=False).values_list("pk", flat=True))
    reminders_send_task(ids)
    reminders_send_task(ids)
    notice_emails = [
        message
        for message in mail.outbox
        if "Message-ID" in message.extra_headers and "avis-" in message.extra_headers["Message-ID"]
    ]
    assert len(notice_emails) == Notice.objects.count() == 9
    assert len({message.extra_headers["Message-ID"] for message in notice_emails}) == 9  # one per notice
    assert Reminder.objects.filter(notice__isnull=False, status=Reminder.Status.SENT).count() == 9
    subjects = [message.subject for message in notice_emails if message.to == ["agent@nord.gouv.fr"]]
    assert any("Protocole renvoyé à la préfecture par le CGET" in subject for subject in subjects)


def test_preferences_per_event_type(people: dict[str, User]) -> None:
    EventPreference.objects.create(user=people["cget"], event="submitted", frequency="never")
    EventPreference.objects.create(user=people["agent"], event="approved", frequency="digest")
    walk(people)
    # Never: the notices are there, no email.
    assert Notice.objects.filter(recipient=people["cget"], event="submitted").count() == 3
    assert not Reminder.objects.filter(recipient=people["cget"], notice__event="submitted").exists()
    # Digest: kept for the daily email.
    assert set(
        Reminder.objects.filter(recipient=people["agent"], notice__event="approved").values_list("frequency", flat=True)
    ) == {"digest"}


def test_the_bell_the_list_and_mark_as_read(people: dict[str, User]) -> None:
    walk(people)
    client = Client()
    client.force_login(people["agent"])
    body = client.get("/taches/").content.decode()
    assert 'href="/avis/"' in body and "3 avis non lus" in body
    page = client.get("/avis/").content.decode()
    assert "Protocole renvoyé à la préfecture par le CGET" in page and "Ajoutez la mobilité." in page
    notice = Notice.objects.filter(recipient=people["agent"]).first()
    assert notice is not None
    client.post("/avis/lu/", {"avis": notice.pk})
    assert Notice.objects.filter(recipient=people["agent"], read_at__isnull=True).count() == 2
    # Someone else's notice cannot be marked.
    theirs = Notice.objects.filter(recipient=people["cget"]).first()
    assert theirs is not None
    client.post("/avis/lu/", {"avis": theirs.pk})
    assert Notice.objects.get(pk=theirs.pk).read_at is None
    client.post("/avis/lu/", {"tout": "1"})
    assert Notice.objects.filter(recipient=people["agent"], read_at__isnull=True).count() == 0
    assert "0 avis non lus" in client.get("/taches/").content.decode()
    stranger = Client()
    stranger.force_login(people["stranger"])
    assert "Aucun avis" in stranger.get("/avis/").content.decode()
