"""Helpers for the reminder tests: deadlines of the 2019 campaign shipped by the data migration
notifications 0002_campaign_2019."""

from __future__ import annotations

import datetime as dt

from notifications.models import Campaign, Deadline, DeadlineDefinition, ReminderRule
from reference.models import Department


def campaign_2019() -> Campaign:
    return Campaign.objects.get(code="2019")


def definition(code: str) -> DeadlineDefinition:
    return DeadlineDefinition.objects.get(campaign__code="2019", code=code)


def make_deadline(
    department: Department | None, due_on: dt.date, *, code: str = "synthesis", title: str | None = None
) -> Deadline:
    return Deadline.objects.create(
        definition=definition(code),
        department=department,
        key=f"test:{code}:{department.pk if department else 'nat'}:{due_on}:{Deadline.objects.count()}",
        title=title or f"Échéance d'essai du {due_on:%d/%m/%Y}",
        due_on=due_on,
        link_path="/taches/",
    )


def only_rules(*names: str) -> None:
    """Keep only some of the default rules active (the others are switched off)."""
    ReminderRule.objects.exclude(name__in=names).update(is_active=False)
    ReminderRule.objects.filter(name__in=names).update(is_active=True)
