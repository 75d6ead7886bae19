"""What a state or a task status says to the eye: the tone of its badge, read from the kind.

The DSFR's system badges (``fr-badge--success``, ``--info``, ``--warning``, ``--error``) carry
one meaning each across the product:

- ``success`` — done: a final state of the kind (``CaseKind.final_states``) or a state the
  transition table leaves no way out of (a signed renovation, a meeting held);
- ``warning`` — returned: a state reached only by transitions whose event is ``returned`` (a
  synthesis « Renvoyée par le CGET »), or a state a return leads to that is also reached going
  forward, while the case was sent back there (``case_sent_back``: a renovation back in
  negotiation, a submission's draft sent back by the valideur), its badge then saying
  « · à reprendre ». A case is created in its initial state (the state field's default): that
  state is reached going forward too, so a new draft is not « renvoyé »;
- ``error`` — late: passed by the caller (``late=True``), the lateness is the deadlines' to say;
- ``info`` — waiting for someone: every other state.

Nothing here names a state or a transition: the targets and the ways out are the FSM methods'
(django-fsm-2 ``source``/``target``) of the transitions the kind's table declares.

Task statuses (viewflow's ``STATUS``) are said in the feminine, a « tâche » being feminine:
« Nouvelle », « Assignée », « Terminée »…
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any, Literal

from django.utils.safestring import SafeString, mark_safe

from viewflow.workflow.status import STATUS

from workflows.cases.registry import CaseKind, kind_of

Tone = Literal["success", "info", "warning", "error"]

DONE: Tone = "success"
WAITING: Tone = "info"
RETURNED: Tone = "warning"
LATE: Tone = "error"


@dataclass(frozen=True)
class _Shape:
    """Which states of a kind are terminal (no way out), which only returns reach, and which a
    return leads to at all (those and the ones also reached going forward)."""

    terminal: frozenset[str]
    returned: frozenset[str]
    return_targets: frozenset[str]


_SHAPES: dict[str, _Shape] = {}


def _shape(kind: CaseKind) -> _Shape:
    if kind.code in _SHAPES:
        return _SHAPES[kind.code]
    field: Any = kind.model._meta.get_field("state")
    states = {str(value) for value, _label in field.choices or []}
    leaving: set[str] = set()
    reached_by_return: set[str] = set()
    # The initial state is where a case starts, not only where a return leads (a draft).
    reached_otherwise: set[str] = {str(field.get_default())} if field.has_default() else set()
    for spec in kind.table:
        meta = getattr(getattr(kind.model, spec.name, None), "_django_fsm", None)
        if meta is None:
            continue
        for source, step in meta.transitions.items():
            target = str(step.target) if step.target is not None else str(source)
            if source == "*":  # django-fsm's ANY_STATE
                leaving |= states
            elif source == "+":  # ANY_OTHER_STATE
                leaving |= states - {target}
            else:
                leaving.add(str(source))
            (reached_by_return if spec.event == "returned" else reached_otherwise).add(target)
    shape = _Shape(
        terminal=frozenset(states - leaving),
        returned=frozenset(reached_by_return - reached_otherwise),
        return_targets=frozenset(reached_by_return),
    )
    _SHAPES[kind.code] = shape
    return shape


def state_tone(kind: CaseKind, state: str, *, late: bool = False, returned: bool = False) -> Tone:
    """The tone of the badge of ``state`` for a case of ``kind`` (see the module's docstring)."""
    shape = _shape(kind)
    if state in kind.final_states or state in shape.terminal:
        return DONE
    if late:
        return LATE
    if returned or state in shape.returned:
        return RETURNED
    return WAITING


# Said of a case sent back to a state also reached going forward (« Brouillon · à reprendre »),
# and alone where a list marks such a case (the inbox's rows).
SENT_BACK = "à reprendre"
SENT_BACK_MARK = "À reprendre"


def case_sent_back(case: Any, kind: CaseKind | None = None) -> bool:
    """The case's last transition was a return (its table's event ``returned``), read from the
    case's row alone, so that a list of fifty cases reads no history: a state only returns reach
    says it (« Renvoyée par le CGET »); a state also reached going forward (the draft a valideur
    sends back, the renovation back in negotiation) says it while the case holds the return's
    reason (``return_comment``): every return writes it, its comment being required, and the
    case reaches those states going forward only before any return (it is created a draft; a
    renovation enters negotiation once, from its evaluation). A case page reads the same from
    the history (``workflows.cases.progress.case_return``); a test walks every kind's returns
    and checks that both agree."""
    shape = _shape(kind or kind_of(case))
    state = str(case.state)
    if state in shape.returned:
        return True
    return state in shape.return_targets and bool(getattr(case, "return_comment", ""))


def state_badge_html(
    case: Any,
    *,
    kind: CaseKind | None = None,
    late: bool = False,
    returned: bool | None = None,
    small: bool = True,
    id: str = "",
) -> SafeString:
    """The case's state as a badge in its kind's tone: « · en retard » when ``late`` (an open
    case past its deadline, in red); « · à reprendre » when it was sent back to a state also
    reached going forward. ``returned``: what the page read of it in the history
    (``case_return``), else it is read from the case's row (``case_sent_back``)."""
    kind = kind or kind_of(case)
    state = str(case.state)
    sent_back = case_sent_back(case, kind) if returned is None else returned
    tone = state_tone(kind, state, late=late, returned=sent_back)
    label = case.get_state_display()
    if tone == LATE:
        label = f"{label} · en retard"
    elif tone == RETURNED and state not in _shape(kind).returned:
        label = f"{label} · {SENT_BACK}"
    return badge_html(label, tone, small=small, id=id)


# viewflow's task statuses, in the feminine (viewflow's French says « Nouveau », « Assigné »).
TASK_STATUS_LABELS: dict[str, str] = {
    STATUS.NEW: "Nouvelle",
    STATUS.ASSIGNED: "Assignée",
    STATUS.STARTED: "Commencée",
    STATUS.SCHEDULED: "Programmée",
    STATUS.DONE: "Terminée",
    STATUS.CANCELED: "Annulée",
    STATUS.ERROR: "En erreur",
    STATUS.REVIVED: "Relancée",
}


def task_status_label(status: Any) -> str:
    """« Nouvelle », « Assignée », « Terminée »… (a task's ``status``)."""
    return TASK_STATUS_LABELS.get(str(status), str(status))


def task_status_tone(status: Any, *, late: bool = False) -> Tone | Literal[""]:
    """Done: success; an error or an open task past its deadline: error; cancelled: no tone (the
    grey badge); open: waiting."""
    status = str(status)
    if status == STATUS.DONE:
        return DONE
    if status == STATUS.ERROR or late:
        return LATE
    if status == STATUS.CANCELED:
        return ""
    return WAITING


def badge_html(label: Any, tone: str, *, small: bool = True, id: str = "") -> SafeString:
    """A DSFR badge, ``<span class="fr-badge fr-badge--sm fr-badge--{tone}">{label}</span>``, built
    here rather than by an inclusion template (one for each badge cost a list of 50 tasks a
    tenth of its rendering): the pages' tags (``workflows.templatetags.badges``) and the inbox's
    rows (``workflows.inbox.rows``) write it."""
    classes = "fr-badge" + (" fr-badge--sm" if small else "") + (f" fr-badge--{_escaped(tone)}" if tone else "")
    # Escaped as ``format_html`` escapes (``html.escape``; a label already HTML is kept), without
    # its lazy-string machinery: a list page writes fifty of them.
    attributes = f'class="{classes}"' + (f' id="{_escaped(id)}"' if id else "")
    return mark_safe(f"<span {attributes}>{_escaped(label)}</span>")  # noqa: S308 (escaped)


def html_escaped(value: Any) -> str:
    """``conditional_escape`` without its lazy-string machinery, for HTML written in Python (badges,
    the inbox's rows, the checklist's items): what is already HTML is kept, anything else escaped as
    Django escapes (``html.escape``, quotes included)."""
    html = getattr(value, "__html__", None)
    return str(html()) if html is not None else escape(str(value))


_escaped = html_escaped


def task_badge_html(task: Any, *, late: bool = False, small: bool = True, id: str = "") -> SafeString:
    """A task's status as a badge: « Nouvelle », « Assignée », « Terminée »… in its tone."""
    tone = task_status_tone(task.status, late=late)
    label = task_status_label(task.status)
    if late and tone == LATE:
        label = f"{label} · en retard"
    return badge_html(label, tone, small=small, id=id)
