"""Absence cover: a user names a colleague of his département and role, and the dates of his
absence; meanwhile the colleague works the tasks assigned to him and receives his notices.

"Meanwhile" is read on the campaign's clock (``notifications.campaign.campaign_today``), which
the callers pass as ``today`` (accounts is below notifications): a cover holds from
``starts_on`` to ``ends_on`` included and ends with that day. The rule of who may act on a task
is the kernel's (``workflows.cases.tasks.task_may_act``); it asks ``covers`` here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet

from accounts.models import AbsenceCover, User
from config.statements import Compiled

MAX_COVER_DAYS = 366


def _active(today: dt.date) -> Q:
    return Q(starts_on__lte=today, ends_on__gte=today)


def cover_candidates(*, user: Any) -> QuerySet[User]:
    """The colleagues who may cover ``user``: active, same organisation (so same département,
    or the CGET) and same role."""
    if not user.is_authenticated or not user.role or user.organisation_id is None:
        return User.objects.none()
    return (
        User.objects.filter(is_active=True, organisation_id=user.organisation_id, role=user.role)
        .exclude(pk=user.pk)
        .order_by("last_name", "first_name", "email")
    )


_COVERED = Compiled(  # on every « À traiter »: compiled once (``config.statements``)
    lambda colleague, today: (
        AbsenceCover.objects.filter(_active(today), colleague_id=colleague, colleague__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    ),
    int,
    dt.date,
)


def covered_user_ids(*, user: Any, today: dt.date) -> list[int]:
    """The users whose absence ``user`` covers today (their tasks show in his « À traiter »).
    Read once per request (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return []
    cache: dict[dt.date, list[int]] = user.__dict__.setdefault("_covered_user_ids", {})
    if today not in cache:
        cache[today] = _COVERED.all(user.pk, today)
    return cache[today]


def covers(*, user: Any, owner_id: int | None, today: dt.date) -> bool:
    """``user`` covers the absence of the user ``owner_id`` today."""
    return owner_id is not None and owner_id in covered_user_ids(user=user, today=today)


def cover_of(*, user: Any, today: dt.date) -> AbsenceCover | None:
    """The cover of ``user``'s absence today, if any (the first one named)."""
    return (
        AbsenceCover.objects.filter(_active(today), user_id=user.pk, colleague__is_active=True)
        .select_related("colleague")
        .order_by("created_at", "pk")
        .first()
    )


def covers_redirect(*, users: list[Any], today: dt.date) -> list[tuple[Any, Any]]:
    """For each user, who receives what is addressed to him today: himself, or the colleague
    covering his absence (then ``(colleague, absent user)``; else ``(user, None)``). One query."""
    if not users:
        return []
    found: dict[int, Any] = {}
    for cover in (
        AbsenceCover.objects.filter(_active(today), user_id__in=[user.pk for user in users], colleague__is_active=True)
        .select_related("colleague")
        .order_by("-created_at", "-pk")
    ):
        found[cover.user_id] = cover.colleague  # the first named wins (read last)
    return [(found[user.pk], user) if user.pk in found else (user, None) for user in users]


def user_covers(*, user: Any, today: dt.date) -> QuerySet[AbsenceCover]:
    """The user's absences that are not over yet, and those he covers."""
    return (
        AbsenceCover.objects.filter(Q(user_id=user.pk) | Q(colleague_id=user.pk), ends_on__gte=today)
        .select_related("user", "colleague")
        .order_by("starts_on", "pk")
    )


def cover_create(*, user: Any, colleague: Any, starts_on: dt.date, ends_on: dt.date, today: dt.date) -> AbsenceCover:
    """Name a colleague (same département and role) to cover one's absence; French refusals."""
    errors = []
    if colleague is None or not cover_candidates(user=user).filter(pk=colleague.pk).exists():
        errors.append("Choisissez un collègue actif de votre service ayant le même rôle que vous.")
    if ends_on < starts_on:
        errors.append("La date de fin précède la date de début.")
    elif ends_on < today:
        errors.append("Cette absence est déjà terminée.")
    elif (ends_on - starts_on).days >= MAX_COVER_DAYS:
        errors.append("Une absence se déclare pour un an au plus.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return AbsenceCover.objects.create(user=user, colleague=colleague, starts_on=starts_on, ends_on=ends_on)


def cover_end(*, user: Any, pk: int, today: dt.date) -> None:
    """The absent user ends his cover (it no longer holds from today; a future one is removed)."""
    with transaction.atomic():
        cover = AbsenceCover.objects.select_for_update().filter(user_id=user.pk, pk=pk).first()
        if cover is None:
            raise ValidationError("Absence introuvable.")
        if cover.starts_on >= today:
            cover.delete()
        else:
            cover.ends_on = today - dt.timedelta(days=1)
            cover.save(update_fields=["ends_on"])
