"""What a renovation task page shows beside its form: its buttons, from the transition table
(the transitions that complete the task's node), and for the prefect's validation and the
CGET's review, the dossier: evaluation, protocol, commitments, documents, history and the
comments of earlier returns (démarches-simplifiées' instructeur page shows the dossier beside
its decision buttons: ``app/views/instructeurs/dossiers/show``)."""

from __future__ import annotations

from typing import Any

from viewflow.workflow.models import Task

from workflows.cases.history import timeline
from workflows.renewal.models import Renewal
from workflows.renewal.transitions import KIND, TRANSITIONS

DECISION_NODES = ("validate", "review")


def task_decision_context(*, task: Task, renewal: Renewal) -> dict[str, Any]:
    node = task.flow_task.name
    context: dict[str, Any] = {
        "decisions": TRANSITIONS.completing(node),
        "is_decision": node in DECISION_NODES,
    }
    if node not in DECISION_NODES:
        return context
    returned = [spec.name for spec in TRANSITIONS if spec.event == "returned"]
    history = KIND.history_of(renewal).filter(transition__in=returned).select_related("actor").order_by("-at", "-pk")
    context.update(
        commitments=list(renewal.commitments.select_related("measure_indicator")),
        documents=list(renewal.documents.select_related("uploaded_by")),
        timeline=timeline(renewal),
        returns=[
            {
                "at": row.at,
                "actor": row.actor,
                "action": TRANSITIONS.timeline_label(row.transition),
                "comment": row.comment,
            }
            for row in history
            if row.comment
        ],
    )
    return context
