"""Reminders to the parties to sign (``ReminderRule.Kind.PARTY``): the same outbox, sweep and sender
as every reminder, one row per (deadline, rule, party) still to sign while the renovation's
signature date runs (the campaign's « city-contract-renewal » deadline), re-checked when sent.

The first test sends through a real SMTP server on loopback (aiosmtpd, as ``test_faults``) on the
real PostgreSQL, so that the commit point of ``notifications.sending`` is the one exercised."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core import mail

import pytest
from aiosmtpd.controller import Controller

from accounts.models import Role, User
from notifications.models import Reminder
from notifications.reminders import reminders_due_preview, reminders_sweep
from notifications.sending import PARTY_SIGNED, reminder_email, reminders_send
from notifications.services import deadline_mark_met, deadline_sync_for_case
from tests.conftest import MakeUser
from tests.factories.renewal import RenewalFactory
from tests.notifications.factories import only_rules
from tests.workflows.renewal.helpers import pdf
from workflows.cases.parties import Party
from workflows.cases.party_services import party_add, party_refuse, party_request, party_sign
from workflows.models import Renewal, RenewalState

D = dt.date
PARTY_RULES = ("Signataires – 30 jours avant", "Signataires – 7 jours avant")
SEVEN = [
    (Party.Role.PREFECT, "Préfet du Nord", "prefet@nord.gouv.fr"),
    (Party.Role.EPCI_PRESIDENT, "Président de la MEL", "president@lillemetropole.fr"),
    (Party.Role.MAYOR, "Maire de Lille", "maire@mairie-lille.fr"),
    (Party.Role.MAYOR, "Maire de Roubaix", "maire@ville-roubaix.fr"),
    (Party.Role.ARS, "ARS Hauts-de-France", "contact@ars.sante.fr"),
    (Party.Role.CAF, "CAF du Nord", "direction@caf59.fr"),
    (Party.Role.LANDLORD, "Lille Métropole Habitat", "direction@lmh.fr"),
]


@dataclass
class Sink:
    port: int
    deliveries: list[tuple[str, ...]] = field(default_factory=list)  # the RCPT TO of each message


class _Handler:
    def __init__(self, sink: Sink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.sink.deliveries.append(tuple(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[Sink]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    sink = Sink(port=port)
    controller = Controller(_Handler(sink), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    yield sink
    controller.stop()


def protocol_with_seven_parties(agent: User, *, signed: int = 6) -> tuple[Renewal, list[Party]]:
    """A Nord renovation at its signature whose first ``signed`` parties have signed, with its
    campaign deadline (31 July 2019, created at launch in the product)."""
    renewal = RenewalFactory.create(state=RenewalState.SIGNATURE)
    deadline_sync_for_case(
        case=renewal,
        definition_code="city-contract-renewal",
        department=renewal.department,
        title=f"Rénovation du contrat de ville {renewal.city_contract.code}",
    )
    parties = [
        party_add(case=renewal, user=agent, role=role, name=name, contact_email=email) for role, name, email in SEVEN
    ]
    for party in parties:
        party_request(party=party, user=agent, on=D(2019, 6, 3))
    for party in parties[:signed]:
        party_sign(party=party, user=agent, on=D(2019, 7, 1), upload=pdf("page-signee.pdf"))
    return renewal, parties


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_protocol_with_seven_parties_and_one_missing_is_not_signed_and_only_that_party_is_reminded(
    make_user: MakeUser, smtp_sink: Sink
) -> None:
    only_rules(*PARTY_RULES)
    agent = make_user(Role.AGENT, "59", first_name="Amina", last_name="Diallo")
    renewal, parties = protocol_with_seven_parties(agent)
    queued: list[int] = []

    for _ in range(2):  # the planner twice (a second beat, the next day's sweep)…
        reminders_sweep(today=D(2019, 7, 24), enqueue=queued.extend)
    for _ in range(2):  # …and the sender twice (a redelivered Celery message)
        reminders_send(reminder_ids=sorted(set(queued)))

    assert smtp_sink.deliveries == [("direction@lmh.fr",)]
    (row,) = Reminder.objects.filter(party__isnull=False)
    assert (row.party_id, row.status, row.recipient_id, row.rule.days) == (parties[-1].pk, "sent", None, 7)  # type: ignore[union-attr]
    assert Renewal.objects.get(pk=renewal.pk).state == RenewalState.SIGNATURE


@pytest.mark.django_db
def test_a_party_signing_between_planning_and_sending_is_not_reminded(make_user: MakeUser) -> None:
    only_rules(*PARTY_RULES)
    agent = make_user(Role.AGENT, "59")
    _, parties = protocol_with_seven_parties(agent, signed=5)
    reminders_sweep(today=D(2019, 7, 24))
    queued = list(Reminder.objects.values_list("pk", flat=True))
    assert sorted(Reminder.objects.values_list("party__name", flat=True)) == ["CAF du Nord", "Lille Métropole Habitat"]

    party_sign(party=parties[5], user=agent, on=D(2019, 7, 25), upload=pdf("page-signee.pdf"))
    outcome = reminders_send(reminder_ids=queued)

    assert (outcome.sent, outcome.skipped) == (1, 1)
    assert [m.to for m in mail.outbox] == [["direction@lmh.fr"]]
    cancelled = Reminder.objects.get(party=parties[5])
    assert (cancelled.status, cancelled.cancel_reason, cancelled.attempts) == ("cancelled", PARTY_SIGNED, 0)


@pytest.mark.django_db
def test_signed_refused_unreached_parties_and_a_met_deadline_get_no_reminder(make_user: MakeUser) -> None:
    only_rules(*PARTY_RULES)
    agent = make_user(Role.AGENT, "59")
    renewal, parties = protocol_with_seven_parties(agent, signed=4)
    party_refuse(party=parties[4], user=agent, on=D(2019, 7, 2))
    Party.objects.filter(pk=parties[5].pk).update(contact_email="")  # no address: nothing to send

    preview = reminders_due_preview(today=D(2019, 7, 1))
    assert [(item.address, item.rule.days) for item in preview] == [("direction@lmh.fr", 30)]
    reminders_sweep(today=D(2019, 7, 1))
    assert list(Reminder.objects.values_list("party__name", "rule__days")) == [("Lille Métropole Habitat", 30)]

    deadline_mark_met(case=renewal, definition_code="city-contract-renewal")
    reminders_sweep(today=D(2019, 7, 24))  # the signature recorded: the 7-day reminder is not written
    assert Reminder.objects.count() == 1


@pytest.mark.django_db
def test_the_email_names_the_case_the_campaign_date_and_the_prefecture_contact(make_user: MakeUser) -> None:
    only_rules(*PARTY_RULES)
    agent = make_user(Role.AGENT, "59", first_name="Amina", last_name="Diallo")
    renewal, _ = protocol_with_seven_parties(agent)
    reminders_sweep(today=D(2019, 7, 24))
    message = reminder_email(Reminder.objects.get())
    code = renewal.city_contract.code
    assert message.to == ["direction@lmh.fr"]
    assert (
        message.subject == f"[Quartiers] Signature attendue avant le 31/07/2019 : Rénovation du contrat de ville {code}"
    )
    body = " ".join(message.body.split())
    assert (
        "La préfecture Nord (59) attend votre signature, en qualité de « Bailleur social » (Lille Métropole Habitat)"
        in body
    )
    assert "Signature attendue au plus tard le mercredi 31 juillet 2019 (dans 7 jours)" in body
    assert f"Votre contact à la préfecture : Amina Diallo, {agent.email}" in body
    html = message.alternatives[0][0]
    assert f'<a href="mailto:{agent.email}">' in str(html)


@pytest.mark.django_db
def test_the_admin_lists_a_party_s_reminder_with_its_cancellation_reason(
    make_user: MakeUser, admin_client: Any
) -> None:
    only_rules(*PARTY_RULES)
    agent = make_user(Role.AGENT, "59")
    _, parties = protocol_with_seven_parties(agent)
    reminders_sweep(today=D(2019, 7, 24))
    party_sign(party=parties[6], user=agent, on=D(2019, 7, 25), upload=pdf("page-signee.pdf"))
    reminders_send(reminder_ids=list(Reminder.objects.values_list("pk", flat=True)))
    page = admin_client.get("/admin/notifications/reminder/", {"q": "lmh.fr"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Lille Métropole Habitat" in html and PARTY_SIGNED in html
