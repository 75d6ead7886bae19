"""The campaign's calendar: the one source of the circular's dates for every page, export, email,
iCal feed and dashboard.

The dates are data (``Campaign`` and its ``DeadlineDefinition`` rows, seeded for 2019 by
migration ``0002_campaign_2019``), so that the national administrator can move one in the admin
and every screen follows, and a later campaign reuses the engine. Code asks ``campaign_calendar()``
by a definition's stable code; nothing else writes a date of the circular.

The calendar is read once per request (and once per Celery task): two small queries, kept in a
context variable that the ``request_started`` / ``request_finished`` signals reset, so a date
changed in the admin shows on the next page.

The campaign has its own clock (``CampaignCalendar.today``, ``campaign_today()``): the day every
page, lateness, dashboard, export, iCal window, sweep and digest count from. It is the national
administrator's ``Campaign.clock`` (admin), else the ``QUARTIERS_CAMPAIGN_TODAY`` setting (demos
and training), else the real date (production). Timestamps of records (``submitted_at``…) stay
real time.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import request_finished, request_started
from django.dispatch import receiver
from django.utils import timezone

from config.statements import Compiled

# The stable codes of the definitions the product reads (``DeadlineDefinition.code``).
REFERENT_CONTACT = "referent-paqte-contact"
SYNTHESIS = "synthesis"
RENEWAL_SIGNATURE = "city-contract-renewal"
SEMESTER_REPORT = "paqte-semester-report"
SERVICE_HEADS = "service-heads-meeting"
CHARTER_MIGRATION = "charter-migration"
CITY_CONTRACTS_END = "city-contracts-end"
CONVENTION_END = "paqte-convention-end"

Semester = tuple[int, int]


@dataclass(frozen=True)
class CampaignCalendar:
    code: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    dates: Mapping[str, dt.date] = field(default_factory=dict)
    offset_years: Mapping[str, int] = field(default_factory=dict)
    clock: dt.date | None = None

    @property
    def today(self) -> dt.date:
        """The campaign's today: the clock when it is set, else the real date."""
        return self.clock or timezone.localdate()

    @property
    def clock_moved(self) -> bool:
        """The campaign's today is not the real date (the banner on every page says so)."""
        return self.clock is not None and self.clock != timezone.localdate()

    def date(self, code: str) -> dt.date:
        try:
            return self.dates[code]
        except KeyError:
            raise ImproperlyConfigured(
                f"La campagne « {self.name} » ne définit pas l'échéance « {code} » : ajoutez-la dans l'administration."
            ) from None

    @property
    def first_year(self) -> int:
        return self.starts_on.year

    @property
    def referent_contact(self) -> dt.date:
        """The PAQTE référent's contact is due to the CGET (annex 2)."""
        return self.date(REFERENT_CONTACT)

    @property
    def synthesis(self) -> dt.date:
        """The prefect's five-page synthesis is due."""
        return self.date(SYNTHESIS)

    @property
    def renewal_signature(self) -> dt.date:
        """Every renovated contrat de ville signed by."""
        return self.date(RENEWAL_SIGNATURE)

    @property
    def charter_migration(self) -> dt.date:
        """Every « entreprises et quartiers » convention turned into a PAQTE by."""
        return self.date(CHARTER_MIGRATION)

    @property
    def convention_years(self) -> int:
        """A PAQTE convention lasts this many years (triennial)."""
        return self.offset_years.get(CONVENTION_END, 3) or 3

    @property
    def first_semester(self) -> Semester:
        """The first semester that asks for a collège des chefs de service and a PAQTE report."""
        end = self.date(SERVICE_HEADS)
        return end.year, 1 if end.month <= 6 else 2

    def synthesis_due(self, year: int) -> dt.date:
        """The synthesis of ``year`` (the campaign's date, in that year)."""
        day = self.synthesis
        return day if day.year == year else _same_day(day, year)


def _same_day(day: dt.date, year: int) -> dt.date:
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


_request_cache: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "quartiers_campaign_calendar", default=None
)


@receiver(request_started)
def _open_scope(**kwargs: Any) -> None:
    _request_cache.set({})


@receiver(request_finished)
def _close_scope(**kwargs: Any) -> None:
    _request_cache.set(None)


def campaign_scope_open() -> None:
    """Read the calendar once until ``campaign_scope_close`` (a Celery task, a command)."""
    _request_cache.set({})


def campaign_scope_close() -> None:
    _request_cache.set(None)


def _campaigns() -> Any:
    from notifications.models import Campaign

    return Campaign.objects.order_by(
        "-is_active", "-starts_on", "-pk", "definitions__due_on", "definitions__code"
    ).values_list(
        "pk",
        "code",
        "name",
        "starts_on",
        "ends_on",
        "clock",
        "definitions__code",
        "definitions__due_on",
        "definitions__offset_years",
    )


_CAMPAIGNS = Compiled(_campaigns)  # on every page: compiled once (``config.statements``)


def _load() -> CampaignCalendar:
    """The active campaign (the latest to start; the latest of all when none is active) and its
    deadlines' dates, in one query: every page reads them (two queries before)."""
    rows = _CAMPAIGNS.all()
    if not rows:
        raise ImproperlyConfigured("Aucune campagne n'est définie : appliquez les migrations (campagne 2019).")
    pk, code, name, starts_on, ends_on, clock = rows[0][:6]
    dates: dict[str, dt.date] = {}
    offsets: dict[str, int] = {}
    for row in rows:
        if row[0] != pk or row[6] is None:
            continue
        definition, due_on, offset_years = row[6:]
        if due_on is not None:
            dates[definition] = due_on
        offsets[definition] = offset_years
    return CampaignCalendar(
        code=code,
        name=name,
        starts_on=starts_on,
        ends_on=ends_on,
        dates=dates,
        offset_years=offsets,
        clock=clock or settings_clock(),
    )


def settings_clock() -> dt.date | None:
    """``QUARTIERS_CAMPAIGN_TODAY`` (settings), the demo and training clock; None in production."""
    value = getattr(settings, "QUARTIERS_CAMPAIGN_TODAY", None)
    if not value:
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ImproperlyConfigured(
            f"QUARTIERS_CAMPAIGN_TODAY : « {value} » n'est pas une date (format attendu : AAAA-MM-JJ)."
        ) from None


def campaign_calendar() -> CampaignCalendar:
    """The active campaign's calendar (read once per request or task)."""
    cache = _request_cache.get()
    if cache is None:
        return _load()
    calendar = cache.get("calendar")
    if calendar is None:
        calendar = cache["calendar"] = _load()
    return calendar


def campaign_today() -> dt.date:
    """The campaign's today (see the module's docstring): what every "today" of the product reads."""
    return campaign_calendar().today


def campaign_clock_set(day: dt.date | None) -> None:
    """Move the active campaign's clock (None: back to the real date); the cache of the current
    request or task is dropped so that the next read sees it."""
    from notifications.models import Campaign

    campaign = (
        Campaign.objects.filter(is_active=True).order_by("-starts_on").first()
        or Campaign.objects.order_by("-starts_on").first()
    )
    if campaign is None:
        raise ImproperlyConfigured("Aucune campagne n'est définie : appliquez les migrations (campagne 2019).")
    Campaign.objects.filter(pk=campaign.pk).update(clock=day)
    cache = _request_cache.get()
    if cache is not None:
        cache.pop("calendar", None)


# --- Semesters: the rhythm of the collège des chefs de service and of the PAQTE report -------------

SEMESTER_CHOICES = [(1, "1er semestre"), (2, "2d semestre")]
SEMESTER_FORM_CHOICES = [(1, "1er semestre (janvier – juin)"), (2, "2d semestre (juillet – décembre)")]


def semester_label(year: int, semester: int) -> str:
    return f"{'1er' if semester == 1 else '2d'} semestre {year}"


def semester_of(day: dt.date) -> Semester:
    return day.year, 1 if day.month <= 6 else 2


def semester_bounds(year: int, semester: int) -> tuple[dt.date, dt.date]:
    if semester == 1:
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def semester_end(year: int, semester: int) -> dt.date:
    return semester_bounds(year, semester)[1]


def ended_semesters(*, today: dt.date, calendar: CampaignCalendar | None = None) -> list[Semester]:
    """Every semester from the campaign's first one that has ended before ``today``, oldest first,
    up to the campaign's end (a collège is not asked of a semester after it)."""
    calendar = calendar or campaign_calendar()
    year, semester = calendar.first_semester
    semesters: list[Semester] = []
    while semester_end(year, semester) < today and semester_bounds(year, semester)[0] <= calendar.ends_on:
        semesters.append((year, semester))
        year, semester = (year, 2) if semester == 1 else (year + 1, 1)
    return semesters


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day ``years`` later; 29 February falls back to 28 February."""
    return _same_day(day, day.year + years)


def convention_end(signed_on: dt.date, calendar: CampaignCalendar | None = None) -> dt.date:
    """Last day of a PAQTE convention signed on ``signed_on``: the day before its anniversary
    ``convention_years`` later (annex 2: a three-year convention)."""
    years = (calendar or campaign_calendar()).convention_years
    return add_years(signed_on, years) - dt.timedelta(days=1)
