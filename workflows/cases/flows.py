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
