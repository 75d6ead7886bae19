"""« Mon absence »: name a colleague of one's service and role and the dates of one's absence
(``accounts.covers``); meanwhile he works one's tasks in his « À traiter » and receives one's
notices. The dates are read on the campaign's clock."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from accounts import covers
from notifications.campaign import campaign_today
from reference.forms import DATE_INPUT, DsfrForm


class CoverForm(DsfrForm, forms.Form):
    remplacant = forms.TypedChoiceField(label="Collègue qui vous remplace", coerce=int)
    debut = forms.DateField(label="Premier jour d'absence", widget=DATE_INPUT)
    fin = forms.DateField(
        label="Dernier jour d'absence", widget=DATE_INPUT, help_text="Inclus : le remplacement cesse le lendemain."
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {colleague.pk: colleague for colleague in covers.cover_candidates(user=user)}
        field = self.fields["remplacant"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choisissez un collègue")] + [
            (pk, f"{colleague} ({colleague.email})") for pk, colleague in self.candidates.items()
        ]


class CoverView(LoginRequiredMixin, View):
    template_name = "workflows/absence.html"

    def _render(self, request: HttpRequest, form: CoverForm, status: int = 200) -> HttpResponse:
        today = campaign_today()
        rows = list(covers.user_covers(user=request.user, today=today))
        return render(
            request,
            self.template_name,
            {
                "title": "Mon absence",
                "form": form,
                "today": today,
                "mine": [row for row in rows if row.user_id == request.user.pk],
                "theirs": [row for row in rows if row.colleague_id == request.user.pk],
            },
            status=status,
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._render(request, CoverForm(user=request.user))

    def post(self, request: HttpRequest) -> HttpResponse:
        today = campaign_today()
        if request.POST.get("terminer"):
            try:
                covers.cover_end(user=request.user, pk=int(request.POST["terminer"]), today=today)
            except (ValueError, ValidationError):
                messages.error(request, "Cette absence n'a pas pu être terminée.")
            else:
                messages.success(request, "Le remplacement est terminé.")
            return redirect("inbox:absence")
        form = CoverForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                cover = covers.cover_create(
                    user=request.user,
                    colleague=form.candidates.get(form.cleaned_data["remplacant"]),
                    starts_on=form.cleaned_data["debut"],
                    ends_on=form.cleaned_data["fin"],
                    today=today,
                )
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                messages.success(
                    request,
                    f"{cover.colleague} vous remplace du {cover.starts_on:%d/%m/%Y} "
                    f"au {cover.ends_on:%d/%m/%Y} inclus.",
                )
                return redirect("inbox:absence")
        return self._render(request, form, status=400)
