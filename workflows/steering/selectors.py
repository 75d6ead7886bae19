"""Reads on steering meetings, always through the user's département scope (accounts.selectors)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, sees_all_departments
from notifications.campaign import Semester
from reference.models import Department, Region
from workflows.cases.figures import AsOf, Scope
from workflows.steering.figures import COLLEGES_MISSING
from workflows.steering.models import Meeting


def meeting_list(*, user: User | AnonymousUser, department: Department | None = None) -> QuerySet[Meeting]:
    """Meetings the user may see: those of their départements, of the contrats de ville of
    their départements and of the régions of their départements (all for national roles).

    With ``department``: the meetings that concern that département (its own, its contracts',
    its région's)."""
    queryset = Meeting.objects.select_related("department", "region", "city_contract__department")
    if not (user.is_authenticated and user.is_active):
        return queryset.none()
    if not sees_all_departments(user):
        scope = department_scope(user).values("pk")
        queryset = queryset.filter(
            Q(department__in=scope)
            | Q(city_contract__department__in=scope)
            | Q(region__in=Region.objects.filter(departments__in=scope).values("pk"))
        )
    if department is not None:
        queryset = queryset.filter(
            Q(department=department) | Q(city_contract__department=department) | Q(region=department.region_id)
        )
    return queryset.order_by("-year", "-semester", "kind", "pk")


def meeting_get(*, user: User | AnonymousUser, pk: int) -> Meeting:
    """The meeting, or 404 when it does not exist or is outside the user's scope."""
    return get_object_or_404(meeting_list(user=user).prefetch_related("history__actor"), pk=pk)


@dataclass(frozen=True)
class MissingServiceHeads:
    department: Department
    semesters: list[Semester]


def departments_missing_service_heads(
    *, user: User | AnonymousUser, today: datetime.date, department: Department | None = None
) -> list[MissingServiceHeads]:
    """Départements in scope with at least one ended semester (from the campaign's first one to
    ``today``) without a held collège des chefs de service, and those semesters, oldest first:
    the pairs of the dashboard's « collèges manquants » figure (``workflows.steering.figures``).
    Three queries whatever the number of départements."""
    departments = department_scope(user)
    if department is not None:
        departments = departments.filter(pk=department.pk)
    scope = Scope(department_ids=tuple(departments.values_list("pk", flat=True)), as_of=AsOf(day=today))
    missing: dict[int, list[Semester]] = defaultdict(list)
    for pk, semester in COLLEGES_MISSING.pairs(scope):
        missing[pk].append(semester)
    if not missing:
        return []
    flagged = Department.objects.filter(pk__in=missing).select_related("region").order_by("code")
    return [MissingServiceHeads(department=row, semesters=missing[row.pk]) for row in flagged]


def paqte_meetings(*, department: Department) -> QuerySet[Meeting]:
    """The PAQTE steering committees and checkpoints of a département, latest first."""
    return (
        Meeting.objects.filter(kind__in=Meeting.PAQTE_KINDS, department=department)
        .prefetch_related("companies")
        .order_by("-date", "-pk")
    )
