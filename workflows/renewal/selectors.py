"""Reads on the renovation cases (the inbox of every case kind is ``workflows.inbox``)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.selectors import scoped
from notifications.campaign import campaign_today
from reference.models import CityContract, Department
from workflows.renewal.models import Renewal


def today() -> datetime.date:
    """The campaign's today (``notifications.campaign``), not the real date."""
    return campaign_today()


def renewal_list(*, user: User | AnonymousUser) -> QuerySet[Renewal]:
    return scoped(Renewal.objects.select_related("city_contract", "department"), user)


def renewal_get(*, user: User | AnonymousUser, pk: int) -> Renewal:
    """The case, or 404 outside the user's département scope (its existence is not disclosed)."""
    return get_object_or_404(renewal_list(user=user), pk=pk)


def renewal_open_tasks(*, renewal: Renewal) -> QuerySet[Task]:
    from workflows.renewal.flows import RenewalFlow

    return (
        Task.objects.filter(
            process__flow_class=RenewalFlow,
            process__artifact_object_id=renewal.pk,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
        .select_related("process", "owner")
        .order_by("created")
    )


def department_renewals(*, user: User | AnonymousUser, department: Department) -> QuerySet[CityContract]:
    """The contracts of a département with their renovation (if any), for its table."""
    return (
        scoped(CityContract.objects.all(), user)
        .filter(department=department)
        .select_related("renewal")
        .order_by("code")
    )
