"""The flows whose human tasks appear in the inbox and the queues.

A flow is added here and must inherit ``QuartiersFlowMixin`` (checked by
tests/workflows/test_inbox_queue.py). ``CASE_MODELS`` says which case model each flow's
process carries as artifact: the queue is scoped by that case's ``department``. The PAQTE
flows are not in it yet: their prefecture tasks are scoped by ``workflows.paqte.selectors``
and listed on /paqte/taches/ (viewflow's own rules apply to them on the shared pages).
"""

from __future__ import annotations

from typing import Any

from workflows.flows.renewal import RenewalFlow
from workflows.models import Renewal
from workflows.paqte.flows import PAQTE_FLOWS
from workflows.synthesis.flows import SynthesisFlow
from workflows.synthesis.models import Synthesis

FLOW_CLASSES: list[type[Any]] = [RenewalFlow, *PAQTE_FLOWS, SynthesisFlow]
CASE_MODELS: dict[type[Any], type[Any]] = {RenewalFlow: Renewal, SynthesisFlow: Synthesis}
