"""The notes and messages of a case of any kind (``workflows.cases.note_services``): writing
one (POST, then back to the case page), and downloading an attachment through a scope check.

A refused write (a file refused by the upload checks, an empty text) comes back as a French
error page with what was typed kept, status 400, and stores nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views import View

from workflows.cases import note_services
from workflows.cases.registry import kind_for_code
from workflows.cases.storage import private_download
from workflows.inbox.exchange_forms import ExchangeForm
from workflows.inbox.selectors import case_in_scope


class _ExchangeCreateView(LoginRequiredMixin, View):
    http_method_names = ["post"]
    type_ = "message"
    title = "Envoyer un message"

    def write(self, *, user: Any, case: Any, text: str, upload: Any) -> None:
        raise NotImplementedError

    def allowed(self, *, user: Any, case: Any) -> bool:
        raise NotImplementedError

    def post(self, request: HttpRequest, kind: str, pk: int) -> HttpResponse:
        case = case_in_scope(user=request.user, kind_code=kind, case_pk=pk)
        if case is None or not self.allowed(user=request.user, case=case):
            raise Http404
        form = ExchangeForm(request.POST, request.FILES, prefix_id=self.type_)
        if form.is_valid():
            try:
                self.write(
                    user=request.user, case=case, text=form.cleaned_data["texte"], upload=form.cleaned_data["piece"]
                )
            except ValidationError as invalid:
                form.add_error("piece" if form.cleaned_data.get("piece") else "texte", invalid)
            except PermissionDenied:
                raise Http404 from None
        url = kind_for_code(kind).url(case)  # type: ignore[union-attr]
        if form.errors:
            return render(
                request,
                "workflows/exchanges/refused.html",
                {
                    "title": f"{self.title} : envoi refusé",
                    "heading": self.title,
                    "form": form,
                    "action": request.path,
                    "case_url": url,
                },
                status=400,
            )
        messages.success(
            request, "Votre note est enregistrée." if self.type_ == "note" else "Votre message est envoyé."
        )
        return redirect(f"{url}#echanges")


class NoteCreateView(_ExchangeCreateView):
    type_ = "note"
    title = "Ajouter une note interne"

    def allowed(self, *, user: Any, case: Any) -> bool:
        return note_services.may_read_notes(user=user, case=case)

    def write(self, *, user: Any, case: Any, text: str, upload: Any) -> None:
        note_services.note_add(user=user, case=case, text=text, upload=upload)


class MessageCreateView(_ExchangeCreateView):
    type_ = "message"
    title = "Envoyer un message"

    def allowed(self, *, user: Any, case: Any) -> bool:
        return note_services.may_message(user=user, case=case)

    def write(self, *, user: Any, case: Any, text: str, upload: Any) -> None:
        note_services.message_add(user=user, case=case, text=text, upload=upload)


class AttachmentView(LoginRequiredMixin, View):
    """An attachment is never served by the web server: scope and note rights checked here."""

    def get(self, request: HttpRequest, kind: str, pk: int, type_: str, row: int) -> HttpResponseBase:
        found = note_services.attachment_get(user=request.user, kind_code=kind, case_pk=pk, type_=type_, pk=row)
        if found is None:
            raise Http404
        return private_download(
            found.attachment, name=found.attachment_name, content_type=found.attachment_type, fallback="piece-jointe"
        )
