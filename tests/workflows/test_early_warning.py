"""The early warning (``workflows.cases.risk``): the stage medians read from the histories as of
a day, each open renovation's level, and where it shows (case page, inbox filter and badge,
dashboard)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar, campaign_clock_set, campaign_scope_close, campaign_scope_open
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import renewal_in
from workflows.cases.risk import observed, risk_model, risks
from workflows.models import Renewal, RenewalState, RenewalTransition

pytestmark = pytest.mark.django_db

STAGES = ["evaluation", "negotiation", "prefect_validation", "cget_review", "signature", "signed"]


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _renewal(index: int, moves: list[tuple[dt.date, str]]) -> Renewal:
    """A renovation whose history enters each state of ``moves`` on its day."""
    contract = CityContract.objects.filter(department__code="59").order_by("code")[index]
    renewal = Renewal.objects.create(city_contract=contract, department=contract.department)
    source = "not_started"
    for day, target in moves:
        RenewalTransition.objects.create(renewal=renewal, at=_at(day), transition="t", source=source, target=target)
        source = target
    Renewal.objects.filter(pk=renewal.pk).update(state=source)
    return Renewal.objects.get(pk=renewal.pk)


def _path(start: dt.date, days: list[int]) -> list[tuple[dt.date, str]]:
    moves, day = [], start
    for stage, length in zip(STAGES, [0, *days], strict=False):
        day += dt.timedelta(days=length)
        moves.append((day, stage))
    return moves


@pytest.fixture
def campaign() -> tuple[dt.date, dt.date]:
    deadline = campaign_calendar().renewal_signature
    return deadline - dt.timedelta(days=30), deadline  # the estimate is made thirty days before


def test_levels_from_the_observed_stage_medians(campaign: tuple[dt.date, dt.date]) -> None:
    as_of, deadline = campaign
    start = as_of - dt.timedelta(days=120)
    done = _renewal(0, _path(start, [10, 10, 10, 10, 10]))  # every stage in 10 days, signed
    _renewal(1, _path(start, [8, 12, 10, 10, 10]))  # medians stay 10 (8/12 → 10)
    # In negotiation for 2 days after an evaluation of 28 (2.8 times the median: its pace):
    # 28 − 2 left there + 3 × 28 after ≈ 110 days for 30 left.
    behind = _renewal(2, [(as_of - dt.timedelta(days=30), "evaluation"), (as_of - dt.timedelta(days=2), "negotiation")])
    # At the signature for 1 day: 9 days expected for 30 left.
    ahead = _renewal(3, _path(as_of - dt.timedelta(days=41), [10, 10, 10, 10]))
    # In evaluation for 50 days, longer than every case that passed it (28 at most): stuck.
    stuck = _renewal(4, [(as_of - dt.timedelta(days=50), "evaluation")])
    # Its later move to the prefect is after the day of the estimate: ignored.
    RenewalTransition.objects.create(
        renewal=behind,
        at=_at(as_of + dt.timedelta(days=3)),
        transition="t",
        source="negotiation",
        target="prefect_validation",
    )
    model = risk_model("renewal")
    assert model is not None
    seen = observed(model, as_of=as_of)
    # (10 h local time each day: a stage across the change to summer time lasts an hour less)
    assert seen.medians == pytest.approx(dict.fromkeys(STAGES[:-1], 10.0), abs=0.05)
    assert seen.counts["evaluation"] == 4 and seen.longest["evaluation"] == pytest.approx(28)

    found = risks("renewal", Renewal.objects.all(), as_of=as_of)
    assert done.pk not in found  # signed: nothing to estimate
    assert found[behind.pk].state == "negotiation" and found[behind.pk].level == "at_risk"
    assert found[behind.pk].pace == pytest.approx(2.8, abs=0.01) and found[behind.pk].days_left == 30
    assert found[behind.pk].expected_days == pytest.approx(110, abs=1.5)
    assert found[ahead.pk].level == "on_track" and found[ahead.pk].expected_days == pytest.approx(9, abs=1)
    assert found[stuck.pk].level == "at_risk" and found[stuck.pk].stuck
    # After the deadline, an open case is late.
    late = risks("renewal", [ahead], as_of=deadline + dt.timedelta(days=1))[ahead.pk]
    assert late.level == "late" and late.flagged


def test_risks_read_the_histories_once_then_keep_the_medians_until_one_is_written(
    campaign: tuple[dt.date, dt.date], django_assert_num_queries: Any
) -> None:
    as_of, _deadline = campaign
    start = as_of - dt.timedelta(days=120)
    _renewal(0, _path(start, [10, 10, 10, 10, 10]))  # the evaluation took 10 days
    cases = [_renewal(n, [(as_of - dt.timedelta(days=5 + n), "evaluation")]) for n in range(1, 7)]
    campaign_scope_open()  # as in a request: the campaign's calendar read once
    try:
        campaign_calendar()
        # First: the histories' version, the page's cases' histories, every history (the medians).
        with django_assert_num_queries(3):
            first = risks("renewal", cases, as_of=as_of)
        assert len(first) == 6
        # Then, until a history row is written: the version and the page's cases' histories,
        # whatever the number of cases in the campaign.
        with django_assert_num_queries(2):
            assert risks("renewal", cases, as_of=as_of) == first
        # A case passes its evaluation in 30 days: the medians are computed again (10, 30 → 20).
        slow = _renewal(7, [(start, "evaluation"), (start + dt.timedelta(days=30), "negotiation")])
        with django_assert_num_queries(3):
            again = risks("renewal", [*cases, slow], as_of=as_of)
        assert again[cases[0].pk].expected_days != first[cases[0].pk].expected_days
        model = risk_model("renewal")
        assert model is not None
        assert observed(model, as_of=as_of).medians["evaluation"] == pytest.approx(20, abs=0.05)
    finally:
        campaign_scope_close()


def test_case_page_inbox_and_dashboard_show_it(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    # The campaign's today after the signature date: the open renovation is late.
    campaign_clock_set(campaign_calendar().renewal_signature + dt.timedelta(days=3))
    client = Client()
    client.force_login(agent)
    body = client.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "Alerte précoce" in body and "En retard" in body and "la durée médiane observée dans la campagne" in body
    listed = client.get("/taches/tous/?echeance=risque").content.decode()
    assert renewal.city_contract.code in listed and "fr-badge--error" in listed  # late: red, as everywhere
    assert "À risque (alerte précoce)" in listed
    # Back before the signature date with nothing observed yet: no flag, the filter finds nothing.
    campaign_clock_set(campaign_calendar().renewal_signature - dt.timedelta(days=200))
    listed = client.get("/taches/tous/?echeance=risque").content.decode()
    assert renewal.city_contract.code not in listed
    national = Client()
    national.force_login(make_user(Role.CGET_REFERENT))
    campaign_clock_set(campaign_calendar().renewal_signature + dt.timedelta(days=3))
    board = national.get("/pilotage/tableau-de-bord/").content.decode()
    assert "Alerte précoce" in board and "1 à risque" in board
    # Another département's agent does not see it in his inbox nor on his dashboard count.
    other = Client()
    other.force_login(make_user(Role.AGENT, "62"))
    assert renewal.city_contract.code not in other.get("/taches/tous/?echeance=risque").content.decode()
    assert other.get(f"/renovations/{renewal.pk}/").status_code == 404


def test_a_case_without_history_is_estimated_in_the_state_it_is_in_today() -> None:
    """Put in a state by the administration or an import, a case has no transition: today's
    estimate reads its state; a replay of an earlier day has nothing to read but « non commencé »."""
    contract = CityContract.objects.filter(department__code="59").order_by("code")[0]
    renewal = Renewal.objects.create(city_contract=contract, department=contract.department)
    Renewal.objects.filter(pk=renewal.pk).update(state="cget_review")
    renewal = Renewal.objects.get(pk=renewal.pk)
    today = risks("renewal", [renewal])[renewal.pk]
    assert today.state == "cget_review"
    earlier = risks("renewal", [renewal], as_of=campaign_calendar().today)[renewal.pk]
    assert earlier.state == "not_started"
