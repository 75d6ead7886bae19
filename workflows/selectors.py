"""Task inbox and queue, read through viewflow's task manager.

Indexes planned for a million tasks (to add with the first flow's migration, where the
``Task`` rows start to exist; measured in benchmarks/):
- inbox: ``viewflow_task (owner_id, status, created)`` partial on ``status = 'ASSIGNED'``;
- queue: ``viewflow_task (flow_task_type, status, owner_permission, created)`` partial on
  ``status = 'NEW'``, plus a département column on the case joined through the process artifact;
- history: ``(process_id, finished)``.
viewflow's ``user_queue`` matches object permissions against guardian's *generic* tables; our
grants live in direct-foreign-key tables, so the queue is additionally scoped here through the
case's département (``accounts.selectors.scoped``) when the flows land.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from viewflow.workflow.models import Task

from accounts.models import User
from workflows.registry import FLOW_CLASSES


def task_inbox(*, user: User | AnonymousUser) -> QuerySet[Task]:
    """Tasks assigned to the user."""
    if not FLOW_CLASSES:
        return Task.objects.none()
    return Task.objects.inbox(FLOW_CLASSES, user).select_related("process").order_by("-created")


def task_queue(*, user: User | AnonymousUser) -> QuerySet[Task]:
    """Unassigned tasks the user may take."""
    if not FLOW_CLASSES:
        return Task.objects.none()
    return Task.objects.queue(FLOW_CLASSES, user).select_related("process").order_by("created")
