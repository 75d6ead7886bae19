"""Reads on the renovation cases (the inbox of every case kind is ``workflows.inbox``)."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import User
from accounts.selectors import scoped, sees_department
from config.statements import Compiled
from notifications.campaign import campaign_today
from reference.models import CityContract, Department
from workflows.renewal.models import Commitment, Renewal, RenewalDocument


def today() -> datetime.date:
    """The campaign's today (``notifications.campaign``), not the real date."""
    return campaign_today()


def renewal_list(*, user: User | AnonymousUser) -> QuerySet[Renewal]:
    return scoped(Renewal.objects.select_related("city_contract", "department"), user)


# The name ``renewal_get`` gives whether the case names merged contracts (``MERGED_ANY``).
MERGED_ANY = "merged_any"


def _renewal(pk: int) -> QuerySet[Renewal]:
    merged = Renewal.merged_contracts.through.objects.filter(renewal_id=OuterRef("pk"))
    return (
        Renewal.objects.select_related("city_contract", "department")
        .annotate(**{MERGED_ANY: Exists(merged)})
        .filter(pk=pk)
    )


# The case with its contract and département, by id, and whether it merges other contracts
# (the checklist's perimeter rule asked it in a query of its own): every renovation page and
# task page.
_RENEWAL = Compiled(_renewal, int)


def renewal_get(*, user: User | AnonymousUser, pk: int) -> Renewal:
    """The case, or 404 outside the user's département scope (its existence is not disclosed):
    read by its id, then its département checked as ``renewal_list`` would have filtered it."""
    renewal = _RENEWAL.first(pk)
    if renewal is None or not user.is_authenticated or not sees_department(user, renewal.department_id):
        raise Http404
    return renewal


def _open_tasks(pk: int) -> QuerySet[Task]:
    from workflows.renewal.flows import RenewalFlow

    # The case's process by the index of its generic key (content type, id): with the id alone,
    # the plan of the prepared statement walked the whole index (0.8 ms instead of 0.08).
    return (
        Task.objects.filter(
            process__flow_class=RenewalFlow,
            process__artifact_content_type=ContentType.objects.get_for_model(Renewal),
            process__artifact_object_id=pk,
            flow_task_type="HUMAN",
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
        )
        .select_related("process", "owner")
        .order_by("created")
    )


_OPEN_TASKS = Compiled(_open_tasks, int)


_COMMITMENTS = Compiled(
    lambda pk: Commitment.objects.filter(renewal_id=pk).select_related("measure_indicator"),
    int,
)
_DOCUMENTS = Compiled(
    lambda pk: RenewalDocument.objects.filter(renewal_id=pk).select_related("uploaded_by"),
    int,
)


def renewal_rows_read(*, renewal: Renewal, documents: bool = True) -> None:
    """The case's commitments (with their indicators) and documents (with who uploaded them)
    read once for a page that only reads (``prefetch_related``'s cache, compiled statements):
    its lists, the checklist's domains and completeness and the transitions' guards read them."""
    _COMMITMENTS.prefetch_into(renewal, "commitments", renewal.pk)
    if documents:
        _DOCUMENTS.prefetch_into(renewal, "documents", renewal.pk)


def renewal_open_tasks(*, renewal: Renewal) -> list[Task]:
    """The case's open human tasks, oldest first, with their process and owner."""
    return _OPEN_TASKS.all(renewal.pk)


def department_renewals(*, user: User | AnonymousUser, department: Department) -> QuerySet[CityContract]:
    """The contracts of a département with their renovation (if any), for its table."""
    return (
        scoped(CityContract.objects.all(), user)
        .filter(department=department)
        .select_related("renewal")
        .order_by("code")
    )
