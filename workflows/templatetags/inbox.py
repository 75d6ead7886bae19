"""The navigation's counts: what is waiting for the user, read once per request."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from notifications.notice_services import notices_unread_count
from workflows.inbox import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_counts(context: Any) -> dict[str, Any]:
    """« 3 », or « 500+ » past the cap (``selectors.COUNT_CAP``); ``national`` for a user of no
    département (his inbox shows no « File du département », so the navigation no « File
    d'attente »: the référent CGET's queue is the « Revue CGET »)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = selectors.tab_counts(user=user, only=("a-traiter", "file"))
    return {
        "todo": selectors.count_label(counts.get("a-traiter", 0)),
        "queue": selectors.count_label(counts.get("file", 0)),
        "national": "file" not in {tab.code for tab in selectors.shown_tabs(user)},
    }


@register.simple_tag(takes_context=True)
def notices_unread(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notices_unread_count(user=user)


@register.inclusion_tag("workflows/partials/case_bar.html", takes_context=True)
def case_bar(context: Any, case: Any) -> dict[str, Any]:
    """Above every case page: « Suivre ce dossier » (or stop), and when the page was opened
    from a list of the inbox, the previous and next case of that list (its address kept).
    Opening the page is the follower's visit (« modifié depuis votre dernière visite »)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated or case is None:
        return {}
    from workflows.cases.registry import kind_of
    from workflows.inbox import listing, services

    try:
        kind = kind_of(case)
    except LookupError:
        return {}
    followed = selectors.case_followed(user=user, case=case)
    if followed:
        services.follow_seen(user=user, case=case)
    nav: dict[str, Any] | None = None
    params = request.GET
    tab, position, task_pk = params.get("liste", ""), params.get("pos", ""), params.get("tache", "")
    if tab in selectors.TAB_CODES and position.isdigit() and task_pk.isdigit():
        neighbours = listing.list_neighbours(
            user=user, tab=tab, params=params, position=int(position), task_pk=int(task_pk)
        )
        query = listing.list_query(params)
        page = int(position) // listing.PAGE_SIZE + 1
        back = listing.tab_address(tab, "&".join(part for part in (query, f"page={page}" if page > 1 else "") if part))
        nav = {"back": back}
        if neighbours is not None:
            nav.update(
                previous=listing.row_link(neighbours.previous, tab=tab, query=query, position=neighbours.position - 1)
                if neighbours.previous
                else "",
                previous_title=neighbours.previous.case_title if neighbours.previous else "",
                next=listing.row_link(neighbours.next, tab=tab, query=query, position=neighbours.position + 1)
                if neighbours.next
                else "",
                next_title=neighbours.next.case_title if neighbours.next else "",
            )
    return {
        "followed": followed,
        "follow_url": reverse("inbox:follow", args=[kind.code, case.pk]),
        "here": request.get_full_path(),
        "nav": nav,
        "csrf_token": context.get("csrf_token"),
    }
