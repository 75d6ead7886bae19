"""Reads on steering meetings, always through the user's département scope (accounts.selectors)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import department_scope, sees_all_departments
from notifications.campaign import Semester, campaign_calendar, ended_semesters
from reference.models import Department, Region
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


def _held_in_period(semesters: list[Semester], prefix: str = "") -> Q:
    last_year, last_semester = semesters[-1]
    return Q(**{f"{prefix}kind": Meeting.Kind.SERVICE_HEADS, f"{prefix}state": Meeting.State.HELD}) & (
        Q(**{f"{prefix}year__gte": campaign_calendar().first_year, f"{prefix}year__lt": last_year})
        | Q(**{f"{prefix}year": last_year, f"{prefix}semester__lte": last_semester})
    )


def departments_missing_service_heads(
    *, user: User | AnonymousUser, today: datetime.date, department: Department | None = None
) -> list[MissingServiceHeads]:
    """Départements in scope with at least one ended semester (from the 1st of 2019 to ``today``)
    without a held collège des chefs de service, and those semesters, oldest first.

    Set-based: one query counts the held collèges per département (at most one per semester,
    a unique constraint) and keeps those below the number of ended semesters, one more fetches
    their held collèges."""
    semesters = ended_semesters(today=today)
    if not semesters:
        return []
    departments = department_scope(user)
    if department is not None:
        departments = departments.filter(pk=department.pk)
    flagged = (
        departments.annotate(
            held_count=Count("steering_meetings", filter=_held_in_period(semesters, "steering_meetings__"))
        )
        .filter(held_count__lt=len(semesters))
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "steering_meetings",
                queryset=Meeting.objects.filter(_held_in_period(semesters)).only(
                    "pk",
                    "department",
                    "state",
                    "year",
                    "semester",  # ConcurrentTransitionMixin reads the state
                ),
                to_attr="held_service_heads",
            )
        )
        .order_by("code")
    )
    result = []
    for row in flagged:
        held = {(m.year, m.semester) for m in row.held_service_heads}
        result.append(MissingServiceHeads(department=row, semesters=[s for s in semesters if s not in held]))
    return result


def paqte_meetings(*, department: Department) -> QuerySet[Meeting]:
    """The PAQTE steering committees and checkpoints of a département, latest first."""
    return (
        Meeting.objects.filter(kind__in=Meeting.PAQTE_KINDS, department=department)
        .prefetch_related("companies")
        .order_by("-date", "-pk")
    )
