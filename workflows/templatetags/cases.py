"""Template tags of the case pages: the dossier and the decision buttons of a task page, the
decision screen's required comment."""

from __future__ import annotations

from typing import Any

from django import template

from workflows.renewal.decisions import task_decision_context

register = template.Library()


@register.simple_tag
def renewal_decision(task: Any, renewal: Any) -> dict[str, Any]:
    return task_decision_context(task=task, renewal=renewal)


@register.simple_tag(takes_context=True)
def reason_missing(context: template.Context, buttons: list[Any], comment: str, errors: list[str]) -> Any:
    """The decision (a ``Transition`` among ``buttons``) the screen's POST chose and that was refused
    for want of its required comment (``comment_required``, nothing but spaces typed), else
    ``None``: the comment's field then shows the refusal beside it."""
    request = context.get("request")
    if not errors or request is None or request.method != "POST" or (comment or "").strip():
        return None
    name = request.POST.get("decision")
    return next((spec for spec in buttons if spec.name == name and spec.comment_required), None)
