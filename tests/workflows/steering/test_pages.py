"""Steering pages: every role × own / other département, and constant queries.

Prefecture roles belong to the Nord (59); "other" is the Pas-de-Calais (62)."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role
from reference.models import Department
from tests.conftest import MakeUser
from tests.factories.meetings import MeetingFactory, held_service_heads
from workflows.steering.models import Meeting

pytestmark = pytest.mark.django_db

ANON = None
PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [ANON, *PREFECTURE, *NATIONAL]


def role_id(role: Role | None) -> str:
    return role or "anonyme"


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


@pytest.fixture
def meetings(nord: Department, pas_de_calais: Department) -> dict[bool, Meeting]:
    return {
        True: MeetingFactory.create(department=nord, date=datetime.date(2019, 3, 1)),
        False: MeetingFactory.create(department=pas_de_calais, date=datetime.date(2019, 3, 1)),
    }


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_home(client_as: Callable[[Role | None], Client], role: Role | None) -> None:
    response = client_as(role).get("/pilotage/")
    assert response.status_code == (302 if role is None else 200)


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_cget_page_is_national(client_as: Callable[[Role | None], Client], role: Role | None) -> None:
    response = client_as(role).get("/pilotage/colleges-manquants/")
    assert response.status_code == (302 if role is None else 403 if role in PREFECTURE else 200)
    if role in NATIONAL:
        body = response.content.decode()
        assert "Nord (59)" in body and "1er semestre 2019" in body


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_department_page(client_as: Callable[[Role | None], Client], role: Role | None, own: bool) -> None:
    response = client_as(role).get(f"/pilotage/departements/{59 if own else 62}/")
    if role is None:
        assert response.status_code == 302
    elif role in PREFECTURE and not own:
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        body = response.content.decode()
        assert "Collège des chefs de service non tenu" in body  # no collège held since 2019
        assert ("Programmer une réunion" in body) == (role in PREFECTURE)


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_create(client_as: Callable[[Role | None], Client], role: Role | None, own: bool) -> None:
    code = 59 if own else 62
    response = client_as(role).post(
        f"/pilotage/departements/{code}/reunions/", {"kind": "paqte_committee", "year": "2020", "semester": "1"}
    )
    created = Meeting.objects.filter(kind="paqte_committee", department__code=str(code)).exists()
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    elif role in PREFECTURE and own:
        assert response.status_code == 302 and created
        return
    elif role in PREFECTURE:
        assert response.status_code == 404
    else:
        assert response.status_code == 403
    assert not created


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_meeting_page_and_action(
    client_as: Callable[[Role | None], Client], meetings: dict[bool, Meeting], role: Role | None, own: bool
) -> None:
    meeting = meetings[own]
    client = client_as(role)
    page = client.get(f"/pilotage/reunions/{meeting.pk}/")
    action = client.post(f"/pilotage/reunions/{meeting.pk}/convene/")
    meeting.refresh_from_db()
    if role is None:
        assert page.status_code == action.status_code == 302
    elif role in PREFECTURE and not own:
        assert page.status_code == action.status_code == 404
    elif role in PREFECTURE:
        assert page.status_code == 200 and "Convoquer la réunion" in page.content.decode()
        assert action.status_code == 302 and meeting.state == Meeting.State.CONVENED
        return
    else:
        assert page.status_code == 200 and "Convoquer la réunion" not in page.content.decode()
        assert action.status_code == 403
    assert meeting.state == Meeting.State.TO_SCHEDULE


def test_agent_records_a_college_end_to_end(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.AGENT)
    response = client.post(
        "/pilotage/departements/59/reunions/",
        {"kind": "service_heads", "year": "2019", "semester": "1", "date": "2019-03-01"},
    )
    meeting = Meeting.objects.get(kind="service_heads", department__code="59")
    assert response["Location"] == f"/pilotage/reunions/{meeting.pk}/"
    client.post(f"/pilotage/reunions/{meeting.pk}/convene/")
    client.post(f"/pilotage/reunions/{meeting.pk}/hold/")
    client.post(
        f"/pilotage/reunions/{meeting.pk}/",
        {"date": "2019-03-01", "invitees": "Recteur d'académie\nDirecteur général de l'ARS", "minutes": "Relevé"},
    )
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD and meeting.minutes == "Relevé"
    assert meeting.invitees == ["Recteur d'académie", "Directeur général de l'ARS"]
    body = client.get(f"/pilotage/reunions/{meeting.pk}/").content.decode()
    held = (
        re.sub(r"\s+", " ", body).split('class="fr-cell--multiline">Réunion tenue</td>')[1].split("</tr>")[0]
    )  # its history row
    assert re.search(r"fr-badge--info\">Convoquée</span>.*fr-badge--success\">Tenue</span>", held), held
    body = client.get("/pilotage/departements/59/").content.decode()
    assert "1er semestre 2019" not in body.split("alerte-college")[1].split("</div>")[0]


def test_territory_meeting_requires_a_contract(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.AGENT)
    client.post("/pilotage/departements/59/reunions/", {"kind": "territory", "year": "2019"})
    assert not Meeting.objects.exists()


# --- Constant queries with 1 and 100 rows -------------------------------------------------------


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def add_meetings(department: Department, count: int) -> None:
    contract = department.city_contracts.first()
    Meeting.objects.bulk_create(
        Meeting(
            kind="territory" if n % 2 else "paqte_checkpoint",
            department=None if n % 2 else department,
            city_contract=contract if n % 2 else None,
            year=2019 + n % 4,
            semester=1,
            date=datetime.date(2019, 1, 1),
        )
        for n in range(count)
    )


@pytest.mark.parametrize("role", [Role.AGENT, Role.CGET_REFERENT])
@pytest.mark.parametrize("url", ["/pilotage/", "/pilotage/departements/59/"])
def test_constant_queries(client_as: Callable[[Role | None], Client], nord: Department, role: Role, url: str) -> None:
    client = client_as(role)
    add_meetings(nord, 1)
    with_one = queries(client, url)
    add_meetings(nord, 99)
    assert Meeting.objects.count() == 100
    assert queries(client, url) == with_one


def test_cget_page_constant_queries(client_as: Callable[[Role | None], Client]) -> None:
    client = client_as(Role.CGET_REFERENT)
    departments = list(Department.objects.order_by("code")[:100])
    held_service_heads(departments[0], 2019, 1)
    with_one = queries(client, "/pilotage/colleges-manquants/")
    for department in departments[1:]:
        held_service_heads(department, 2019, 1)
    assert queries(client, "/pilotage/colleges-manquants/") == with_one


def test_history_on_meeting_page_constant_queries(
    client_as: Callable[[Role | None], Client], make_user: MakeUser, nord: Department
) -> None:
    from workflows.steering.models import MeetingHistory

    meeting = held_service_heads(nord, 2019, 1)
    agent = make_user(Role.AGENT, "59")
    MeetingHistory.objects.create(
        meeting=meeting, actor=agent, transition="convene", source="to_schedule", target="convened"
    )
    client = client_as(Role.AGENT)
    with_one = queries(client, f"/pilotage/reunions/{meeting.pk}/")
    MeetingHistory.objects.bulk_create(
        MeetingHistory(
            meeting=meeting,
            actor=make_user(Role.AGENT, "59") if n < 3 else agent,
            transition="hold",
            source="convened",
            target="held",
        )
        for n in range(99)
    )
    assert queries(client, f"/pilotage/reunions/{meeting.pk}/") == with_one
