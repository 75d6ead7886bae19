"""A minimal flow on viewflow's own Process model, for exercising the inbox and queue wiring
before the first case flow lands (no migration needed)."""

from __future__ import annotations

from viewflow import this
from viewflow.workflow import flow
from viewflow.workflow.flow.views import UpdateProcessView

from workflows.flows.base import QuartiersFlowMixin


class DemoFlow(QuartiersFlowMixin, flow.Flow):
    process_title = "Dossier de démonstration"

    start = flow.StartHandle().Next(this.review)
    review = flow.View(UpdateProcessView.as_view(fields=[])).Annotation(title="Relire le dossier").Next(this.end)
    end = flow.End()
