"""Pages: préférences, échéances, iCalendar feed. Every role × own / other
département, anonymous redirected to the login page; constant query counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from icalendar import Calendar

from accounts.models import Role
from notifications.models import CalendarToken, NotificationPreference
from notifications.services import calendar_token_regenerate
from reference.models import Department
from tests.conftest import MakeUser
from tests.notifications.factories import make_deadline

pytestmark = pytest.mark.django_db

PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [None, *PREFECTURE, *NATIONAL]


@pytest.fixture
def deadlines(nord: Department, pas_de_calais: Department) -> None:
    soon = timezone.localdate() + dt.timedelta(days=10)
    make_deadline(nord, soon, title="Échéance du Nord")
    make_deadline(pas_de_calais, soon, title="Échéance du Pas-de-Calais")
    make_deadline(None, soon, title="Échéance nationale")


def client_as(client_for: Callable[..., Client], role: Role | None) -> Client:
    return client_for(role, "59" if role in PREFECTURE else None)


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonyme")
@pytest.mark.parametrize("url", ["/mes-notifications/", "/echeances/"])
def test_pages_need_a_login(client_for: Callable[..., Client], role: Role | None, url: str) -> None:
    response = client_as(client_for, role).get(url)
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/connexion/?next=")
    else:
        assert response.status_code == 200


@pytest.mark.parametrize("role", ROLES[1:])
def test_deadline_list_is_scoped(client_for: Callable[..., Client], role: Role, deadlines: None) -> None:
    body = client_as(client_for, role).get("/echeances/").content.decode()
    assert "Échéance du Nord" in body
    national = role in NATIONAL
    assert ("Échéance du Pas-de-Calais" in body) is national
    assert ("Échéance nationale" in body) is national


def test_preferences_are_saved_with_a_post(client_for: Callable[..., Client], make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(user)
    assert "un courriel par relance" in client.get("/mes-notifications/").content.decode()
    response = client.post("/mes-notifications/", {"frequency": "digest"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=user).frequency == "digest"
    assert client.post("/mes-notifications/", {"frequency": "n'importe quoi"}).status_code == 200
    assert NotificationPreference.objects.get(user=user).frequency == "digest"


def test_posts_need_the_csrf_token(make_user: MakeUser) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.AGENT, "59"))
    assert client.post("/mes-notifications/", {"frequency": "digest"}).status_code == 403
    assert client.post("/mes-notifications/calendrier/", {"action": "regenerate"}).status_code == 403
    assert client.get("/mes-notifications/calendrier/").status_code == 405


def test_calendar_feed_shows_only_the_users_department_and_can_be_revoked(make_user: MakeUser, deadlines: None) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    client.post("/mes-notifications/calendrier/", {"action": "regenerate"})
    token = CalendarToken.objects.get(user=agent).token
    assert f"/calendrier/{token}.ics" in client.get("/mes-notifications/").content.decode()

    feed = Client().get(f"/calendrier/{token}.ics")  # no session: calendar clients cannot log in
    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    events = list(Calendar.from_ical(feed.content).walk("VEVENT"))
    assert [str(e["SUMMARY"]) for e in events] == ["Échéance du Nord"]
    assert isinstance(events[0].decoded("DTSTART"), dt.date)

    client.post("/mes-notifications/calendrier/", {"action": "regenerate"})
    assert Client().get(f"/calendrier/{token}.ics").status_code == 404  # the old URL is dead
    new_token = CalendarToken.objects.get(user=agent).token
    client.post("/mes-notifications/calendrier/", {"action": "revoke"})
    assert Client().get(f"/calendrier/{new_token}.ics").status_code == 404
    assert not CalendarToken.objects.filter(user=agent).exists()


def test_national_feed_sees_every_department(make_user: MakeUser, deadlines: None) -> None:
    token = calendar_token_regenerate(user=make_user(Role.CGET_REFERENT)).token
    summaries = {
        str(e["SUMMARY"]) for e in Calendar.from_ical(Client().get(f"/calendrier/{token}.ics").content).walk("VEVENT")
    }
    assert {"Échéance du Nord", "Échéance du Pas-de-Calais", "Échéance nationale"} <= summaries


def test_inactive_user_feed_is_dead(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    token = calendar_token_regenerate(user=user).token
    user.is_active = False
    user.save()
    assert Client().get(f"/calendrier/{token}.ics").status_code == 404


def queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_deadline_list_and_feed_query_counts(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    token = calendar_token_regenerate(user=agent).token
    soon = timezone.localdate() + dt.timedelta(days=3)
    make_deadline(nord, soon)
    list_one, feed_one = queries(client, "/echeances/"), queries(Client(), f"/calendrier/{token}.ics")
    for _ in range(99):
        make_deadline(nord, soon)
    assert "Échéances de votre périmètre (100)" in client.get("/echeances/").content.decode()
    assert queries(client, "/echeances/") == list_one
    assert queries(Client(), f"/calendrier/{token}.ics") == feed_one


def test_national_admin_edits_reminder_rules_in_the_admin(client_for: Callable[..., Client]) -> None:
    admin = client_for(Role.NATIONAL_ADMIN)
    assert admin.get("/admin/notifications/reminderrule/").status_code == 200
    assert admin.get("/admin/notifications/reminderrule/add/").status_code == 200
    assert admin.get("/admin/notifications/campaign/").status_code == 200
    cget = client_for(Role.CGET_REFERENT)
    assert cget.get("/admin/notifications/reminderrule/").status_code == 302
