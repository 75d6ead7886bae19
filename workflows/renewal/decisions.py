"""What a renovation task page shows beside its form: its buttons, from the transition table
(the transitions that complete the task's node), and for the prefect's validation and the
CGET's review, the dossier: evaluation, protocol, commitments, documents, history and the
comments of earlier returns (démarches-simplifiées' instructeur page shows the dossier beside
its decision buttons: ``app/views/instructeurs/dossiers/show``)."""

from __future__ import annotations

from typing import Any

from viewflow.workflow.models import Task

from workflows.cases.history import case_returns, timeline
from workflows.renewal.models import Renewal
from workflows.renewal.transitions import TRANSITIONS


def task_decision_context(*, task: Task, renewal: Renewal) -> dict[str, Any]:
    decisions = TRANSITIONS.completing(task.flow_task.name)
    # A decision is a task that ends in one of several transitions (validate or send back,
    # approve or return): read from the table, not from the node's name.
    context: dict[str, Any] = {"decisions": decisions, "is_decision": len(decisions) > 1}
    if len(decisions) < 2:
        return context
    context.update(
        commitments=list(renewal.commitments.select_related("measure_indicator")),
        documents=list(renewal.documents.select_related("uploaded_by")),
        timeline=timeline(renewal),
        returns=case_returns(renewal),
    )
    return context
