"""The inbox pages: Mes tâches, the département's queue, the CGET review queue — one list of
every case kind, each task linked to the page where it is done."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView, TemplateView

from django_fsm import ConcurrentTransition, TransitionNotAllowed

from accounts.selectors import department_scope
from notifications.notice_services import notices_mark_read
from notifications.notices import Notice
from reference.exports import Column, ExportMixin, department_label, export_response
from workflows.cases.registry import CaseRefused, kind_for_code, kinds
from workflows.cases.runner import transition_run
from workflows.cases.states import task_status_label
from workflows.cases.tasks import TaskUnavailable
from workflows.inbox import bulk, decisions, follows, listing, saved_views, search, selectors, services
from workflows.inbox.rows import row_html
from workflows.inbox.selectors import TaskRow

TASK_COLUMNS = (
    Column("Tâche", lambda row: str(row.task.title)),
    Column("Type de dossier", lambda row: row.kind_label),
    Column("Dossier", lambda row: row.case_title),
    Column("Département", lambda row: department_label(row.department) if row.department else ""),
    Column("Créée le", lambda row: timezone.localtime(row.task.created)),
    Column("Attribuée à", lambda row: str(row.task.owner) if row.task.owner_id else "—"),
    Column("État", lambda row: task_status_label(row.task.status)),  # « Assignée »: a task is feminine
)


def _toggled(sort: str, code: str) -> str:
    """The sort a column header links to: ascending, or descending when it is already ascending."""
    return f"-{code}" if sort == code else code


TAB_URLS = listing.TAB_URLS
tab_url = listing.tab_address


class TabView(LoginRequiredMixin, ExportMixin, ListView[Any]):
    """One tab of the inbox ("À traiter", "File du département", "Suivis", "Traités par moi",
    "Tous", and "Revue CGET" for the CGET), each with its count, its filters, columns and a sort
    through the whitelist of ``selectors.SORTS``; the user's saved views as more tabs; the DSFR
    table and pagination; a selection for bulk actions."""

    tab = "a-traiter"
    template_name = "workflows/inbox.html"
    context_object_name = "rows"
    paginate_by = listing.PAGE_SIZE
    export_columns = TASK_COLUMNS

    @property
    def export_filename(self) -> str:  # type: ignore[override]
        return f"taches-{self.tab}"

    def get_export_rows(self) -> list[TaskRow]:
        return selectors.task_rows(self.get_queryset())

    paginator_class = listing.CappedPaginator

    def get_paginator(
        self, queryset: Any, per_page: int, orphans: int = 0, allow_empty_first_page: bool = True, **kwargs: Any
    ) -> Any:
        """Counted as far as it is read; unfiltered, the tab's own count (already read) serves."""
        params = self.request.GET
        known = None
        if not any(params.get(name) for name in listing.FILTER_NAMES):
            known = selectors.tab_counts(user=self.request.user).get(self.tab)
        return listing.CappedPaginator(
            queryset,
            per_page,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
            wanted_page=listing.wanted_page(params),
            known=known,
            **kwargs,
        )

    def get_queryset(self) -> Any:
        if self.tab not in [tab.code for tab in selectors.visible_tabs(self.request.user)]:
            if self.tab in selectors.TAB_CODES:
                raise PermissionDenied
            raise Http404
        tasks, self.sort = listing.list_tasks(user=self.request.user, tab=self.tab, params=self.request.GET)
        return selectors.tab_page_tasks(tasks)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        departments = list(
            department_scope(user)
            .select_related("region")
            .only("code", "name", "region__code", "region__name")
            .order_by("code")
        )
        # The régions of his départements, read with them (no query of their own): the « Région »
        # filter is shown only when they are several (a prefecture keeps its département's filter).
        # Sorted as read (« Île-de-France » among the I, not after « Provence »).
        regions = sorted(
            {department.region for department in departments},
            key=lambda region: unicodedata.normalize("NFD", region.name).encode("ascii", "ignore").lower(),
        )
        context = super().get_context_data(
            kinds=[(kind.code, kind.label) for kind in kinds() if kind.flow is not None],
            departments=departments,
            department_choices=[
                (department.code, f"{department.code} – {department.name}") for department in departments
            ],
            regions=regions if len(regions) > 1 else [],
            region_choices=[(region.code, region.name) for region in regions] if len(regions) > 1 else [],
            current=self.request.GET,
            **kwargs,
        )
        page = context.get("page_obj")
        offset = (page.number - 1) * listing.PAGE_SIZE if page is not None else 0
        counts = selectors.tab_counts(user=user)
        current_tab = selectors.TAB_CODES[self.tab]
        query = listing.list_query(self.request.GET)
        kept = self.request.GET.copy()
        for name in ("page", "tri", "vue"):
            kept.pop(name, None)
        filters = kept.urlencode()
        views = list(saved_views.saved_views_visible(user=user))
        view_counts = saved_views.saved_view_counts(user=user, views=views)
        current_view = next((view for view in views if str(view.pk) == self.request.GET.get("vue")), None)
        rows = selectors.task_rows(page.object_list if page is not None else [])
        shown = listing.list_columns(self.request.GET)
        changed = follows.changed_since_seen(user=user, rows=rows)
        for index, row in enumerate(rows):
            row.link = listing.row_link(row, tab=self.tab, query=query, position=offset + index)  # type: ignore[attr-defined]
            row.followed = row.task.pk in changed  # type: ignore[attr-defined]
            row.changed = changed.get(row.task.pk, False)  # type: ignore[attr-defined]
            row.html = row_html(row, shown=shown, finished=self.tab == "traites")  # type: ignore[attr-defined]
        context.update(
            rows=rows,
            title=current_view.name if current_view else current_tab.label,
            empty=current_tab.empty,
            tab=current_tab,
            tabs=[
                {
                    "code": tab.code,
                    "label": tab.label,
                    "count": counts.get(tab.code, 0),
                    "count_label": selectors.count_label(counts.get(tab.code, 0)),
                    "url": tab_url(tab.code, filters),
                    "current": tab.code == self.tab and current_view is None,
                }
                for tab in selectors.shown_tabs(user)
            ],
            saved_views=[
                {
                    "view": view,
                    "count": view_counts.get(view.pk, 0),
                    "count_label": selectors.count_label(view_counts.get(view.pk, 0)),
                    "url": tab_url(view.tab, "&".join(part for part in (view.query, f"vue={view.pk}") if part)),
                    "current": view == current_view,
                    "mine": view.owner_id == user.pk,
                }
                for view in views
            ],
            current_view=current_view,
            sharing_choices=saved_views.sharing_choices(user),
            list_query=query,
            steps=selectors.step_choices(),
            due_choices=listing.DUE_CHOICES,
            column_choices=listing.COLUMNS,
            shown=shown,
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
            filtered=any(self.request.GET.get(name) for name in listing.FILTER_NAMES),
            bulk_actions=bulk.ACTIONS,
            # Built as HTML (escaped) and kept: 500 options through the template language cost
            # more than the page's queries at the benchmark's size.
            colleague_options=bulk.colleague_options(user=user),
            max_selection=bulk.MAX_SELECTION,
        )
        if page is not None:
            page.pages_list = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
        return context


class InboxView(TabView):
    tab = "a-traiter"


class QueueView(TabView):
    tab = "file"


class CgetReviewQueueView(TabView):
    """The CGET's review: a tab of the same inbox, with the same filters, sort and selection."""

    tab = "revue-cget"

    @property
    def export_filename(self) -> str:  # type: ignore[override]
        return "revue-cget"


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


# --- Saved views --------------------------------------------------------------------------------


class SavedViewSaveView(LoginRequiredMixin, View):
    """POST: save the list shown (``onglet`` and its address in ``liste``) under a name, shared
    or not; with ``vue``: rewrite that view (its owner only) or delete it (``supprimer=1``)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        tab = request.POST.get("onglet") or "a-traiter"
        params = QueryDict(request.POST.get("liste") or "")
        view = None
        if request.POST.get("vue"):
            view = saved_views.saved_view_get(
                user=request.user, pk=int(request.POST["vue"]) if request.POST["vue"].isdigit() else 0
            )
            if view is None:
                raise Http404
        try:
            if view is not None and request.POST.get("supprimer") == "1":
                saved_views.saved_view_delete(user=request.user, view=view)
                messages.success(request, f"La vue « {view.name} » est supprimée.")
                return redirect(tab_url(view.tab))
            view = saved_views.saved_view_save(
                user=request.user,
                name=request.POST.get("nom") or "",
                tab=tab,
                params=params,
                sharing=request.POST.get("partage") or "private",
                view=view,
            )
        except saved_views.SavedViewRefused as refused:
            messages.error(request, f"La vue n'est pas enregistrée : {refused}")
            return redirect(tab_url(tab, listing.list_query(params)) if tab in TAB_URLS else reverse("inbox:inbox"))
        messages.success(request, f"La vue « {view.name} » est enregistrée.")
        return redirect(tab_url(view.tab, "&".join(part for part in (view.query, f"vue={view.pk}") if part)))


# --- Bulk actions -------------------------------------------------------------------------------


class BulkView(LoginRequiredMixin, View):
    """POST a selection of tasks (``tache``, ≤ 500) and an ``action``: done through the kernel
    item by item; a small selection is done at once, a larger one in the background (Celery)
    with a page showing its progress; either way a French summary of what was done and what
    was refused and why. ``action=export`` answers the selection as CSV or XLSX."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        back = request.POST.get("retour") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("inbox:inbox")
        action = request.POST.get("action") or ""
        try:
            pks = bulk.selection_parse(request.POST.getlist("tache"))
        except ValueError as error:
            messages.error(request, str(error))
            return redirect(back)
        if not pks:
            messages.error(request, "Sélectionnez au moins une tâche.")
            return redirect(back)
        if action in ("csv", "xlsx"):
            rows = bulk.selection_rows(user=request.user, task_pks=pks)
            return export_response(
                fmt=action, filename="selection-taches", columns=TASK_COLUMNS, rows=rows, request=request
            )
        if action not in bulk.ACTIONS:
            messages.error(request, "Choisissez une action.")
            return redirect(back)
        to = None
        if action == "confier":
            to = bulk.colleague_get(user=request.user, pk=request.POST.get("collegue"))
            if to is None:
                messages.error(request, "Choisissez le collègue à qui confier les tâches.")
                return redirect(back)
        return bulk_start(request, action=action, pks=pks, to=to, back=back)


class BulkLaunchView(LoginRequiredMixin, View):
    """POST the selected contracts (``contrat``) of a département's renovation table: their
    renovations launched through the kernel, with the same summary."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseBase:
        back = request.POST.get("retour") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("inbox:inbox")
        try:
            pks = bulk.selection_parse(request.POST.getlist("contrat"))
        except ValueError as error:
            messages.error(request, str(error))
            return redirect(back)
        if not pks:
            messages.error(request, "Sélectionnez au moins un contrat.")
            return redirect(back)
        return bulk_start(request, action="lancer", pks=pks, to=None, back=back)


def bulk_start(request: HttpRequest, *, action: str, pks: list[int], to: Any, back: str) -> HttpResponse:
    """At most ``SYNCHRONOUS`` items (``SYNCHRONOUS_LAUNCH`` launches) are done within the
    request (measured, see ``workflows.inbox.bulk``); more go to a Celery task whose progress
    the result page polls."""
    from workflows.inbox import tasks as bulk_tasks

    limit = bulk.SYNCHRONOUS_LAUNCH if action == "lancer" else bulk.SYNCHRONOUS
    if len(pks) <= limit or not bulk.runs_in_background():
        result = bulk.bulk_run(user=request.user, action=action, pks=pks, to=to)
        return render(
            request,
            "workflows/bulk_result.html",
            {"title": "Action groupée", "result": result.as_dict(), "back": back, "finished": True},
        )
    operation = bulk.operation_create(user=request.user, action=action, total=len(pks), back=back)
    bulk_tasks.bulk_run_task.delay(operation, request.user.pk, action, pks, to.pk if to else None)
    return redirect("inbox:bulk_progress", key=operation)


class BulkProgressView(LoginRequiredMixin, View):
    """The page of a background bulk action (its owner only); ``?format=json`` for the polling."""

    def get(self, request: HttpRequest, key: str) -> HttpResponse:
        state = bulk.operation_get(user=request.user, key=key)
        if state is None:
            raise Http404
        if request.GET.get("format") == "json":
            return JsonResponse(state)
        return render(
            request,
            "workflows/bulk_result.html",
            {
                "title": "Action groupée",
                "result": state.get("result"),
                "state": state,
                "back": state.get("back") or reverse("inbox:inbox"),
                "finished": state.get("finished", False),
                "key": key,
            },
        )


# --- Decision screens ---------------------------------------------------------------------------


CONCURRENT_MESSAGE = (
    "Le dossier a été modifié par quelqu'un d'autre pendant votre saisie : rien n'a été enregistré, "
    "votre saisie est conservée ci-dessous."
)


class DecisionView(LoginRequiredMixin, View):
    """The decision screen of a task (``workflows.inbox.decisions``): GET shows the case beside
    the decision; POST runs the chosen transition through the kernel with the task, every
    refusal shown at once and what was typed kept."""

    template_name = "workflows/decision.html"

    def _row(self, request: HttpRequest, task_pk: int) -> TaskRow:
        row = bulk.selection_rows(user=request.user, task_pks=[task_pk], include_done=True)
        if not row or not decisions.is_decision(row[0]):
            raise Http404
        return row[0]

    def _render(
        self,
        request: HttpRequest,
        row: TaskRow,
        *,
        errors: list[str] | None = None,
        comment: str = "",
        status: int = 200,
    ) -> HttpResponse:
        context = decisions.decision_context(row, request.user)
        back = request.POST.get("retour") or request.GET.get("retour") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        context.update(
            title=f"{row.task.title} – {row.kind_label} {row.case_title}",
            errors=errors or [],
            comment=comment,
            back=back,
            done=row.task.status not in ("NEW", "ASSIGNED"),
            case_url=row.kind.url(row.case) if row.kind else "",
        )
        return render(request, self.template_name, context, status=status)

    def get(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        row = self._row(request, task_pk)
        if not decisions.decision_buttons(row, request.user) and row.task.status in ("NEW", "ASSIGNED"):
            raise PermissionDenied
        return self._render(request, row)

    def post(self, request: HttpRequest, task_pk: int) -> HttpResponse:
        row = self._row(request, task_pk)
        buttons = {spec.name: spec for spec in decisions.decision_buttons(row, request.user)}
        name = request.POST.get("decision") or ""
        comment = request.POST.get("comment") or ""
        if name not in buttons:
            if not buttons:
                raise PermissionDenied
            return self._render(request, row, errors=["Choisissez une décision."], comment=comment, status=400)
        try:
            transition_run(
                case=row.case,
                name=name,
                user=request.user,
                comment=comment,
                seen_state=request.POST.get("etat") or None,
                task_pk=row.task.pk,
            )
        except CaseRefused as refused:
            return self._render(request, row, errors=[str(r) for r in refused.reasons], comment=comment, status=400)
        except (TaskUnavailable, PermissionDenied) as gone:
            error = f"{gone} Votre saisie est conservée ci-dessous."
            return self._render(request, row, errors=[error], comment=comment, status=409)
        except (ConcurrentTransition, TransitionNotAllowed):
            return self._render(request, row, errors=[CONCURRENT_MESSAGE], comment=comment, status=409)
        messages.success(request, f"{buttons[name].timeline_label} : {row.kind_label} {row.case_title}.")
        back = request.POST.get("retour") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("inbox:inbox")
        return redirect(back)
