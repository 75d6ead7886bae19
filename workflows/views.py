from __future__ import annotations

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView

from viewflow.workflow.models import Task

from workflows.selectors import task_inbox, task_queue


class InboxView(LoginRequiredMixin, ListView[Task]):
    template_name = "workflows/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50
    extra_context = {"title": "Mes tâches", "empty": "Aucune tâche ne vous est attribuée."}

    def get_queryset(self) -> Any:
        return task_inbox(user=self.request.user)


class QueueView(LoginRequiredMixin, ListView[Task]):
    template_name = "workflows/task_list.html"
    context_object_name = "tasks"
    paginate_by = 50
    extra_context = {"title": "File d'attente", "empty": "Aucune tâche en attente dans votre périmètre."}

    def get_queryset(self) -> Any:
        return task_queue(user=self.request.user)
