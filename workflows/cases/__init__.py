"""The case kernel: what every case kind of Quartiers is built on.

- ``registry``: each case kind (renovation, PAQTE convention, charter, référent, report, synthesis,
  meeting) registered once with its model, flow, transition table and history;
- ``transitions``: how a transition table is declared (``Transition``, ``DeadlineEffect``);
- ``runner``: the one way a transition runs (lock, checks, FSM method, history, deadlines, task,
  events);
- ``tasks``: the one glue between a case and its viewflow process;
- ``history``: the append-only base of every case history;
- ``events``: the signal sent, after commit, for each transition that emits an event.

The kernel imports no case kind (import-linter contract in ``pyproject.toml``).
"""
