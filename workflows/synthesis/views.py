"""Synthesis pages: thin views over the selectors and services. A
département outside the user's scope is a 404 (``reference.selectors.department_get``)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import sees_all_departments
from notifications.campaign import campaign_today
from reference.exports import Column, department_label, export_format, export_response
from workflows.cases.actions import available_actions, case_action
from workflows.cases.history import timeline
from workflows.cases.progress import case_return
from workflows.synthesis import selectors, services
from workflows.synthesis.forms import SynthesisForm
from workflows.synthesis.models import LIMIT_HELP, PARTS, TOTAL_MAX_CHARS, campaign_year, due_on, normalize
from workflows.synthesis.pdf import synthesis_pdf
from workflows.synthesis.permissions import can_view, can_work
from workflows.synthesis.transitions import TRANSITIONS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_view(request: HttpRequest) -> None:
    if not can_view(request.user):
        raise PermissionDenied


SYNTHESIS_COLUMNS = (
    Column("Département", lambda row: department_label(row.department)),
    Column("Région", lambda row: row.department.region.name),
    Column("État", lambda row: row.synthesis.get_state_display() if row.synthesis else "Non commencée"),
    Column(
        "Transmise le",
        lambda row: (
            timezone.localdate(row.synthesis.submitted_at) if row.synthesis and row.synthesis.submitted_at else None
        ),
    ),
    Column("Date limite", lambda row: due_on(row.synthesis.year if row.synthesis else campaign_year())),
    Column("Statut", lambda row: synthesis_status(row)),
)


def synthesis_status(row: Any) -> str:
    """The export's status beside the due date (a real date in its own column), not a count of days."""
    sent = row.synthesis is not None and row.synthesis.submitted_at is not None
    if sent:
        return "transmise en retard" if row.is_late else "transmise dans les temps"
    return "en retard" if row.is_late else "à transmettre"


@login_required
def synthesis_list(request: HttpRequest) -> HttpResponseBase:
    """The syntheses by département (all for the CGET, one's own for a prefecture)."""
    _require_view(request)
    user = _user(request)
    today = campaign_today()
    year = campaign_year()
    rows = selectors.synthesis_rows(user=user, year=year, today=today)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename=f"syntheses-{year}", columns=SYNTHESIS_COLUMNS, rows=rows)
    return render(
        request,
        "workflows/synthesis/list.html",
        {
            "title": f"Synthèses des préfets {year}",
            "rows": rows,
            "year": year,
            "due_on": f"{due_on(year):%d/%m/%Y}",
            "late_count": sum(1 for row in rows if row.is_late),
            "is_national": sees_all_departments(user),
        },
    )


@login_required
def synthesis_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    today = campaign_today()
    department, synthesis = selectors.synthesis_find(user=user, code=code, year=year, today=today)
    texts = synthesis.parts if synthesis else {}
    parts = [
        {"title": title, "text": texts.get(field, ""), "count": len(normalize(texts.get(field, "")))}
        for field, title in PARTS
    ]
    return render(
        request,
        "workflows/synthesis/detail.html",
        {
            "title": f"Synthèse du préfet {year} – {department.name} ({department.code})",
            "department": department,
            "year": year,
            "synthesis": synthesis,
            "parts": parts,
            "total_chars": synthesis.total_chars if synthesis else 0,
            "max_chars": TOTAL_MAX_CHARS,
            "limit_help": LIMIT_HELP,
            "renovation": selectors.synthesis_renovation(synthesis=synthesis, department=department, today=today),
            "may_edit": can_work(user, department) and (synthesis is None or synthesis.is_editable),
            "actions": available_actions(synthesis, user, "synthesis:action", department.code, year, request=request),
            "returned": case_return(synthesis) if synthesis else None,
            "history": timeline(synthesis, user=request.user) if synthesis else [],
            "is_late": synthesis.is_late(today) if synthesis else today > due_on(year),
            "due_on": due_on(year),
        },
    )


@login_required
def synthesis_edit(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    today = campaign_today()
    department, synthesis = selectors.synthesis_find(user=user, code=code, year=year, today=today)
    if not can_work(user, department):
        raise PermissionDenied
    if synthesis is not None and not synthesis.is_editable:
        messages.error(request, "La synthèse ne se modifie qu'en brouillon.")
        return redirect("synthesis:detail", code=code, year=year)
    if request.method == "POST":
        form = SynthesisForm(request.POST)
        if form.is_valid():
            try:
                services.synthesis_save(
                    user=user,
                    department=department,
                    year=year,
                    **{field: form.cleaned_data[field] for field, _title in PARTS},
                )
            except services.SynthesisError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "La synthèse est enregistrée.")
                return redirect("synthesis:detail", code=code, year=year)
    else:
        form = SynthesisForm(initial=synthesis.parts if synthesis else {})
    return render(
        request,
        "workflows/synthesis/edit.html",
        {
            "title": f"Rédiger la synthèse {year} – {department.name} ({department.code})",
            "department": department,
            "year": year,
            "form": form,
            "max_chars": TOTAL_MAX_CHARS,
            "limit_help": LIMIT_HELP,
            "renovation": selectors.synthesis_renovation(synthesis=synthesis, department=department, today=today),
        },
    )


@login_required
def synthesis_pdf_download(request: HttpRequest, code: str, year: int) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    today = campaign_today()
    department, synthesis = selectors.synthesis_find(user=user, code=code, year=year, today=today)
    if synthesis is None:
        raise Http404
    renovation = selectors.synthesis_renovation(synthesis=synthesis, department=department, today=today)
    content = synthesis_pdf(synthesis=synthesis, renovation=renovation)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="synthese-{year}-{department.code}.pdf"'
    return response


@login_required
@require_POST
def synthesis_action(request: HttpRequest, code: str, year: int, name: str) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    today = campaign_today()
    _department, synthesis = selectors.synthesis_find(user=user, code=code, year=year, today=today)
    if synthesis is None or name not in TRANSITIONS:
        raise Http404
    case_action(request, synthesis, name, success="L'état de la synthèse est mis à jour.")
    return redirect("synthesis:detail", code=code, year=year)
