"""What every Quartiers flow shares.

``lock_impl`` is set explicitly to viewflow's select-for-update lock: two agents completing
the same task serialise on the process row in PostgreSQL (viewflow/workflow/lock.py), and
parallel branches joining stay consistent. viewflow's default is ``no_lock``.

``Decision``: a human task whose outcome chooses the next node (the prefect's validation, the
CGET's review). viewflow's ``If`` gateway after a task writes a task row of its own (an insert,
its link to the previous task, a savepoint, an update) for every decision; a ``Decision`` reads
its condition once its own task is done and creates the next task directly
(benchmarks/RESULTS.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from viewflow import this
from viewflow.workflow import flow, lock
from viewflow.workflow.activation import Activation
from viewflow.workflow.base import Edge
from viewflow.workflow.nodes.view import ViewActivation


class QuartiersFlowMixin:
    lock_impl: Any = lock.select_for_update_lock


class DecisionActivation(ViewActivation):
    @Activation.status.super()
    def create_next(self) -> Iterator[Activation]:
        node = self.flow_task._next if self.flow_task._condition(self) else self.flow_task._else
        if node is not None:
            yield node._create(self, self.task.token)


class Decision(flow.View):
    """``Decision(view, condition).Next(node).Else(other)``: once the task is done, ``node`` if
    ``condition(activation)`` holds (it reads the case the task's transition just moved), else
    ``other``."""

    activation_class = DecisionActivation

    def __init__(self, view: Any, condition: Any, **kwargs: Any) -> None:
        super().__init__(view, **kwargs)
        self._condition = condition
        self._else: Any = None

    def Else(self, node: Any) -> Decision:  # viewflow's builder style
        self._else = node
        return self

    def _resolve(self, instance: Any) -> None:
        super()._resolve(instance)
        self._condition = this.resolve(self.flow_class.instance, self._condition)
        self._else = this.resolve(instance, self._else)

    def _outgoing(self) -> Iterator[Edge]:
        if self._next:
            yield Edge(src=self, dst=self._next, edge_class="cond_true", label="yes")
        if self._else:
            yield Edge(src=self, dst=self._else, edge_class="cond_false", label="no")
