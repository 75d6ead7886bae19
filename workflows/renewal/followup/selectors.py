"""Reads on the commitment follow-ups, always through ``accounts.selectors.scoped``: a
follow-up belongs to the département of its renovation case (404 outside the scope)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.selectors import scoped
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.models import Renewal

DEPARTMENT_FIELD = "commitment__renewal__department"


def follow_up_list(*, user: User | AnonymousUser, renewal: Renewal | None = None) -> QuerySet[CommitmentFollowUp]:
    follow_ups = CommitmentFollowUp.objects.select_related(
        "commitment__renewal__city_contract", "commitment__renewal__department", "recorded_by"
    )
    if renewal is not None:
        follow_ups = follow_ups.filter(commitment__renewal=renewal)
    return scoped(follow_ups, user, department_field=DEPARTMENT_FIELD).order_by("due_on", "commitment_id", "id")


def follow_up_get(*, user: User | AnonymousUser, pk: int) -> CommitmentFollowUp:
    return get_object_or_404(follow_up_list(user=user), pk=pk)


def is_late(follow_up: CommitmentFollowUp, today: dt.date) -> bool:
    return not follow_up.is_recorded and follow_up.due_on < today
