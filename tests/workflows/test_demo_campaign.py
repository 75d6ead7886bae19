"""The run command's living 2019 campaign: built through the real services, idempotent, and
each demo account's home shows work to do, counted from the campaign's clock."""

from __future__ import annotations

import io
import re

from django.core.management import call_command
from django.test import Client, override_settings

import pytest

from accounts.management.commands.seed_demo import DEMO_ACCOUNTS
from accounts.models import User
from notifications.campaign import campaign_calendar, campaign_today
from notifications.models import Deadline
from workflows.models import Renewal
from workflows.paqte.models import PaqteConvention, SemesterResult
from workflows.steering.models import Meeting
from workflows.synthesis.models import Synthesis

pytestmark = pytest.mark.django_db(transaction=False)

CASE_LINK = re.compile(r'href="/(circuits|renovations|paqte|syntheses|pilotage|departements)/[^"]*\d')


@pytest.fixture
def demo() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("demo_campaign", stdout=out)
    return out.getvalue()


def test_the_demo_campaign_is_true_and_idempotent(demo: str) -> None:
    calendar = campaign_calendar()
    assert campaign_today() > calendar.renewal_signature
    states = set(Renewal.objects.values_list("state", flat=True))
    assert {"evaluation", "negotiation", "prefect_validation", "cget_review", "signed"} <= states
    assert Renewal.objects.exclude(return_comment="").exists()
    assert PaqteConvention.objects.filter(state="active").exists() and SemesterResult.objects.exists()
    assert Synthesis.objects.filter(state="approved").exists()
    assert Meeting.objects.filter(kind="service_heads", state="held", department__code="59").exists()
    late = Deadline.objects.filter(due_on__lt=campaign_today(), met_at__isnull=True, department__code="59")
    assert late.exists()
    counts = (Renewal.objects.count(), PaqteConvention.objects.count(), Deadline.objects.count())
    with override_settings(DEBUG=True):
        call_command("demo_campaign", stdout=io.StringIO())
    assert (Renewal.objects.count(), PaqteConvention.objects.count(), Deadline.objects.count()) == counts


def test_each_demo_account_s_home_shows_work_to_do(demo: str) -> None:
    for email, *_ in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page = client.get("/", follow=True).content.decode()
        assert 'id="campaign-clock"' in page, email
        assert CASE_LINK.search(page), email
        assert "2680 jours" not in page and "Aucune tâche" not in page, email


def test_the_demo_s_records_are_dated_in_the_campaign(demo: str) -> None:
    from viewflow.workflow.models import Task

    year = campaign_calendar().first_year
    created = {t.created.date() for t in Task.objects.all()}
    assert {day.year for day in created} == {year} and len(created) > 10  # each on its own day
    # A synthesis sent on time is not counted late (its « transmis le » is a campaign day).
    assert not Synthesis.objects.get(department__code="59").is_late(campaign_today())
