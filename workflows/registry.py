"""The flows whose human tasks appear in the inbox and the queues.

Empty until the first case flow lands (renovation of the contrats de ville). A flow is
added here and must inherit ``QuartiersFlowMixin`` (checked by tests/workflows/test_registry.py).
"""

from __future__ import annotations

from typing import Any

from workflows.paqte.flows import PAQTE_FLOWS

FLOW_CLASSES: list[type[Any]] = []
FLOW_CLASSES += PAQTE_FLOWS  # issue #5: PAQTE
