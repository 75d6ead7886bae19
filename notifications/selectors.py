"""Reads on deadlines: always through ``accounts.selectors.scoped`` (the one scope)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import scoped
from notifications.models import CalendarToken, Deadline, NotificationPreference


def deadline_list(
    *, user: User | AnonymousUser, since: dt.date | None = None, include_met: bool = False
) -> QuerySet[Deadline]:
    """The deadlines of what ``user`` may see, by date. National deadlines (no département)
    are for national roles only, as ``scoped`` decides."""
    deadlines = Deadline.objects.select_related("department", "definition").filter(definition__campaign__is_active=True)
    if since is not None:
        deadlines = deadlines.filter(due_on__gte=since)
    if not include_met:
        deadlines = deadlines.filter(met_at__isnull=True)
    return scoped(deadlines, user).order_by("due_on", "department__code", "id")


def preference_get(*, user: User) -> NotificationPreference:
    """The user's preference, unsaved default (immediate) when never chosen."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def calendar_token_get(*, user: User) -> CalendarToken | None:
    return CalendarToken.objects.filter(user=user).first()


def calendar_owner(*, token: str) -> User | None:
    """The active user a feed secret belongs to, or None (unknown, revoked or inactive)."""
    found = CalendarToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
    return found.user if found else None
