"""The inbox pages: Mes tâches, the département's queue, the CGET review queue — one list of
every case kind, each task linked to the page where it is done."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.views.generic import ListView

from accounts.selectors import department_scope
from reference.exports import Column, ExportMixin, department_label
from workflows.cases.registry import kinds
from workflows.inbox import selectors
from workflows.inbox.selectors import TaskRow


def _filters(request: HttpRequest) -> dict[str, Any]:
    return {"department": request.GET.get("departement") or None, "kind": request.GET.get("dossier") or None}


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


class InboxView(_TaskListView):
    export_filename = "mes-taches"
    extra_context = {"title": "Mes tâches", "empty": "Aucune tâche ne vous est attribuée."}

    def get_queryset(self) -> Any:
        return selectors.task_inbox(user=self.request.user, **_filters(self.request))


class QueueView(_TaskListView):
    export_filename = "file-d-attente"
    extra_context = {"title": "File d'attente", "empty": "Aucune tâche en attente dans votre périmètre."}

    def get_queryset(self) -> Any:
        return selectors.task_queue(user=self.request.user, **_filters(self.request))


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
