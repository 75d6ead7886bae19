"""Where a case stands, for its banners and stepper, read from its state, its history and its kind's
transition table (never from transition names in templates).

``case_return``: the case is back with its preparers because its last transition is one whose
table event is « returned » (a prefect's or the CGET's return): who sent it back, when, why. Once
it is sent again (or anything else happens) the last transition is another one and the banner goes.

``next_steps``: the states the case may go to from here through the transitions a person runs
(django-fsm-2's declared source → target), each with the table's label of the way there.
"""

from __future__ import annotations

from typing import Any

from workflows.cases.registry import kind_of


def case_return(case: Any) -> dict[str, Any] | None:
    kind = kind_of(case)
    rows = kind.history_read(case)
    if not rows:
        return None
    last = rows[-1]
    spec = kind.table.get(last.transition)
    if spec is None or spec.event != "returned":
        return None
    return {"title": spec.timeline_label, "comment": last.comment, "actor": last.actor, "at": last.at}


def next_steps(case: Any, *, field: str = "state") -> list[tuple[str, str]]:
    """(target state, label of the transition) for each table transition leaving the current state."""
    table = kind_of(case).table
    found = []
    getter = getattr(case, f"get_all_{field}_transitions")
    for step in getter():
        spec = table.get(step.name)
        if spec is None or spec.system or step.source not in (getattr(case, field), "*"):
            continue
        found.append((str(step.target), spec.label))
    return found
