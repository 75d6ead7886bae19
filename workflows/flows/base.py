"""What every Quartiers flow shares.

``lock_impl`` is set explicitly to viewflow's select-for-update lock: two agents completing
the same task serialise on the process row in PostgreSQL (viewflow/workflow/lock.py), and
parallel branches joining stay consistent. viewflow's default is ``no_lock``.
"""

from __future__ import annotations

from typing import Any

from viewflow.workflow import lock


class QuartiersFlowMixin:
    lock_impl: Any = lock.select_for_update_lock


def human_task_complete(*, process: Any, node_name: str, user: Any) -> int:
    """Complete the open human task ``node_name`` of ``process`` on behalf of ``user`` (taking
    it first if nobody has): for cases whose tasks are finished by a transition done on the
    case's page. Returns the number of tasks completed. The same steps as the PAQTE glue
    (``workflows.paqte.workflow``), which keeps its own copy for now."""
    from viewflow.workflow.models import Task
    from viewflow.workflow.status import STATUS

    done = 0
    with process.flow_class.lock(process.pk):
        tasks = Task.objects.filter(
            process=process,
            status__in=[STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED],
            flow_task_type="HUMAN",
        ).order_by("pk")
        for task in tasks:
            if task.flow_task.name != node_name:
                continue
            activation = task.flow_task.activation_class(task)
            if task.status == STATUS.NEW:
                activation.assign(user)
            if task.status == STATUS.ASSIGNED:
                activation.start(None)
            activation.execute()
            done += 1
    return done
