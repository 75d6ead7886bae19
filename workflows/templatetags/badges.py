"""DSFR badges (``fr-badge``) for every state and task status a page shows: one tag each, the
tone read from the case kind (``workflows.cases.states``), never from a list of names here."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from workflows.cases import states

register = template.Library()


def _badge(label: Any, tone: str, *, small: bool, id: str) -> SafeString:
    return states.badge_html(label, tone, small=small, id=id)


@register.simple_tag
def state_badge(case: Any, late: bool = False, returned: Any = None, small: bool = True, id: str = "") -> SafeString:
    """``{% state_badge renewal %}``: the case's state in its kind's tone; ``late=True`` (an open
    case past its deadline) says « en retard » too, in red; a case sent back to a state that is
    also reached going forward says « à reprendre » (``returned``: the page's ``case_return``,
    read in the history; without it, read from the case's row: ``states.case_sent_back``)."""
    return states.state_badge_html(
        case, late=late, returned=None if returned is None else bool(returned), small=small, id=id
    )


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
