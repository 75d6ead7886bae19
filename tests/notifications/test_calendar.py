"""The calendar of the 2019 campaign: dates, semesters, three-year ends, working-day shifts."""

from __future__ import annotations

import datetime as dt

import pytest

from notifications.calendar import is_working_day, rule_window, send_date
from notifications.models import Deadline, ReminderRule
from notifications.services import add_months, deadline_sync_for_case, deadlines_generate
from reference.models import CityContract, Department

D = dt.date
BEFORE, AFTER = ReminderRule.Kind.BEFORE, ReminderRule.Kind.AFTER


@pytest.mark.django_db
def test_the_2019_campaign_ships_its_dates_for_every_department(nord: Department) -> None:
    deadlines_generate()
    dates = dict(Deadline.objects.filter(department=nord, occurrence="").values_list("definition__code", "due_on"))
    assert dates == {
        "referent-paqte-contact": D(2019, 2, 15),
        "synthesis": D(2019, 3, 15),
        "charter-migration": D(2020, 1, 31),  # default day chosen for "janvier 2020"
        "city-contracts-end": D(2022, 12, 31),
    }
    assert Deadline.objects.filter(definition__code="synthesis").count() == Department.objects.count()
    # 31 July 2019 is a per-case deadline only (one per renovation).
    assert not Deadline.objects.filter(due_on=D(2019, 7, 31), case_id__isnull=True).exists()


@pytest.mark.django_db
def test_semesters_run_to_the_end_of_the_contracts(nord: Department) -> None:
    deadlines_generate()
    reports = Deadline.objects.filter(department=nord, definition__code="paqte-semester-report").order_by("due_on")
    assert [(d.occurrence, d.due_on) for d in reports] == [
        ("2019-S1", D(2019, 6, 30)),
        ("2019-S2", D(2019, 12, 31)),
        ("2020-S1", D(2020, 6, 30)),
        ("2020-S2", D(2020, 12, 31)),
        ("2021-S1", D(2021, 6, 30)),
        ("2021-S2", D(2021, 12, 31)),
        ("2022-S1", D(2022, 6, 30)),
        ("2022-S2", D(2022, 12, 31)),
    ]
    assert reports[0].title == "Bilan semestriel du PAQTE – 1er semestre 2019"
    assert Deadline.objects.filter(department=nord, definition__code="service-heads-meeting").count() == 8


@pytest.mark.django_db
def test_generation_is_idempotent_and_follows_a_moved_date(nord: Department) -> None:
    deadlines_generate()
    count = Deadline.objects.count()
    assert deadlines_generate() == 0
    assert Deadline.objects.count() == count
    from notifications.models import DeadlineDefinition

    DeadlineDefinition.objects.filter(code="charter-migration").update(due_on=D(2020, 1, 15))
    deadlines_generate()
    assert Deadline.objects.get(department=nord, definition__code="charter-migration").due_on == D(2020, 1, 15)


@pytest.mark.django_db
def test_three_year_end_of_a_case_follows_its_signature(nord: Department) -> None:
    case = CityContract.objects.get(code="CV192", department=nord)  # any model stands for a case
    deadline = deadline_sync_for_case(
        case=case, definition_code="paqte-convention-end", base_date=D(2019, 4, 10), department=nord
    )
    assert deadline.due_on == D(2022, 4, 9)  # the day before the third anniversary (the campaign data)
    again = deadline_sync_for_case(
        case=case, definition_code="paqte-convention-end", base_date=D(2019, 5, 2), department=nord
    )
    assert again.pk == deadline.pk and again.due_on == D(2022, 5, 1)
    leap = deadline_sync_for_case(
        case=case, definition_code="charter-convention-expiry", base_date=D(2020, 2, 29), department=nord
    )
    assert leap.due_on == D(2020, 2, 29)


def test_add_months_keeps_month_ends() -> None:
    assert add_months(D(2019, 6, 30), 6) == D(2019, 12, 31)
    assert add_months(D(2019, 12, 31), 6) == D(2020, 6, 30)
    assert add_months(D(2020, 2, 29), 36) == D(2023, 2, 28)
    assert add_months(D(2019, 4, 10), 36) == D(2022, 4, 10)


def test_french_public_holidays_and_weekends() -> None:
    assert not is_working_day(D(2019, 7, 14))  # fête nationale (a Sunday)
    assert not is_working_day(D(2019, 5, 1))
    assert not is_working_day(D(2019, 6, 10))  # lundi de Pentecôte
    assert not is_working_day(D(2019, 11, 11))
    assert not is_working_day(D(2019, 7, 13))  # Saturday
    assert is_working_day(D(2019, 7, 12))


def test_a_reminder_due_on_14_july_2019_goes_out_on_12_july() -> None:
    # Deadline on Sunday 21 July 2019, reminder seven days before: 14 July (Sunday and holiday).
    assert send_date(due_on=D(2019, 7, 21), kind=BEFORE, days=7) == D(2019, 7, 12)
    # 15 August 2019 (Thursday, Assumption): the working day before is the 14th.
    assert send_date(due_on=D(2019, 8, 16), kind=BEFORE, days=1) == D(2019, 8, 14)
    # 30 days before 31 July 2019 is Monday 1 July: a working day, no shift.
    assert send_date(due_on=D(2019, 7, 31), kind=BEFORE, days=30) == D(2019, 7, 1)


def test_an_escalation_never_leaves_before_the_missed_date() -> None:
    # Friday 15 February 2019: the next day is a Saturday; the escalation goes out on Monday.
    assert send_date(due_on=D(2019, 2, 15), kind=AFTER, days=1) == D(2019, 2, 18)
    assert send_date(due_on=D(2019, 3, 15), kind=AFTER, days=7) == D(2019, 3, 22)


def _fires(due_on: dt.date, today: dt.date, kind: str, days: int, closer: int | None) -> bool:
    low, inclusive, high = rule_window(kind=kind, days=days, closer_days=closer, today=today)
    above = low is None or (due_on >= low if inclusive else due_on > low)
    return above and due_on <= high


@pytest.mark.parametrize("due_on", [D(2019, 7, 21), D(2019, 7, 31), D(2019, 8, 16), D(2019, 12, 31), D(2020, 1, 6)])
def test_the_sweep_windows_match_the_send_dates(due_on: dt.date) -> None:
    """Day by day through the year, each before-rule fires from its send date until the next
    closer rule takes over, and escalations from theirs: what the SQL of the sweep selects."""
    rules = [(30, 7), (7, 1), (1, None)]
    for offset in range(-60, 30):
        today = due_on + dt.timedelta(days=offset)
        for days, closer in rules:
            starts = send_date(due_on=due_on, kind=BEFORE, days=days)
            stops = send_date(due_on=due_on, kind=BEFORE, days=closer) if closer is not None else None
            expected = starts <= today <= due_on and (stops is None or today < stops)
            assert _fires(due_on, today, BEFORE, days, closer) == expected, (today, days)
        for days in (1, 7):
            # Escalations fire from their send date for two weeks of catch-up (the exact end
            # depends on weekends), and never before.
            starts = send_date(due_on=due_on, kind=AFTER, days=days)
            fires = _fires(due_on, today, AFTER, days, None)
            if today < starts or today > starts + dt.timedelta(days=16):
                assert not fires, (today, days)
            elif today <= starts + dt.timedelta(days=12):
                assert fires, (today, days)
