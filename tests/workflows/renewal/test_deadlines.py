"""The renovation keeps its campaign deadline in step: created at launch,
due 31 July 2019, met at signature so that its reminders stop."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Role, User
from notifications.models import Deadline, Reminder
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import fresh, open_task, pdf, renewal_in
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db


def case_deadline(renewal_pk: int) -> Deadline:
    return Deadline.objects.get(case_id=renewal_pk, definition__code="city-contract-renewal")


def test_launch_creates_the_case_deadline_and_signature_meets_it(people: dict[str, User]) -> None:
    renewal = renewal_in(
        RenewalState.SIGNATURE, agent=people["agent"], validator=people["validator"], referent=people["referent"]
    )
    deadline = case_deadline(renewal.pk)
    assert deadline.due_on == datetime.date(2019, 7, 31)
    assert deadline.department_id == renewal.department_id
    assert deadline.met_at is None
    assert renewal.city_contract.code in deadline.title
    assert deadline.link_path == f"/renovations/{renewal.pk}/"

    renewal_task_complete(
        task_pk=open_task(renewal, "sign").pk,
        user=people["agent"],
        fields={"signed_on": datetime.date(2019, 7, 12), "signed_by": "Préfet, président de l'EPCI"},
        uploads=[(RenewalDocument.Kind.SIGNED_PROTOCOL, pdf("protocole-signe.pdf"))],
    )

    assert fresh(renewal).state == RenewalState.SIGNED
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    assert not Reminder.objects.filter(deadline=deadline, status=Reminder.Status.READY).exists()


def test_a_refused_launch_creates_no_deadline(make_user: MakeUser) -> None:
    from tests.workflows.renewal.helpers import nord_contract
    from workflows.renewal.services import renewal_launch

    with pytest.raises(Exception, match="pas le droit"):
        renewal_launch(city_contract=nord_contract(), user=make_user(Role.AGENT, "62"))
    assert not Deadline.objects.filter(definition__code="city-contract-renewal").exists()
