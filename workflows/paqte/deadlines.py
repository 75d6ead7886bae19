"""The PAQTE cases keep their campaign deadlines in step (issues #4 and #5).

Called by the PAQTE services inside the transaction that moves the case (``case_transition``,
the charter import), through the service API of ``notifications.services``:

- ``referent-paqte-contact`` (15 February 2019, per département): met when the prefect
  validates the référent's designation, which sends the contact to the CGET (``validate``,
  or ``resubmit`` after a return); reopened when the CGET returns it: the contact is then
  not transmitted any more.
- ``paqte-semester-report`` (each semester, occurrence ``YYYY-S1``/``S2``): met when the report
  of that semester is *submitted* to the CGET, not when it is approved. The reminders go to the
  prefecture (agents, then the valideur); once the report is sent, the review is the CGET's work
  and reminding the prefecture of it would be noise. A return by the CGET reopens it, a
  resubmission meets it again.
- ``paqte-convention-end`` (per convention): created at signature with the convention's own
  ``ends_on`` (the day before the third anniversary, the date the users see); met when the
  convention is renewed or expires (closed); dropped when it is terminated early.
- ``charter-convention-expiry`` (per charter convention): created or updated by the import with
  the charter's ``ends_on``; met once the charter's fate is settled (migrated, declined, expired).
- ``charter-migration`` (January 2020, per département): met when no charter convention of the
  département is still to be handled (active or offered), which includes having none; reopened
  if an import brings a new one. A declined or expired charter counts as handled: the
  prefecture can do nothing more for it, and reminding (then escalating to the CGET) a
  département that cannot act would only teach people to ignore the reminders.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from notifications.services import (
    DeadlineError,
    deadline_mark_met,
    deadline_sync_for_case,
    deadlines_drop_for_case,
    department_deadline_mark_met,
    department_deadline_reopen,
    department_deadlines_follow,
)
from reference.models import Department
from workflows.paqte.models import CharterConvention, PaqteConvention, ReferentDesignation, SemesterReport

REFERENT_CONTACT = "referent-paqte-contact"
SEMESTER_REPORT = "paqte-semester-report"
CONVENTION_END = "paqte-convention-end"
CHARTER_EXPIRY = "charter-convention-expiry"
CHARTER_MIGRATION = "charter-migration"

# Transitions of a submission (référent, report) that send it to the CGET, and the one that undoes it.
SENT_TO_CGET = {"validate", "resubmit"}
RETURNED = {"return_to_prefecture"}
# A charter convention still to be handled by the prefecture.
CHARTER_UNSETTLED = (CharterConvention.State.ACTIVE, CharterConvention.State.OFFERED)
CHARTER_SETTLING = {"migrate", "decline", "expire"}

logger = logging.getLogger(__name__)


def _sync(**kwargs: Any) -> None:
    """``deadline_sync_for_case``, except that a case still moves when no active campaign defines
    the deadline (the administrateur national switched the campaign off): nothing to remind."""
    try:
        deadline_sync_for_case(**kwargs)
    except DeadlineError:
        logger.warning("paqte_deadline_without_campaign code=%s case=%s", kwargs["definition_code"], kwargs["case"].pk)


def deadlines_follow(*, case: Any, transition: str) -> None:
    """The deadline side of transition ``transition``, just applied to ``case`` (saved)."""
    if isinstance(case, PaqteConvention):
        _convention_follow(case, transition)
    elif isinstance(case, CharterConvention):
        if transition in CHARTER_SETTLING:
            deadline_mark_met(case=case, definition_code=CHARTER_EXPIRY)
            charter_migration_follow(departments=Department.objects.filter(pk=case.department_id))
    elif isinstance(case, ReferentDesignation):
        _submission_follow(case, transition, REFERENT_CONTACT, occurrence=None)
    elif isinstance(case, SemesterReport):
        _submission_follow(case, transition, SEMESTER_REPORT, occurrence=f"{case.year}-S{case.half}")


def _convention_follow(convention: PaqteConvention, transition: str) -> None:
    if transition == "sign":
        assert convention.ends_on is not None
        _sync(
            case=convention,
            definition_code=CONVENTION_END,
            department=convention.department,
            base_date=convention.signed_on,
            due_on=convention.ends_on,
        )
    elif transition in ("renew", "expire"):
        deadline_mark_met(case=convention, definition_code=CONVENTION_END)
    elif transition == "terminate":
        deadlines_drop_for_case(case=convention)


def _submission_follow(
    case: ReferentDesignation | SemesterReport, transition: str, code: str, occurrence: str | None
) -> None:
    department = case.department
    if transition in SENT_TO_CGET:
        department_deadline_mark_met(department=department, definition_code=code, occurrence=occurrence)
    elif transition in RETURNED:
        department_deadline_reopen(department=department, definition_code=code, occurrence=occurrence)


def charters_deadlines_sync(*, charters: Iterable[CharterConvention]) -> None:
    """The expiry deadline of each imported charter convention still to be handled."""
    for charter in charters:
        if charter.state in CHARTER_UNSETTLED:
            _sync(
                case=charter,
                definition_code=CHARTER_EXPIRY,
                department=charter.department,
                base_date=charter.ends_on,
                due_on=charter.ends_on,
            )


def charter_migration_follow(*, departments: QuerySet[Department] | None = None) -> tuple[int, int]:
    """Meet the January 2020 migration deadline of every département (default: all) that has no
    charter convention left to handle, reopen it for the others; set-based. Returns (met, reopened)."""
    unsettled = CharterConvention.objects.filter(department=OuterRef("pk"), state__in=CHARTER_UNSETTLED)
    return department_deadlines_follow(
        definition_code=CHARTER_MIGRATION,
        met=Department.objects.exclude(Exists(unsettled)),
        departments=departments,
    )
