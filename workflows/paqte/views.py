"""PAQTE pages. Thin: reads through selectors (scoped: 404 outside one's départements), writes
through services; refused transitions come back as French messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import department_scope
from notifications.campaign import campaign_calendar, campaign_today
from reference.exports import Column, department_label, export_format, export_response
from reference.models import Department
from workflows.cases.actions import available_actions, case_action, posted_keep, posted_pop, refusable
from workflows.cases.history import timeline
from workflows.cases.progress import case_return
from workflows.cases.registry import kind_of
from workflows.cases.runner import created_by
from workflows.paqte import exports, selectors, services
from workflows.paqte import figures as paqte_figures
from workflows.paqte.forms import (
    ConventionCreateForm,
    MeetingForm,
    MemberForm,
    ObjectiveForm,
    ReferentForm,
    ReportCreateForm,
    ReportForm,
    ResultForm,
)
from workflows.paqte.models import CharterConvention, Company, PaqteConvention, Submission
from workflows.paqte.permissions import can_review, can_work
from workflows.paqte.transitions import CHARTER, CONVENTION

# The PAQTE committee and checkpoints are meetings of the département (one Meeting model).
from workflows.steering.selectors import paqte_meetings
from workflows.steering.services import paqte_meeting_record


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view is behind ``login_required``)."""
    return cast(User, request.user)


def _transition_redirect(done: Any, page: str, pk: int) -> HttpResponse:
    """After a transition's button: the case it created (its table's ``creates``: a renewed
    convention's successor, the convention a charter becomes), else the case's own ``page``."""
    created = created_by(done) if done is not None else None
    if created is not None:
        return redirect(kind_of(created).url(created))
    return redirect(page, pk=pk)


def _submit(
    request: HttpRequest, form: Any, action: Callable[[dict[str, Any]], Any], *, success: str, failure: str
) -> Any:
    """Validate ``form``, then run ``action`` on its cleaned data like ``refusable``; an invalid form
    gets ``failure`` as its message. Returns what ``refusable`` returns, or None."""
    if form.is_valid():
        result = refusable(request, lambda: action(form.cleaned_data), success)
        if result is None:
            posted_keep(request, type(form).__name__)
        return result
    messages.error(request, failure)
    posted_keep(request, type(form).__name__)
    return None


def _errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# --- Home and département page -------------------------------------------------------------------


# exports of every list (reference.exports): the columns of the PAQTE lists.
CONVENTION_COLUMNS = (
    Column("Entreprise", lambda c: c.company.name),
    Column("SIRET", lambda c: c.company.siret),
    Column("Département", lambda c: department_label(c.department)),
    Column("État", lambda c: c.get_state_display()),
    Column("Signée le", lambda c: c.signed_on),
    Column("Prend fin le", lambda c: c.ends_on),
    Column("Objectifs", lambda c: c.objective_count),
)


def charter_migration_status(charter: CharterConvention) -> str:
    """The export's status beside the migration deadline (a real date in its own column): annex 2
    asks every charter convention to become a PAQTE convention by the campaign's date."""
    if charter.state == CharterConvention.State.MIGRATED:
        return "transformée"
    if charter.state in (CharterConvention.State.DECLINED, CharterConvention.State.EXPIRED):
        return "close sans transformation"
    return "en retard" if campaign_today() > campaign_calendar().charter_migration else "à transformer"


CHARTER_COLUMNS = (
    Column("Numéro", lambda c: c.reference),
    Column("Entreprise", lambda c: c.company.name),
    Column("Département", lambda c: department_label(c.department)),
    Column("Fin", lambda c: c.ends_on),
    Column("État", lambda c: c.get_state_display()),
    Column("À transformer avant le", lambda c: campaign_calendar().charter_migration),
    Column("Statut", charter_migration_status),
)
PAQTE_DEPARTMENT_COLUMNS = (
    Column("Département", lambda d: department_label(d)),
    Column(
        "Référent PAQTE",
        lambda d: (
            f"{d.paqte_referent.name} ({d.paqte_referent.get_state_display()})"
            if getattr(d, "paqte_referent", None)
            else "Non désigné"
        ),
    ),
    Column("Conventions signées ou en cours", lambda d: d.convention_count),
    Column("Chartes transformées en PAQTE", lambda d: d.migrated_count),
    Column("Chartes", lambda d: d.charter_count),
)
REPORT_COLUMNS = (
    Column("Semestre", lambda r: r.semester_label),
    Column("Département", lambda r: department_label(r.department)),
    Column("État", lambda r: r.get_state_display()),
    Column("Transmis le", lambda r: timezone.localtime(r.submitted_at) if r.submitted_at else None),
)


@login_required
def home(request: HttpRequest) -> HttpResponseBase:
    departments = (
        selectors.departments_of(user=request.user)
        .annotate(
            convention_count=Count(
                "paqte_conventions",
                filter=Q(paqte_conventions__state__in=PaqteConvention.SIGNATORY_STATES),
                distinct=True,
            ),
            charter_count=Count("charter_conventions", distinct=True),
            migrated_count=Count("charter_conventions", filter=Q(charter_conventions__state="migrated"), distinct=True),
        )
        .select_related("paqte_referent")
    )
    if not selectors.can_view(request.user):
        raise PermissionDenied
    fmt = export_format(request)
    if fmt:
        return export_response(
            fmt=fmt, filename="paqte-departements", columns=PAQTE_DEPARTMENT_COLUMNS, rows=departments
        )
    return render(
        request,
        "workflows/paqte/home.html",
        {"title": "PAQTE", "departments": departments, "deadline": campaign_calendar().referent_contact},
    )


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    user = _user(request)
    referent = selectors.referent_of(department=department)
    committee = selectors.committee_of(department=department)
    works = can_work(user, department)
    companies = selectors.company_list(user=user).filter(conventions__department=department).distinct()
    return render(
        request,
        "workflows/paqte/department_detail.html",
        {
            "title": f"PAQTE – {department.name} ({department.code})",
            "department": department,
            "referent": referent,
            "referent_actions": (
                available_actions(referent, user, "paqte:referent_action", department.code, request=request)
                if referent
                else []
            ),
            "referent_history": timeline(referent, user=request.user) if referent else [],
            "referent_returned": case_return(referent) if referent else None,
            "referent_form": ReferentForm(posted_pop(request, ReferentForm.__name__), instance=referent)
            if works and (referent is None or referent.is_editable)
            else None,
            "referent_due_on": campaign_calendar().referent_contact,
            "committee": committee,
            "meetings": paqte_meetings(department=department),
            "member_form": MemberForm(posted_pop(request, MemberForm.__name__)) if works else None,
            "meeting_form": MeetingForm(posted_pop(request, MeetingForm.__name__), companies=companies)
            if works
            else None,
            "conventions": selectors.convention_list(user=user, department=department),
            "reports": selectors.report_list(user=user, department=department),
            "works": works,
        },
    )


@login_required
@require_POST
def referent_save(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    form = ReferentForm(request.POST)
    if form.is_valid():
        refusable(
            request,
            lambda: services.referent_save(user=_user(request), department=department, **form.cleaned_data),
            "Le référent PAQTE est enregistré.",
        )
    else:
        messages.error(request, escape("Désignation non enregistrée : " + _errors(form)))
        posted_keep(request, type(form).__name__)
    return redirect("paqte:department_detail", code=code)


@login_required
@require_POST
def referent_action(request: HttpRequest, code: str, name: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    referent = selectors.referent_of(department=department)
    if referent is None and not can_review(request.user):
        return redirect("paqte:department_detail", code=code)
    done = _submission_action(request, referent, name)
    if done and can_review(request.user):
        return redirect("inbox:cget_review_queue")
    # refused: the page the reasons and what was typed are shown on
    return redirect("paqte:department_detail", code=code)


@login_required
@require_POST
def member_add(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    _submit(
        request,
        MemberForm(request.POST),
        lambda data: services.committee_member_add(user=_user(request), department=department, **data),
        success="Le membre est ajouté au comité de pilotage.",
        failure="Membre non ajouté : vérifiez les champs.",
    )
    return redirect("paqte:department_detail", code=code)


@login_required
@require_POST
def meeting_add(request: HttpRequest, code: str) -> HttpResponse:
    department = selectors.department_get(user=request.user, code=code)
    companies = selectors.company_list(user=request.user).filter(conventions__department=department).distinct()
    _submit(
        request,
        MeetingForm(request.POST, companies=companies),
        lambda data: paqte_meeting_record(
            user=_user(request),
            department=department,
            kind=data["kind"],
            held_on=data["held_on"],
            minutes=data["minutes"],
            companies=list(data["companies"]),
        ),
        success="La réunion est enregistrée.",
        failure="Réunion non enregistrée : vérifiez les champs.",
    )
    return redirect("paqte:department_detail", code=code)


# --- Conventions ---------------------------------------------------------------------------------


def _work_departments(request: HttpRequest) -> Any:
    """Where the user instructs PAQTE cases (guardian grants carry both view and work)."""
    if not request.user.has_perm("workflows.work_paqte"):
        return Department.objects.none()
    return department_scope(request.user).order_by("code")


@login_required
def convention_list(request: HttpRequest) -> HttpResponseBase:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    conventions = selectors.convention_list(user=request.user, state=request.GET.get("etat") or None)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="conventions-paqte", columns=CONVENTION_COLUMNS, rows=conventions)
    return render(
        request,
        "workflows/paqte/convention_list.html",
        {
            "title": "Conventions PAQTE",
            "conventions": conventions,
            "states": PaqteConvention.State.choices,
            "current_state": request.GET.get("etat", ""),
            "may_create": request.user.has_perm("workflows.work_paqte"),
        },
    )


@login_required
def convention_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workflows.work_paqte"):
        raise PermissionDenied
    departments = _work_departments(request)
    form = ConventionCreateForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> PaqteConvention:
            company = Company.objects.filter(siret=data["siret"]).first() or services.company_create(
                siret=data["siret"],
                name=data["name"],
                size=data["size"],
                sector=data["sector"],
                address=data["address"],
                signature_level=data["signature_level"],
            )
            return services.convention_create(user=_user(request), company=company, department=data["department"])

        convention = refusable(request, create, "La convention est créée en brouillon.")
        if convention:
            return redirect("paqte:convention_detail", pk=convention.pk)
    return render(
        request, "workflows/paqte/convention_create.html", {"title": "Nouvelle convention PAQTE", "form": form}
    )


@login_required
def convention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    convention = selectors.convention_get(user=request.user, pk=pk)
    works = can_work(request.user, convention.department)
    objectives = selectors.convention_objectives(convention=convention)
    today = campaign_today()
    return render(
        request,
        "workflows/paqte/convention_detail.html",
        {
            "title": str(convention),
            "convention": convention,
            "objectives": objectives,
            "actions": available_actions(convention, request.user, "paqte:convention_action", pk, request=request),
            "history": timeline(convention, user=request.user),
            "today": today,
            "objective_form": ObjectiveForm(posted_pop(request, ObjectiveForm.__name__))
            if works and convention.is_editable
            else None,
            "result_form": (
                ResultForm(
                    posted_pop(request, ResultForm.__name__),
                    objectives=convention.objectives.select_related("indicator"),
                    initial={"year": today.year, "semester": 1 if today.month <= 6 else 2},
                )
                if works and convention.state == PaqteConvention.State.ACTIVE
                else None
            ),
        },
    )


@login_required
@require_POST
def convention_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    convention = selectors.convention_get(user=request.user, pk=pk)
    if name not in CONVENTION:
        raise PermissionDenied
    done = case_action(request, convention, name)
    return _transition_redirect(done, "paqte:convention_detail", pk)


@login_required
@require_POST
def objective_add(request: HttpRequest, pk: int) -> HttpResponse:
    convention = selectors.convention_get(user=request.user, pk=pk)
    _submit(
        request,
        ObjectiveForm(request.POST),
        lambda data: services.objective_add(
            user=_user(request),
            convention=convention,
            indicator=data["indicator"],
            axis=data["axis"] or None,
            label=data["label"],
            target=data["target"],
        ),
        success="L'objectif est ajouté.",
        failure="Objectif non ajouté : indiquez une cible (nombre positif).",
    )
    return redirect("paqte:convention_detail", pk=pk)


@login_required
@require_POST
def result_record(request: HttpRequest, pk: int) -> HttpResponse:
    convention = selectors.convention_get(user=request.user, pk=pk)
    _submit(
        request,
        ResultForm(request.POST, objectives=convention.objectives.all()),
        lambda data: services.result_record(
            user=_user(request),
            objective=data["objective"],
            year=data["year"],
            semester=data["semester"],
            value=data["value"],
        ),
        success="Le résultat du semestre est enregistré.",
        failure="Résultat non enregistré : vérifiez les champs.",
    )
    return redirect("paqte:convention_detail", pk=pk)


# --- Charter conventions -------------------------------------------------------------------------


@login_required
def charter_list(request: HttpRequest) -> HttpResponseBase:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    charters = selectors.charter_list(user=request.user)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="conventions-charte", columns=CHARTER_COLUMNS, rows=charters)
    return render(
        request,
        "workflows/paqte/charter_list.html",
        {
            "title": "Charte entreprises et quartiers",
            "progress": selectors.charter_migration_progress(user=request.user),
            "charters": charters,
            "deadline": campaign_calendar().charter_migration,
        },
    )


@login_required
def charter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    charter = selectors.charter_get(user=request.user, pk=pk)
    return render(
        request,
        "workflows/paqte/charter_detail.html",
        {
            "title": str(charter),
            "charter": charter,
            "actions": available_actions(charter, request.user, "paqte:charter_action", pk, request=request),
            "history": timeline(charter, user=request.user),
        },
    )


@login_required
@require_POST
def charter_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    charter = selectors.charter_get(user=request.user, pk=pk)
    if name not in CHARTER:
        raise PermissionDenied
    done = case_action(request, charter, name)
    return _transition_redirect(done, "paqte:charter_detail", pk)


# --- Reports and the CGET review -----------------------------------------------------------------


@login_required
def report_list(request: HttpRequest) -> HttpResponseBase:
    if not selectors.can_view(request.user):
        raise PermissionDenied
    reports = selectors.report_list(user=request.user)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="bilans-paqte", columns=REPORT_COLUMNS, rows=reports)
    departments = _work_departments(request)
    return render(
        request,
        "workflows/paqte/report_list.html",
        {
            "title": "Bilans semestriels PAQTE",
            "reports": reports,
            "form": ReportCreateForm(departments=departments, initial={"year": campaign_today().year})
            if request.user.has_perm("workflows.work_paqte")
            else None,
        },
    )


@login_required
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("workflows.work_paqte"):
        raise PermissionDenied
    report = _submit(
        request,
        ReportCreateForm(request.POST, departments=_work_departments(request)),
        lambda data: services.report_create(user=_user(request), **data),
        success="Le bilan est créé en brouillon : complétez-le.",
        failure="Bilan non créé : vérifiez le département, l'année et le semestre.",
    )
    if report:
        return redirect("paqte:report_detail", pk=report.pk)
    return redirect("paqte:report_list")


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    works = can_work(request.user, report.department)
    form = ReportForm(request.POST or None, instance=report) if works and report.is_editable else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            if refusable(
                request,
                lambda: services.report_update(user=_user(request), report=report, **fields),
                "Le bilan est enregistré.",
            ):
                return redirect("paqte:report_detail", pk=pk)
    data = selectors.report_data(report=report)
    return render(
        request,
        "workflows/paqte/report_detail.html",
        {
            "title": str(report),
            "report": report,
            "data": data,
            "sections": exports.report_sections(data),
            "context_rows": exports.context_rows(data),
            "form": form,
            "actions": available_actions(report, request.user, "paqte:report_action", pk, request=request),
            "returned": case_return(report),
            "history": timeline(report, user=request.user),
        },
    )


def _submission_action(request: HttpRequest, submission: Submission | None, name: str) -> bool:
    """``_case_action`` on a submission (refused when there is none yet). Whether it ran."""
    if submission is None:
        raise PermissionDenied
    return case_action(request, submission, name) is not None


@login_required
@require_POST
def report_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    report = selectors.report_get(user=request.user, pk=pk)
    _submission_action(request, report, name)
    return redirect("paqte:report_detail", pk=pk)


REPORT_FIGURE_COLUMNS = (
    Column("Département", lambda item: department_label(item.department)),
    Column("Ligne", lambda item: item.label),
    Column("État", lambda item: item.state),
    Column("Précision", lambda item: item.detail),
    Column("Valeur", lambda item: item.value),
)


@login_required
def report_figure(request: HttpRequest, pk: int, slug: str) -> HttpResponseBase:
    """What one figure of the report counts (or sums): the conventions, objectives, QPV or
    contracts, from the figure's one definition (``workflows.paqte.figures``), with the report's
    département and semester; once transmitted, as of its transmission (its frozen figures)."""
    report = selectors.report_get(user=request.user, pk=pk)
    figure = paqte_figures.report_figures().get(slug)
    if figure is None:
        raise Http404("Chiffre inconnu.")
    scope, frozen = selectors.figures_scope(report)
    items = figure.items(scope)
    fmt = export_format(request)
    if fmt:
        stem = f"bilan-paqte-{report.department.code}-{report.year}-S{report.semester}-{slug}"
        return export_response(fmt=fmt, filename=stem, columns=REPORT_FIGURE_COLUMNS, rows=items, title=figure.label)
    return render(
        request,
        "workflows/paqte/report_figure_list.html",
        {
            "title": f"{figure.label} – {report}",
            "report": report,
            "figure": figure,
            "items": items,
            "total": sum(item.value or 0 for item in items) if figure.value else len(items),
            "frozen": frozen,
            "as_of": scope.as_of,
        },
    )


@login_required
def report_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    report = selectors.report_get(user=request.user, pk=pk)
    data = selectors.report_data(report=report)
    stem = f"bilan-paqte-{report.department.code}-{report.year}-S{report.semester}"
    if fmt == "pdf":
        response = HttpResponse(exports.report_pdf(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    else:
        response = HttpResponse(
            exports.report_xlsx(data, request=request),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response
