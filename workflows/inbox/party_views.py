"""The parties of a case of any kind (``workflows.cases.party_services``): add one, record that its
signature was asked, that it signed (with its signed page, through the upload checks) or refused.

Scope: a case outside the user's départements is not found (404); a user who sees the case but may
not record its signatures (the valideur, the CGET: they read the « Signataires » section) is
refused (403). A refused post comes back with what was typed kept (status 400), storing nothing.

A party's signed page is read by whoever sees the case (its département's prefecture team, the CGET,
the administrateur national), streamed from the private storage (``workflows.cases.storage``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.views import View

from workflows.cases import party_services
from workflows.cases.parties import Party, parties_of
from workflows.cases.registry import kind_for_code
from workflows.cases.storage import private_download
from workflows.inbox.party_forms import PartyAddForm, PartyStateForm
from workflows.inbox.selectors import case_in_scope


def _case(request: HttpRequest, kind: str, pk: int) -> Any:
    case = case_in_scope(user=request.user, kind_code=kind, case_pk=pk)
    if case is None:
        raise Http404
    if not party_services.may_change_parties(case=case, user=request.user):
        raise PermissionDenied("Seule l'équipe de la préfecture qui instruit ce dossier modifie ses signataires.")
    return case


def _render(request: HttpRequest, case: Any, kind: str, form: Any, title: str, party: Any, status: int) -> HttpResponse:
    return render(
        request,
        "workflows/parties/form.html",
        {
            "title": title,
            "form": form,
            "party": party,
            "case": case,
            "case_title": kind_for_code(kind).title(case),  # type: ignore[union-attr]
            "case_url": kind_for_code(kind).url(case),  # type: ignore[union-attr]
        },
        status=status,
    )


def _back(kind: str, case: Any) -> HttpResponse:
    return redirect(f"{kind_for_code(kind).url(case)}#signataires")  # type: ignore[union-attr]


class PartyAddView(LoginRequiredMixin, View):
    title = "Ajouter un signataire"

    def get(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        return _render(request, _case(request, kind, pk), kind, PartyAddForm(), self.title, None, 200)

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        case = _case(request, kind, pk)
        form = PartyAddForm(request.POST)
        if form.is_valid():
            try:
                party = party_services.party_add(case=case, user=request.user, **form.cleaned_data)
            except ValidationError as invalid:
                form.add_error(None, invalid)
            else:
                messages.success(request, f"Signataire ajouté : {party}.")
                return _back(kind, case)
        return _render(request, case, kind, form, self.title, None, 400)


class PartyStateView(LoginRequiredMixin, View):
    title = "Mettre à jour la signature"

    def _party(self, case: Any, party_pk: int) -> Party:
        return get_object_or_404(parties_of(case), pk=party_pk)

    def get(self, request: HttpRequest, kind: str, pk: int, party_pk: int) -> HttpResponse:
        case = _case(request, kind, pk)
        party = self._party(case, party_pk)
        return _render(request, case, kind, PartyStateForm(), f"{self.title} : {party}", party, 200)

    def post(self, request: HttpRequest, kind: str, pk: int, party_pk: int) -> HttpResponse:
        case = _case(request, kind, pk)
        party = self._party(case, party_pk)
        form = PartyStateForm(request.POST, request.FILES)
        if form.is_valid():
            state, on, user = form.cleaned_data["state"], form.cleaned_data["on"], request.user
            try:
                if state == Party.State.SIGNED:
                    party_services.party_sign(party=party, user=user, on=on, upload=form.cleaned_data["page"])
                elif state == Party.State.REFUSED:
                    party_services.party_refuse(party=party, user=user, on=on)
                else:
                    party_services.party_request(party=party, user=user, on=on)
            except ValidationError as invalid:
                form.add_error("page", invalid)
            else:
                messages.success(request, f"{party} : {Party.State(state).label.lower()} le {on:%d/%m/%Y}.")
                return _back(kind, case)
        return _render(request, case, kind, form, f"{self.title} : {party}", party, 400)


class PartyProofView(LoginRequiredMixin, View):
    """The signed page of a party, for whoever sees its case (no right to change the parties needed)."""

    def get(self, request: HttpRequest, kind: str, pk: int, party_pk: int) -> HttpResponseBase:
        case = case_in_scope(user=request.user, kind_code=kind, case_pk=pk)
        if case is None:
            raise Http404
        party = get_object_or_404(parties_of(case).exclude(proof=""), pk=party_pk)
        return private_download(
            party.proof, name=party.proof_name, content_type=party_services.PDF_ONLY["pdf"], fallback="page-signee"
        )
