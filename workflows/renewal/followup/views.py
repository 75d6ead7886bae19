"""Pages of the commitment follow-ups: the list of a signed case, and one page per follow-up
where the agent of the département records the indicator's value and a comment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View
from django.views.generic import TemplateView

from accounts.models import User
from workflows.renewal import selectors as workflow_selectors
from workflows.renewal.followup import selectors, services
from workflows.renewal.followup.forms import FollowUpForm
from workflows.renewal.followup.models import CommitmentFollowUp


class FollowUpListView(LoginRequiredMixin, TemplateView):
    template_name = "workflows/followup/list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = self.request.user
        renewal = workflow_selectors.renewal_get(user=user, pk=kwargs["pk"])
        today = workflow_selectors.today()
        follow_ups = list(selectors.follow_up_list(user=user, renewal=renewal))
        return super().get_context_data(
            renewal=renewal,
            rows=[(f, selectors.is_late(f, today)) for f in follow_ups],
            title=f"Suivi des engagements – {renewal.city_contract.code}",
            **kwargs,
        )


class FollowUpRecordView(LoginRequiredMixin, View):
    template_name = "workflows/followup/record.html"

    def _render(self, request: HttpRequest, follow_up: CommitmentFollowUp, form: FollowUpForm | None) -> HttpResponse:
        today = workflow_selectors.today()
        return render(
            request,
            self.template_name,
            {
                "follow_up": follow_up,
                "commitment": follow_up.commitment,
                "renewal": follow_up.commitment.renewal,
                "form": form,
                "late": selectors.is_late(follow_up, today),
                "title": f"Suivi du {follow_up.due_on:%d/%m/%Y} – {follow_up.commitment.renewal.city_contract.code}",
            },
        )

    def _form(self, follow_up: CommitmentFollowUp, data: Any = None) -> FollowUpForm:
        initial = {"value": follow_up.value, "comment": follow_up.comment}
        return FollowUpForm(data, initial=initial, commitment=follow_up.commitment)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        follow_up = selectors.follow_up_get(user=request.user, pk=pk)
        can_record = services.may_record(follow_up=follow_up, user=request.user)  # type: ignore[arg-type]
        return self._render(request, follow_up, self._form(follow_up) if can_record else None)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        follow_up = selectors.follow_up_get(user=request.user, pk=pk)
        user: User = request.user  # type: ignore[assignment]
        if not services.may_record(follow_up=follow_up, user=user):
            raise PermissionDenied
        form = self._form(follow_up, request.POST)
        if not form.is_valid():
            return self._render(request, follow_up, form)
        try:
            services.follow_up_record(
                follow_up=follow_up, user=user, value=form.cleaned_data["value"], comment=form.cleaned_data["comment"]
            )
        except ValidationError as error:
            form.add_error("value", error)
            return self._render(request, follow_up, form)
        messages.success(request, "Le suivi est enregistré.")
        return redirect("followup:list", pk=follow_up.commitment.renewal_id)
