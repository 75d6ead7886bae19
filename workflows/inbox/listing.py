"""A list of the inbox: one tab, its filters, its sort and its columns, read from an address.

The same list is read by the tab's page, a saved view (its ``query``), the previous / next case
links of a case page opened from the list (démarches-simplifiées' ``next`` / ``previous``
routes), and a bulk action on "every task of the list": so they all see the same tasks, in the
same order, scoped the same way (``selectors.tab_tasks``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, cast
from urllib.parse import quote

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse

from viewflow.workflow.models import Task

from accounts.selectors import sees_all_departments
from notifications.campaign import campaign_today
from workflows.inbox import selectors
from workflows.inbox.selectors import AnyUser, TaskRow

# ``region``: a région's départements (INSEE code), for the national users (the select is shown
# to those whose scope spans several régions); like every filter, it narrows the user's scope.
FILTER_NAMES = ("dossier", "etape", "departement", "region", "echeance")
# What a list is made of (kept by a saved view and by the previous / next links).
LIST_PARAMS = (*FILTER_NAMES, "tri", "colonnes")
PAGE_SIZE = 50

DUE_CHOICES = (
    ("retard", "En retard"),
    ("risque", "À risque (alerte précoce)"),
    ("7", "Dans les 7 jours"),
    ("30", "Dans les 30 jours"),
)

# The optional columns of the table (the task's title is always shown): code → header.
COLUMNS: dict[str, str] = {
    "dossier": "Dossier",
    "departement": "Département",
    "date": "Date",
    "attribuee": "Attribuée à",
    "etat": "État",
}


TAB_URLS = {
    "a-traiter": "inbox:inbox",
    "file": "inbox:queue",
    "suivis": "inbox:followed",
    "traites": "inbox:done",
    "tous": "inbox:all",
    "revue-cget": "inbox:cget_review_queue",
}


def tab_address(tab: str, query: str = "") -> str:
    """The address of a tab (and of a list: the tab with its query)."""
    return reverse(TAB_URLS[tab]) + (f"?{query}" if query else "")


def list_filters(params: Mapping[str, Any]) -> dict[str, Any]:
    """The filters of the address; a due-date choice is read against the campaign's today
    (Signals' on time / late filter, ``api/filters/utils.py``)."""
    due = params.get("echeance") or ""
    today = campaign_today()
    return {
        "department": params.get("departement") or None,
        "region": params.get("region") or None,
        "kind": params.get("dossier") or None,
        "step": params.get("etape") or None,
        "late": due == "retard",
        "at_risk": due == "risque",
        "due_before": today + dt.timedelta(days=int(due)) if due in ("7", "30") else None,
        "today": today,
    }


def list_columns(params: QueryDict) -> list[str]:
    """The optional columns shown, in the table's order (all of them unless chosen)."""
    chosen = [code for code in params.getlist("colonnes") if code in COLUMNS]
    return [code for code in COLUMNS if code in chosen] if chosen else list(COLUMNS)


def list_query(params: QueryDict) -> str:
    """The address part that makes the list (no page, no saved-view marker), for a saved view
    or a link that comes back to the list."""
    kept = QueryDict(mutable=True)
    for name in LIST_PARAMS:
        values = [value for value in params.getlist(name) if value]
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


class CappedPaginator(Paginator):
    """The inbox's pages: the list is counted only as far as it is read, like the tabs
    (``selectors.COUNT_CAP`` rows, or up to the page asked for), so that a national list of
    tens of thousands of tasks is not counted to its end on every page. ``known``: the count
    already read (the tab's, unfiltered), used when it is exact. Past the cap, the page says
    « 500+ » and the last page is the next one read."""

    def __init__(self, *args: Any, wanted_page: int = 1, known: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.reach = max(selectors.COUNT_CAP, wanted_page * self.per_page)
        self.known = known

    @cached_property
    def count(self) -> int:
        # The tab's count is this one when exact, or when this page is within its cap.
        if self.known is not None and (self.known <= selectors.COUNT_CAP or self.reach == selectors.COUNT_CAP):
            return self.known
        return selectors.capped_count(cast(QuerySet[Task], self.object_list), cap=self.reach)

    @property
    def capped(self) -> bool:
        return self.count > self.reach

    @property
    def count_label(self) -> str:
        return selectors.count_label(self.count, cap=self.reach)


def wanted_page(params: Mapping[str, Any]) -> int:
    page = str(params.get("page") or "1")
    return int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1


def list_tasks(*, user: AnyUser, tab: str, params: Mapping[str, Any]) -> tuple[QuerySet[Task], str]:
    """The tasks of the list, sorted (whitelisted sort), and the sort applied."""
    found = selectors.TAB_CODES[tab]
    tasks = selectors.tasks_filter(selectors.tab_tasks(user=user, tab=tab), **list_filters(params))
    few = user.is_authenticated and not sees_all_departments(user)
    return selectors.tasks_sort(tasks, params.get("tri"), default=found.default_sort, few=few)


@dataclass
class Neighbours:
    previous: TaskRow | None
    next: TaskRow | None
    position: int
    count: int | None = None


def list_neighbours(*, user: AnyUser, tab: str, params: QueryDict, position: int, task_pk: int) -> Neighbours | None:
    """The tasks before and after the one at ``position`` of the list (``None``: it is no longer
    there, the list changed meanwhile and it is not within a page of where it was)."""
    if tab not in selectors.TAB_CODES or position < 0:
        return None
    tasks, _sort = list_tasks(user=user, tab=tab, params=params)
    start = max(position - 1, 0)
    window = list(tasks.values_list("pk", flat=True)[start : position + 2])
    if task_pk not in window:  # moved: look for it within a page around where it was
        start = max(position - PAGE_SIZE, 0)
        window = list(tasks.values_list("pk", flat=True)[start : position + PAGE_SIZE + 1])
        if task_pk not in window:
            return None
    index = window.index(task_pk)
    before = window[index - 1] if index > 0 else None
    after = window[index + 1] if index + 1 < len(window) else None
    around = [before, after]
    wanted = [pk for pk in around if pk is not None]
    rows = (
        {row.task.pk: row for row in selectors.task_rows(selectors.tab_page_tasks(Task.objects.filter(pk__in=wanted)))}
        if wanted
        else {}
    )
    return Neighbours(
        previous=rows.get(around[0]) if around[0] else None,
        next=rows.get(around[1]) if around[1] else None,
        position=start + index,
    )


def row_link(row: TaskRow, *, tab: str, query: str, position: int) -> str:
    """The row's page, remembering the list it was opened from (for previous / next)."""
    from workflows.inbox.decisions import decision_url

    url = decision_url(row) or row.url
    if not url:
        return ""
    marker = f"liste={quote(tab, safe='')}&pos={int(position)}&tache={int(row.task.pk)}"
    return f"{url}?{marker}" + (f"&{query}" if query else "")
