"""The navigation's counts: what is waiting for the user, read once per request."""

from __future__ import annotations

from typing import Any

from django import template

from notifications.notice_services import notices_unread_count
from workflows.inbox import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context: Any) -> dict[str, int]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = selectors.tab_counts(user=user, only=("a-traiter", "file"))
    return {"todo": counts.get("a-traiter", 0), "queue": counts.get("file", 0)}


@register.simple_tag(takes_context=True)
def notices_unread(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notices_unread_count(user=user)
