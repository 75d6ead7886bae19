"""The PAQTE deadlines that follow sets of cases rather than one transition (the transitions'
own deadline effects are in ``workflows.paqte.transitions``).

- ``charter-convention-expiry`` (per charter convention): created or updated by the import with
  the charter's ``ends_on``;
- ``charter-migration`` (the campaign's migration date, per département): met when no charter convention of the
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
    deadline_sync_for_case,
    department_deadlines_follow,
)
from reference.models import Department
from workflows.paqte.models import CharterConvention

CHARTER_EXPIRY = "charter-convention-expiry"
CHARTER_MIGRATION = "charter-migration"

# A charter convention still to be handled by the prefecture.
CHARTER_UNSETTLED = (CharterConvention.State.ACTIVE, CharterConvention.State.OFFERED)

logger = logging.getLogger(__name__)


def _sync(**kwargs: Any) -> None:
    """``deadline_sync_for_case``, except that a case still moves when no active campaign defines
    the deadline (the administrateur national switched the campaign off): nothing to remind."""
    try:
        deadline_sync_for_case(**kwargs)
    except DeadlineError:
        logger.warning("paqte_deadline_without_campaign code=%s case=%s", kwargs["definition_code"], kwargs["case"].pk)


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
    """Meet the « charter-migration » deadline of every département (default: all) that has no
    charter convention left to handle, reopen it for the others; set-based. Returns (met, reopened)."""
    unsettled = CharterConvention.objects.filter(department=OuterRef("pk"), state__in=CHARTER_UNSETTLED)
    return department_deadlines_follow(
        definition_code=CHARTER_MIGRATION,
        met=Department.objects.exclude(Exists(unsettled)),
        departments=departments,
    )
