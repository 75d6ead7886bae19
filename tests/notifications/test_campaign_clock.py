"""The campaign's own clock: one setting (the admin's « date de la campagne », else
QUARTIERS_CAMPAIGN_TODAY, else the real date) read by every page, lateness, export, iCal window,
sweep and digest; a banner when it is not the real date; the replay command day by day."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar, campaign_clock_set, campaign_today, ended_semesters
from notifications.models import CalendarToken, Campaign, Reminder
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import renewal_in

pytestmark = pytest.mark.django_db
D = dt.date


def body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return str(content.decode("utf-8-sig"))


def test_the_real_date_by_default_and_no_banner(make_user: MakeUser) -> None:
    assert campaign_calendar().clock is None
    assert campaign_today() == timezone.localdate()
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    assert 'id="campaign-clock"' not in client.get("/", follow=True).content.decode()


@override_settings(QUARTIERS_CAMPAIGN_TODAY="2019-06-15")
def test_the_environment_sets_the_clock_and_the_admin_field_wins(make_user: MakeUser) -> None:
    assert campaign_today() == D(2019, 6, 15)
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get("/", follow=True).content.decode()
    assert 'id="campaign-clock"' in page and "samedi 15 juin 2019" in page

    admin = Client()
    admin.force_login(make_user(Role.NATIONAL_ADMIN))
    campaign = Campaign.objects.get(is_active=True)
    response = admin.post(
        f"/admin/notifications/campaign/{campaign.pk}/change/",
        {
            "code": campaign.code,
            "name": campaign.name,
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "is_active": "on",
            "clock": "2019-09-02",
            "definitions-TOTAL_FORMS": "0",
            "definitions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert campaign_today() == D(2019, 9, 2)
    assert "lundi 2 septembre 2019" in client.get("/", follow=True).content.decode()


def export_rows(client: Client) -> list[dict[str, str]]:
    """The per-département renovation export, one dict per contract (« ; »-separated CSV)."""
    table = body(client.get("/departements/59/renovations/?export=csv"))
    return list(csv.DictReader(io.StringIO(table), delimiter=";"))


def test_lateness_exports_deadlines_and_ical_count_from_the_campaign_s_today(
    make_user: MakeUser, nord: Department
) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in("evaluation", agent=agent)
    client = Client()
    client.force_login(agent)
    signature = campaign_calendar().renewal_signature
    # Real date (years after the campaign): late by thousands of days.
    rows = export_rows(client)
    assert rows and all(row["Date limite de signature"] == f"{signature:%d/%m/%Y}" for row in rows)
    late = (timezone.localdate() - signature).days
    assert all(row["Statut"] == "en retard" and row["Jours de retard"] == str(late) for row in rows)

    campaign_clock_set(D(2019, 6, 15))
    rows = export_rows(client)
    assert rows and all(row["Date limite de signature"] == f"{signature:%d/%m/%Y}" for row in rows)
    assert all(row["Statut"] == "dans les temps" and row["Jours de retard"] == "0" for row in rows)
    assert all(row["Signée le"] == "" for row in rows)
    assert "en retard" not in client.get(f"/renovations/{renewal.pk}/").content.decode()

    # /echeances/ lists what is coming as of the campaign's date.
    deadlines = client.get("/echeances/").content.decode()
    assert "Aucune échéance" not in deadlines and f"{signature:%d/%m/%Y}" in body(client.get("/echeances/?export=csv"))
    # The iCal feed's window follows the clock: the renovation's deadline is in it.
    token = CalendarToken.objects.create(user=agent).token
    feed = Client().get(f"/calendrier/{token}.ics").content.decode()
    assert feed.count("BEGIN:VEVENT") >= 1


def test_the_collèges_stop_at_the_campaign_s_end() -> None:
    calendar = campaign_calendar()
    semesters = ended_semesters(today=D(calendar.ends_on.year + 4, 1, 1))
    assert semesters[-1][0] == calendar.ends_on.year
    campaign_clock_set(D(2019, 6, 15))
    assert ended_semesters(today=campaign_today()) == []


@override_settings(DEBUG=True)
def test_replay_moves_the_clock_day_by_day_and_sends_nothing_twice(
    make_user: MakeUser, nord: Department, django_capture_on_commit_callbacks: Any
) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal_in("evaluation", agent=agent)
    signature = campaign_calendar().renewal_signature
    start, end = signature - dt.timedelta(days=40), signature + dt.timedelta(days=20)
    out = io.StringIO()
    call_command(
        "campaign_replay", "--from", start.isoformat(), "--to", end.isoformat(), stdout=out, stderr=io.StringIO()
    )
    first = len(mail.outbox)
    assert first >= 1, out.getvalue()
    assert campaign_today() == end
    printed = out.getvalue()
    assert f"{start:%d/%m/%Y}" in printed and "échéances en retard" in printed and "1 avant échéance" in printed
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() >= 1

    call_command(
        "campaign_replay",
        "--from",
        start.isoformat(),
        "--to",
        end.isoformat(),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert len(mail.outbox) == first


def test_replay_is_refused_in_production_without_force() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("campaign_replay", "--from", "2019-01-22", "--to", "2019-01-23", stdout=io.StringIO())
