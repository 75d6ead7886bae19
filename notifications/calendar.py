"""Working days in France (Europe/Paris) and the send date of a reminder.

A reminder before a deadline that falls on a weekend or a public holiday (``holidays.France``,
metropolitan list) goes out the working day *before*. An escalation after a deadline goes out
the working day *after* instead: shifting it backwards could make it leave before the missed
date itself (the day after a Friday deadline is a Saturday), which would escalate a deadline
that may still be met. That asymmetry is deliberate.

The sweep never computes dates in SQL: ``rule_window`` turns "send date <= today" into a
range of due dates, computed here in Python once per rule, and the SQL only compares dates.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays

from notifications.models import ReminderRule

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def _holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.France(years=year).keys())


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in _holidays(day.year)


def working_day_on_or_before(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day -= ONE_DAY
    return day


def working_day_on_or_after(day: dt.date) -> dt.date:
    while not is_working_day(day):
        day += ONE_DAY
    return day


def send_date(*, due_on: dt.date, kind: str, days: int) -> dt.date:
    """The day a reminder of that rule goes out for a deadline due on ``due_on`` (a per-party
    rule is a before-rule whose recipients are the parties)."""
    if kind != ReminderRule.Kind.AFTER:
        return working_day_on_or_before(due_on - dt.timedelta(days=days))
    return working_day_on_or_after(due_on + dt.timedelta(days=days))


def _last_day_sent_by(today: dt.date) -> dt.date:
    """The largest nominal day whose before-reminder has gone out by ``today``: every day up to
    (but not including) the next working day after today shifts back onto today or earlier."""
    return working_day_on_or_after(today + ONE_DAY) - ONE_DAY


def rule_window(
    *, kind: str, days: int, closer_days: int | None, today: dt.date, catch_up_days: int = 14
) -> tuple[dt.date | None, bool, dt.date]:
    """Due dates for which a rule's reminder is due on ``today``: ``(low, low_inclusive, high)``.

    Before-rules: the reminder is due once its send date has come, until the next closer rule
    of the same recipients takes over (``closer_days``), and never after the deadline. So a
    deadline created five days ahead gets the one-day reminder only, not three at once, and a
    sweep that missed a day still sends the reminder (late) while it is the most relevant one.
    After-rules (escalations): due once the send date has come, for ``catch_up_days`` (a sweep
    stopped for days still escalates; a campaign of years ago does not flood the CGET).
    """
    if kind != ReminderRule.Kind.AFTER:
        last = _last_day_sent_by(today)
        high = last + dt.timedelta(days=days)
        if closer_days is None:
            return today, True, high
        return last + dt.timedelta(days=closer_days), False, high
    high = working_day_on_or_before(today) - dt.timedelta(days=days)
    return high - dt.timedelta(days=catch_up_days), True, high
