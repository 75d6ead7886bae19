"""DSFR badges (``fr-badge``) for every state and task status a page shows: one tag each, the
tone read from the case kind (``workflows.cases.states``), never from a list of names here."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from workflows.cases import states
from workflows.cases.registry import kind_of

register = template.Library()


def _badge(label: Any, tone: str, *, small: bool, id: str) -> SafeString:
    return states.badge_html(label, tone, small=small, id=id)


@register.simple_tag
def state_badge(case: Any, late: bool = False, returned: bool = False, small: bool = True, id: str = "") -> SafeString:
    """``{% state_badge renewal %}``: the case's state in its kind's tone; ``late=True`` (an open
    case past its deadline) says « en retard » too, in red; ``returned=True`` when the page knows
    the case was sent back to a state that is also reached going forward."""
    tone = states.state_tone(kind_of(case), str(case.state), late=late, returned=returned)
    label = case.get_state_display()
    if tone == states.LATE:
        label = f"{label} · en retard"
    return _badge(label, tone, small=small, id=id)


@register.simple_tag
def task_badge(task: Any, late: bool = False, small: bool = True, id: str = "") -> SafeString:
    """``{% task_badge row.task %}``: « Nouvelle », « Assignée », « Terminée »… in its tone."""
    return states.task_badge_html(task, late=late, small=small, id=id)


@register.simple_tag
def badge(label: Any, tone: str = "", small: bool = True, id: str = "") -> SafeString:
    """A badge of a tone computed elsewhere (``timeline`` rows carry ``source_tone``/``target_tone``)."""
    return _badge(label, tone, small=small, id=id)


@register.filter
def task_status(status: Any) -> str:
    """A task status in the feminine, for text that is not a badge."""
    return states.task_status_label(status)
