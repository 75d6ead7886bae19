"""The inbox pages: Mes tâches, the département's queue, the CGET review queue — one list of
every case kind, each task linked to the page where it is done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView, TemplateView

from accounts.selectors import department_scope
from notifications.notice_services import notices_mark_read
from notifications.notices import Notice
from reference.exports import Column, ExportMixin, department_label
from workflows.cases.registry import kind_for_code, kinds
from workflows.inbox import search, selectors, services
from workflows.inbox.selectors import TaskRow


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {"department": request.GET.get("departement") or None, "kind": request.GET.get("dossier") or None}


DUE_CHOICES = (
    ("retard", "En retard"),
    ("7", "Dans les 7 jours"),
    ("30", "Dans les 30 jours"),
)


def _tab_filters(request: HttpRequest) -> dict[str, Any]:
    """The filters of the address; a due-date choice is read against today (Signals' on time /
    late filter, ``api/filters/utils.py``)."""
    due = request.GET.get("echeance") or ""
    today = timezone.localdate()
    return {
        **_filters(request),
        "step": request.GET.get("etape") or None,
        "late": due == "retard",
        "due_before": today + dt.timedelta(days=int(due)) if due in ("7", "30") else None,
        "today": today,
    }


TASK_COLUMNS = (
    Column("Tâche", lambda row: str(row.task.title)),
    Column("Type de dossier", lambda row: row.kind_label),
    Column("Dossier", lambda row: row.case_title),
    Column("Département", lambda row: department_label(row.department) if row.department else ""),
    Column("Créée le", lambda row: timezone.localtime(row.task.created)),
    Column("Attribuée à", lambda row: str(row.task.owner) if row.task.owner_id else "—"),
    Column("État", lambda row: row.task.get_status_display()),
)


class _TaskListView(LoginRequiredMixin, ExportMixin, ListView[Any]):
    template_name = "workflows/task_list.html"
    context_object_name = "rows"
    paginate_by = 50
    export_columns = TASK_COLUMNS

    def get_export_rows(self) -> list[TaskRow]:
        return selectors.task_rows(self.get_queryset())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            kinds=[(kind.code, kind.label) for kind in kinds() if kind.flow is not None],
            departments=department_scope(self.request.user).only("code", "name").order_by("code")
            if self.request.user.is_authenticated
            else [],
            current=self.request.GET,
            **kwargs,
        )
        context["rows"] = selectors.task_rows(context["page_obj"].object_list if context.get("page_obj") else [])
        return context


FILTER_NAMES = ("dossier", "etape", "departement", "echeance")


def _toggled(sort: str, code: str) -> str:
    """The sort a column header links to: ascending, or descending when it is already ascending."""
    return f"-{code}" if sort == code else code


TAB_URLS = {
    "a-traiter": "inbox:inbox",
    "file": "inbox:queue",
    "suivis": "inbox:followed",
    "traites": "inbox:done",
    "tous": "inbox:all",
}


class TabView(_TaskListView):
    """One tab of the inbox ("À traiter", "File du département", "Suivis", "Traités par moi",
    "Tous"), each with its count, its filters and a sort through the whitelist of
    ``selectors.SORTS``; the DSFR table and pagination."""

    tab = "a-traiter"
    template_name = "workflows/inbox.html"

    @property
    def export_filename(self) -> str:  # type: ignore[override]
        return f"taches-{self.tab}"

    def get_queryset(self) -> Any:
        tab = selectors.TAB_CODES.get(self.tab)
        if tab is None:
            raise Http404
        tasks = selectors.tasks_filter(
            selectors.tab_tasks(user=self.request.user, tab=self.tab), **_tab_filters(self.request)
        )
        tasks, self.sort = selectors.tasks_sort(tasks, self.request.GET.get("tri"), default=tab.default_sort)
        return selectors.tab_page_tasks(tasks, tab=self.tab)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        counts = selectors.tab_counts(user=self.request.user)
        current_tab = selectors.TAB_CODES[self.tab]
        kept = self.request.GET.copy()
        for name in ("page", "tri"):
            kept.pop(name, None)
        filters = kept.urlencode()
        context.update(
            title=current_tab.label,
            empty=current_tab.empty,
            tab=current_tab,
            tabs=[
                {
                    "code": tab.code,
                    "label": tab.label,
                    "count": counts.get(tab.code, 0),
                    "url": reverse(TAB_URLS[tab.code]) + (f"?{filters}" if filters else ""),
                    "current": tab.code == self.tab,
                }
                for tab in selectors.TABS
            ],
            steps=selectors.step_choices(),
            due_choices=DUE_CHOICES,
            sort=self.sort,
            columns={
                code: {
                    "label": label,
                    "code": code,
                    "aria_sort": (
                        "ascending" if self.sort == code else "descending" if self.sort == f"-{code}" else ""
                    ),
                    "url": "?" + "&".join(part for part in (filters, f"tri={_toggled(self.sort, code)}") if part),
                }
                for code, (_column, label) in selectors.SORTS.items()
            },
            filtered=any(self.request.GET.get(name) for name in FILTER_NAMES),
        )
        page = context.get("page_obj")
        if page is not None:
            page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        return context


class InboxView(TabView):
    tab = "a-traiter"


class QueueView(TabView):
    tab = "file"


class CgetReviewQueueView(_TaskListView):
    export_filename = "revue-cget"
    extra_context = {
        "title": "Envois à examiner par le CGET",
        "empty": "Aucun envoi n'attend l'examen du CGET.",
    }

    def get_queryset(self) -> Any:
        if not selectors.review_permissions(self.request.user):
            raise PermissionDenied
        return selectors.cget_review_queue(user=self.request.user, **_filters(self.request))


class FollowView(LoginRequiredMixin, View):
    """POST: follow (``suivre=1``) or stop following a case of the user's scope (404 otherwise)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        case = selectors.case_in_scope(user=request.user, kind_code=kind, case_pk=pk)
        if case is None:
            raise Http404
        follow = request.POST.get("suivre") == "1"
        services.follow_set(user=request.user, case=case, follow=follow)
        messages.success(request, "Vous suivez ce dossier." if follow else "Vous ne suivez plus ce dossier.")
        target = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = kind_for_code(kind).url(case) or reverse("inbox:followed")  # type: ignore[union-attr]
        return redirect(target)


class NoticeListView(LoginRequiredMixin, ListView[Any]):
    """The user's notices (the bell), newest first; unread ones marked."""

    template_name = "workflows/notices.html"
    context_object_name = "notices"
    paginate_by = 50
    extra_context = {"title": "Avis"}

    def get_queryset(self) -> Any:
        return Notice.objects.filter(recipient_id=self.request.user.pk).select_related("department")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        page = context.get("page_obj")
        if page is not None:
            page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        return context


class NoticeReadView(LoginRequiredMixin, View):
    """POST ``avis=<id>`` (one of one's own notices) or ``tout=1``: marked as read."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        if request.POST.get("tout") == "1":
            notices_mark_read(user=request.user)
        else:
            pks = [int(value) for value in request.POST.getlist("avis") if value.isdigit()]
            notices_mark_read(user=request.user, pks=pks)
        return redirect("inbox:notices")


class SearchView(LoginRequiredMixin, TemplateView):
    """The header's search box: cases of every kind in the user's scope."""

    template_name = "workflows/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        query = (self.request.GET.get("q") or "").strip()
        hits = search.cases_search(user=self.request.user, query=query)
        return super().get_context_data(title="Recherche", query=query, hits=hits, **kwargs)
