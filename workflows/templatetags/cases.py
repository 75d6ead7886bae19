"""Template tags of the case pages: the dossier and the decision buttons of a task page."""

from __future__ import annotations

from typing import Any

from django import template

from workflows.renewal.decisions import task_decision_context

register = template.Library()


@register.simple_tag
def renewal_decision(task: Any, renewal: Any) -> dict[str, Any]:
    return task_decision_context(task=task, renewal=renewal)
