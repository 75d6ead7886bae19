"""The follow-up pages: recording by the agent of the département (French errors, unit
checks), the deadline met, the permission matrix and constant queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role
from notifications.models import Deadline
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.models import Renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_ups_generate

pytestmark = pytest.mark.django_db

ClientFor = Callable[..., Client]
ROLES = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR, Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
PREFECTURE = {Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR}


def follow_up_of(renewal: Renewal) -> CommitmentFollowUp:
    found = CommitmentFollowUp.objects.filter(commitment__renewal=renewal).order_by("due_on").first()
    assert found is not None
    return found


def deadline_of(follow_up: CommitmentFollowUp) -> Deadline:
    case_type = ContentType.objects.get_for_model(CommitmentFollowUp)
    return Deadline.objects.get(case_type=case_type, case_id=follow_up.pk)


@pytest.fixture
def cases() -> dict[str, Renewal]:
    """A signed Nord case and a signed Pas-de-Calais case, with their follow-ups."""
    found = {}
    for code in ("59", "62"):
        renewal = signed_renewal(code)
        commitment(renewal, "annual", unit="count")
        follow_ups_generate(renewal=renewal)
        found[code] = renewal
    return found


def test_agent_records_the_value_and_the_deadline_is_met(client_for: ClientFor, cases: dict[str, Renewal]) -> None:
    follow_up = follow_up_of(cases["59"])
    assert deadline_of(follow_up).met_at is None
    client = client_for(Role.AGENT, "59")
    page = client.get(f"/renovations/suivis/{follow_up.pk}/")
    assert page.status_code == 200 and "Enregistrer le suivi" in page.content.decode()
    response = client.post(f"/renovations/suivis/{follow_up.pk}/", {"value": "12", "comment": "Deux ouvertures."})
    assert response.status_code == 302 and response["Location"] == f"/renovations/{cases['59'].pk}/suivi/"
    follow_up.refresh_from_db()
    assert follow_up.value == "12" and follow_up.comment == "Deux ouvertures." and follow_up.recorded_at is not None
    assert deadline_of(follow_up).met_at is not None
    listing = client.get(f"/renovations/{cases['59'].pk}/suivi/").content.decode()
    assert "Renseigné" in listing


@pytest.mark.parametrize(
    ("unit", "value", "message", "stored"),
    [
        ("count", "douze", "Saisissez un nombre", None),
        ("count", "2,5", "nombre entier", None),
        ("count", "-3", "ne peut pas être négative", None),
        ("percent", "120", "entre 0 et 100", None),
        ("euros", "10,123", "deux décimales", None),
        ("", "", "Ce champ est obligatoire", None),
        ("percent", "12,5 %", None, "12,5 %"),
        ("euros", "1 500,50", None, "1500,5 €"),
        ("decimal", "3.75", None, "3,75"),
        ("", "Deux commerces ouverts", None, "Deux commerces ouverts"),
    ],
)
def test_value_checked_against_the_unit(
    client_for: ClientFor, unit: str, value: str, message: str | None, stored: str | None
) -> None:
    renewal = signed_renewal("59")
    commitment(renewal, "annual", unit=unit)
    follow_ups_generate(renewal=renewal)
    follow_up = follow_up_of(renewal)
    response = client_for(Role.AGENT, "59").post(f"/renovations/suivis/{follow_up.pk}/", {"value": value})
    follow_up.refresh_from_db()
    if message is not None:
        assert response.status_code == 200
        assert message in response.content.decode()
        assert follow_up.recorded_at is None and deadline_of(follow_up).met_at is None
    else:
        assert response.status_code == 302
        assert follow_up.value == stored


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_permission_matrix(client_for: ClientFor, cases: dict[str, Renewal], role: Role, own: bool) -> None:
    """Prefecture roles see their own département only (404 elsewhere), national roles see all;
    only the agent of the département records (403 for every other role that sees the page)."""
    renewal = cases["59" if own else "62"]
    follow_up = follow_up_of(renewal)
    client = client_for(role, "59" if role in PREFECTURE else None)
    sees = own or role not in PREFECTURE
    records = role == Role.AGENT and own
    assert client.get(f"/renovations/{renewal.pk}/suivi/").status_code == (200 if sees else 404)
    page = client.get(f"/renovations/suivis/{follow_up.pk}/")
    assert page.status_code == (200 if sees else 404)
    if sees:
        assert ("Enregistrer le suivi" in page.content.decode()) == records
    posted = client.post(f"/renovations/suivis/{follow_up.pk}/", {"value": "4"})
    assert posted.status_code == (302 if records else 403 if sees else 404)
    follow_up.refresh_from_db()
    assert follow_up.is_recorded == records


def test_anonymous_is_sent_to_the_login_page(client_for: ClientFor, cases: dict[str, Renewal]) -> None:
    follow_up = follow_up_of(cases["59"])
    for url in (f"/renovations/{cases['59'].pk}/suivi/", f"/renovations/suivis/{follow_up.pk}/"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "?next=" in response["Location"]
    assert client_for(None).post(f"/renovations/suivis/{follow_up.pk}/", {"value": "1"}).status_code == 302
    follow_up.refresh_from_db()
    assert not follow_up.is_recorded


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_queries_constant_in_the_number_of_follow_ups(client_for: ClientFor) -> None:
    renewal = signed_renewal("59", signed_on=dt.date(2019, 7, 12))
    commitment(renewal, "triennial")
    follow_ups_generate(renewal=renewal)
    client = client_for(Role.AGENT, "59")
    url = f"/renovations/{renewal.pk}/suivi/"
    few = _queries(client, url)
    for n in range(15):
        commitment(renewal, "semestrial", text=f"Engagement {n}")
    follow_ups_generate(renewal=renewal)
    assert CommitmentFollowUp.objects.filter(commitment__renewal=renewal).count() == 1 + 15 * 6
    assert _queries(client, url) == few


def test_case_page_links_to_the_follow_ups(client_for: ClientFor, cases: dict[str, Renewal]) -> None:
    page = client_for(Role.CGET_REFERENT).get(f"/renovations/{cases['59'].pk}/").content.decode()
    assert f'href="/renovations/{cases["59"].pk}/suivi/"' in page
