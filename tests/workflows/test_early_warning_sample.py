"""The early warning (``workflows.cases.risk``) on a harder sample than the replayed demo, built
with factories: late renovations that keep moving, only slowly (each stage longer than the
median, none stuck), quick ones, one that sat in negotiation longer than the median but not
longer than every case, one stuck at the signature, and finished ones that had stalled (one in
negotiation, one at the signature, its last stage). Each case's level and its reasons in plain
words (the page's explanation), then precision and recall measured as
``manage.py early_warning_measure`` does: every flagged case ended up late, every late case was
flagged (``benchmarks/RESULTS.md``, « Early warning on a harder sample »)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar, campaign_clock_set
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.factories.renewal import RenewalFactory, RenewalTransitionFactory
from workflows.cases.risk import MODEL_TEXT, Risk, risks
from workflows.management.commands.early_warning_measure import measure
from workflows.models import Renewal, RenewalState

pytestmark = pytest.mark.django_db

STAGES = [
    RenewalState.EVALUATION,
    RenewalState.NEGOTIATION,
    RenewalState.PREFECT_VALIDATION,
    RenewalState.CGET_REVIEW,
    RenewalState.SIGNATURE,
    RenewalState.SIGNED,
]


def _case(start: dt.date, durations: list[int]) -> Renewal:
    """A renovation entering the evaluation on ``start``, then each next stage ``durations[i]``
    days after the previous one (its whole history, the days after the estimate included: what
    happened)."""
    days = [start]
    for length in durations:
        days.append(days[-1] + dt.timedelta(days=length))
    moves = list(zip(days, STAGES, strict=False))
    last_day, last = moves[-1]
    free = CityContract.objects.filter(department__code__in=("59", "62"), renewal__isnull=True)
    renewal = RenewalFactory.create(
        city_contract=free.order_by("department__code", "code").first(),
        state=last,
        signed_on=last_day if last == RenewalState.SIGNED else None,
    )
    source = RenewalState.NOT_STARTED
    for day, target in moves:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        RenewalTransitionFactory.create(renewal=renewal, at=at, source=source, target=target)
        source = target
    return renewal


@pytest.fixture
def sample() -> tuple[dt.date, dict[str, Renewal]]:
    deadline = campaign_calendar().renewal_signature
    day = deadline - dt.timedelta(days=60)  # the estimate, as ``early_warning_measure``'s default

    def ago(days: int) -> dt.date:
        return day - dt.timedelta(days=days)

    cases: dict[str, Renewal] = {}
    for index in range(6):  # the bulk: ten days a stage, signed well before the estimate
        cases[f"typical-{index}"] = _case(ago(100 - 3 * index), [10] * 5)
    # Finished after a stall: 45 days in negotiation; 40 at the signature, its last stage.
    cases["finished-stalled-negotiation"] = _case(ago(110), [10, 45, 10, 10, 10])
    cases["finished-stalled-signature"] = _case(ago(95), [10, 10, 10, 10, 40])
    # Slow but moving: 22 days a stage (twice the median, never the longest of a stage).
    cases["slow-late"] = _case(ago(45), [22] * 5)  # signed 65 days after the estimate
    cases["slow-late-2"] = _case(ago(47), [22] * 5)  # 63 days after
    cases["slow-in-time"] = _case(ago(30), [14] * 5)  # 40 days after
    cases["quick"] = _case(ago(12), [5] * 5)
    cases["quick-2"] = _case(ago(14), [5] * 5)
    # In negotiation for 40 days (the median 10, the longest 45) and never signed.
    cases["stalled"] = _case(ago(50), [10])
    # At the signature for 45 days, longer than every case (40), and never signed.
    cases["stuck-at-signature"] = _case(ago(85), [10, 10, 10, 10])
    return day, cases


def test_each_case_s_level_and_why(sample: tuple[dt.date, dict[str, Renewal]], make_user: MakeUser) -> None:
    day, cases = sample
    found = risks("renewal", Renewal.objects.all(), as_of=day)
    finished = [name for name in cases if name.startswith(("typical", "finished"))]
    assert not [name for name in finished if cases[name].pk in found]  # signed by then: not estimated

    def risk(name: str) -> Risk:
        return found[cases[name].pk]

    # Slow: 2.2 times the median on the two stages passed, so the three left take 65 days for 60.
    slow = risk("slow-late")
    assert (slow.level, slow.stuck, slow.state) == ("at_risk", False, "prefect_validation")
    assert slow.pace == pytest.approx(2.2, abs=0.01) and slow.expected_days == pytest.approx(65, abs=1)
    assert slow.reasons == [
        f"fin estimée dans {slow.expected_days:.0f} jours pour 60 jours restants",
        "il avance 2,2 fois moins vite que la médiane des dossiers",
    ]
    assert risk("slow-late-2").level == "at_risk" and risk("slow-late-2").expected_days == pytest.approx(63, abs=1)
    # Slower than the median too, but 40 days expected for 60: in time, as it was.
    in_time = risk("slow-in-time")
    assert (in_time.level, in_time.reasons) == ("on_track", [])
    assert in_time.pace == pytest.approx(1.4, abs=0.01) and in_time.expected_days == pytest.approx(40, abs=1)
    for name in ("quick", "quick-2"):  # twice as fast as the median
        assert (risk(name).level, risk(name).reasons) == ("on_track", []) and risk(name).pace == pytest.approx(0.5)
    # 40 days in negotiation, not the longest (45): not stuck, but its pace (2.5) ends after the deadline.
    stalled = risk("stalled")
    assert (stalled.level, stalled.stuck) == ("at_risk", False)
    assert stalled.pace == pytest.approx(2.5, abs=0.05) and stalled.expected_days == pytest.approx(76, abs=1)
    assert stalled.reasons == [
        f"fin estimée dans {stalled.expected_days:.0f} jours pour 60 jours restants",
        "il avance 2,5 fois moins vite que la médiane des dossiers",
    ]
    # At the signature longer than every case that passed it: stuck.
    stuck = risk("stuck-at-signature")
    assert (stuck.level, stuck.stuck) == ("at_risk", True)
    assert stuck.reasons == [
        f"dans l'étape depuis {stuck.in_stage_days:.0f} jours, plus que tous les dossiers qui l'ont franchie"
    ]

    # The case page says it in words, with the model's explanation.
    agent = make_user(Role.AGENT, "59")
    campaign_clock_set(day)
    client = Client()
    client.force_login(agent)
    page = client.get(f"/renovations/{cases['slow-late'].pk}/").content.decode()
    assert "Alerte précoce" in page and "À risque" in page
    assert f"Motif : {slow.reasons[0]} ; il avance 2,2 fois moins vite que la médiane des dossiers." in page
    assert MODEL_TEXT.replace("'", "&#x27;") in page
    page = client.get(f"/renovations/{cases['quick'].pk}/").content.decode()
    assert "Dans les temps" in page and "Motif" not in page


def test_precision_and_recall_on_the_harder_sample(sample: tuple[dt.date, dict[str, Renewal]]) -> None:
    day, cases = sample
    campaign_clock_set(campaign_calendar().renewal_signature + dt.timedelta(days=16))
    result = measure(as_of=day)
    late = {"slow-late", "slow-late-2", "stalled", "stuck-at-signature"}
    by_pk = {renewal.pk: name for name, renewal in cases.items()}
    assert {by_pk[renewal.pk] for renewal, _risk, ended_late in result["rows"] if ended_late} == late
    assert {by_pk[renewal.pk] for renewal, risk, _late in result["rows"] if risk.flagged} == late
    assert (result["open"], result["flagged"], result["late"]) == (7, 4, 4)
    assert (result["precision"], result["recall"]) == (1.0, 1.0)
