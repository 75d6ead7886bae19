"""The two PAQTE transitions that create a convention (their table's ``creates``, run by the
kernel's runner under the case's lock): the renewal's button goes to the successor, a draft; the
charter's migration button goes to the PAQTE convention it became; a refusal creates nothing."""

from __future__ import annotations

import datetime

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Role, User
from notifications import campaign as calendar
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.paqte.test_charter import charter
from workflows.paqte import services
from workflows.paqte.models import CharterConvention, PaqteConvention, PaqteHistory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEAR_END = calendar.add_years(TODAY, -3) + datetime.timedelta(days=30)


def _messages(response: object) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_renew_button_goes_to_the_successor_in_draft(client: Client, agent: User, nord: Department) -> None:
    old = convention_of(agent, nord, state="active", signed_on=NEAR_END)
    client.force_login(agent)
    response = client.post(reverse("paqte:convention_action", args=[old.pk, "renew"]))
    new = PaqteConvention.objects.get(renewal_of=old)
    assert response.status_code == 302
    assert response["Location"] == reverse("paqte:convention_detail", args=[new.pk])
    assert _messages(response) == ["La convention est renouvelée : la nouvelle convention est en brouillon."]
    assert (PaqteConvention.objects.get(pk=old.pk).state, new.state) == ("renewed", "draft")
    assert PaqteHistory.objects.filter(object_id=new.pk, transition="create", comment="Renouvellement").count() == 1


def test_renew_refused_creates_nothing(client: Client, agent: User, nord: Department) -> None:
    old = convention_of(agent, nord, state="active")  # far from its end
    client.force_login(agent)
    response = client.post(reverse("paqte:convention_action", args=[old.pk, "renew"]))
    assert response["Location"] == reverse("paqte:convention_detail", args=[old.pk])
    assert not PaqteConvention.objects.filter(renewal_of=old).exists()
    assert PaqteConvention.objects.get(pk=old.pk).state == "active"


def test_migrate_button_goes_to_the_convention_the_charter_became(client: Client, agent: User) -> None:
    offered = services.charter_offer(user=agent, charter=charter())
    client.force_login(agent)
    response = client.post(reverse("paqte:charter_action", args=[offered.pk, "migrate"]))
    migrated = CharterConvention.objects.get(pk=offered.pk)
    assert migrated.state == "migrated"
    assert migrated.paqte_convention is not None
    assert response["Location"] == reverse("paqte:convention_detail", args=[migrated.paqte_convention.pk])
    assert _messages(response) == ["La convention PAQTE est créée à partir de la charte."]


def test_migrate_of_another_department_is_refused_and_creates_nothing(client: Client, make_user: MakeUser) -> None:
    offered = services.charter_offer(user=make_user(Role.AGENT, "59"), charter=charter())
    client.force_login(make_user(Role.AGENT, "62"))
    response = client.post(reverse("paqte:charter_action", args=[offered.pk, "migrate"]))
    assert response.status_code in (403, 404)
    assert CharterConvention.objects.get(pk=offered.pk).state == "offered"
    assert not PaqteConvention.objects.exists()
