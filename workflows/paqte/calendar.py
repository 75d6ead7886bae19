"""The PAQTE dates of the circular of 22 January 2019 (annex 2), kept in one place.

These are the defaults of the 2019 campaign. Issue #4 (deadlines and reminders) holds the
reminder calendar as campaign data (``notifications`` migration 0002); the PAQTE cases feed
it through ``workflows.paqte.deadlines``. The convention's end below is the one truth: its
deadline takes ``ends_on`` as is (notifications migration 0020 aligned the definition).
"""

from __future__ import annotations

import datetime

# "Vous transmettez au CGET, d'ici le 15 février 2019, le contact du référent PAQTE."
REFERENT_DUE_ON = datetime.date(2019, 2, 15)

# "d'ici janvier 2020" is ambiguous: we read it as "by the end of January 2020" (seeds/README.md
# asks for configurable data with a documented default).
CHARTER_MIGRATION_DEADLINE = datetime.date(2020, 1, 31)

# A PAQTE convention is triennial: it ends three years after its signature.
CONVENTION_YEARS = 3

# A convention or a charter convention "nears its end" this many days before it.
NEAR_END_DAYS = 180


def add_years(day: datetime.date, years: int) -> datetime.date:
    """Same day ``years`` later; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def convention_end(signed_on: datetime.date) -> datetime.date:
    """Last day of a convention signed on ``signed_on``: the day before its third anniversary."""
    return add_years(signed_on, CONVENTION_YEARS) - datetime.timedelta(days=1)


def semester_bounds(year: int, half: int) -> tuple[datetime.date, datetime.date]:
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
