"""A bare viewflow flow for the benchmark's baseline (benchmarks/renewal.py): one Handle node
that loops on itself, so each ``step.run(task)`` is one bare viewflow transition (lock,
complete, create the next task) with no case, FSM or history."""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow

from workflows.cases.flows import QuartiersFlowMixin


class BareFlow(QuartiersFlowMixin, flow.Flow):
    process_title = "Circuit nu (banc d'essai)"

    start = flow.StartHandle().Next(this.step)
    step = flow.Handle().Next(this.step)
