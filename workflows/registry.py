"""The flows whose human tasks appear in the inbox and the queues.

A flow is added here and must inherit ``QuartiersFlowMixin`` (checked by
tests/workflows/test_inbox_queue.py). ``CASE_MODELS`` says which case model each flow's
process carries as artifact: the queue is scoped by that case's ``department``.
"""

from __future__ import annotations

from typing import Any

from workflows.flows.renewal import RenewalFlow
from workflows.models import Renewal

FLOW_CLASSES: list[type[Any]] = [RenewalFlow]
CASE_MODELS: dict[type[Any], type[Any]] = {RenewalFlow: Renewal}
