"""Glue between a synthesis and its viewflow process: start the process with the synthesis,
complete the matching human task when a transition is done (as the PAQTE report does)."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from viewflow.workflow.status import PROCESS

from accounts.models import User
from workflows.flows.base import human_task_complete
from workflows.synthesis.flows import COMPLETED_BY, SynthesisFlow
from workflows.synthesis.models import Synthesis, SynthesisProcess


def workflow_start(*, synthesis: Synthesis) -> SynthesisProcess:
    process: SynthesisProcess = SynthesisFlow.start.run(case=synthesis)
    return process


def process_of(synthesis: Synthesis) -> SynthesisProcess | None:
    return (
        SynthesisProcess.objects.filter(
            artifact_content_type=ContentType.objects.get_for_model(Synthesis),
            artifact_object_id=synthesis.pk,
            status=PROCESS.NEW,
        )
        .order_by("-pk")
        .first()
    )


def workflow_on_transition(*, synthesis: Synthesis, name: str, user: User) -> None:
    process = process_of(synthesis)
    if process is None:  # syntheses created without their flow (bulk data)
        return
    human_task_complete(process=process, node_name=COMPLETED_BY[name], user=user)
