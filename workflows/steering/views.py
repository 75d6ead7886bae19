"""Steering pages: thin views over the selectors and services."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.selectors import sees_all_departments
from notifications.campaign import campaign_calendar, campaign_today, semester_label
from reference import selectors as reference_selectors
from reference.exports import Column, department_label, export_format, export_response
from workflows.cases.figures import AsOf, Item, Scope
from workflows.cases.history import timeline
from workflows.cases.runner import available_transitions, transition_run
from workflows.steering import dashboard, figures, selectors, services
from workflows.steering.dashboard import FIELD_SLUGS, RENEWAL_STEPS, STEP_SLUGS
from workflows.steering.forms import MeetingCreateForm, MeetingUpdateForm
from workflows.steering.models import Meeting
from workflows.steering.permissions import can_view, can_work, can_work_in_region
from workflows.synthesis.models import Synthesis
from workflows.synthesis.selectors import snapshot_as_of


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _require_view(request: HttpRequest) -> None:
    if not can_view(request.user):
        raise PermissionDenied


def _can_work_on(user: User, meeting: Meeting) -> bool:
    if meeting.kind == Meeting.Kind.FUNDERS_CONFERENCE:
        return can_work_in_region(user, meeting.region)
    return can_work(user, meeting.owning_department)


def _meeting_department(meeting: Meeting) -> str:
    if meeting.region_id is not None:
        return ""
    return department_label(meeting.owning_department)


MEETING_COLUMNS = (
    Column("Réunion", lambda m: m.get_kind_display()),
    Column("Territoire", lambda m: m.scope_label),
    Column("Département", _meeting_department),
    Column("Région", lambda m: m.region.name if m.region_id else ""),
    Column("Période", lambda m: m.period_label),
    Column("Date", lambda m: m.date),
    Column("État", lambda m: m.get_state_display()),
)
MISSING_COLUMNS = (
    Column("Département", lambda row: department_label(row["department"])),
    Column("Région", lambda row: row["department"].region.name),
    Column("Semestres sans collège tenu", lambda row: ", ".join(row["semesters"])),
)


def _missing_rows(missing: list[selectors.MissingServiceHeads]) -> list[dict[str, Any]]:
    return [{"department": row.department, "semesters": [semester_label(*s) for s in row.semesters]} for row in missing]


@login_required
def home(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    _require_view(request)
    user = _user(request)
    meetings = selectors.meeting_list(user=user)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="reunions", columns=MEETING_COLUMNS, rows=meetings)
    return render(
        request,
        "workflows/steering/home.html",
        {
            "title": "Pilotage",
            "meetings": meetings,
            "departments": reference_selectors.department_list(user=user).only("code", "name", "region"),
            "is_national": sees_all_departments(user),
        },
    )


@login_required
def missing_service_heads(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The CGET page: every département with an ended semester without a held collège."""
    _require_view(request)
    user = _user(request)
    if not sees_all_departments(user):
        raise PermissionDenied
    missing = selectors.departments_missing_service_heads(user=user, today=campaign_today())
    rows = _missing_rows(missing)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="colleges-manquants", columns=MISSING_COLUMNS, rows=rows)
    return render(
        request,
        "workflows/steering/missing_service_heads.html",
        {"title": "Collèges des chefs de service manquants", "rows": rows},
    )


@login_required
def department_detail(request: HttpRequest, code: str) -> HttpResponse | StreamingHttpResponse:
    _require_view(request)
    user = _user(request)
    department = reference_selectors.department_get(user=user, code=code)
    missing = selectors.departments_missing_service_heads(user=user, today=campaign_today(), department=department)
    form = None
    if can_work(user, department):
        form = MeetingCreateForm(
            initial={"year": campaign_today().year},
            city_contracts=reference_selectors.city_contract_list(user=user, department=department),
        )
    meetings = selectors.meeting_list(user=user, department=department)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename=f"reunions-{department.code}", columns=MEETING_COLUMNS, rows=meetings)
    return render(
        request,
        "workflows/steering/department_detail.html",
        {
            "title": f"Pilotage – {department.name} ({department.code})",
            "department": department,
            "missing": _missing_rows(missing),
            "meetings": meetings,
            "form": form,
            "deadlines": figures.deadline_lines_for(
                Scope(department_ids=(department.pk,), as_of=AsOf(day=campaign_today()))
            ),
            "deadlines_query": f"?departement={department.code}",
        },
    )


@login_required
@require_POST
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    department = reference_selectors.department_get(user=user, code=code)
    if not can_work(user, department):
        raise PermissionDenied
    form = MeetingCreateForm(
        request.POST, city_contracts=reference_selectors.city_contract_list(user=user, department=department)
    )
    if not form.is_valid():
        messages.error(request, "Réunion non enregistrée : " + " ".join(str(e) for e in form.errors.values()))
        return redirect("steering:department_detail", code=code)
    data = form.cleaned_data
    kind = data["kind"]
    try:
        meeting = services.meeting_create(
            user=user,
            kind=kind,
            year=data["year"],
            semester=data["semester"],
            department=department if kind != Meeting.Kind.TERRITORY else None,
            city_contract=data["city_contract"] if kind == Meeting.Kind.TERRITORY else None,
            date=data["date"],
            invitees=data["invitees"],
        )
    except (services.SteeringError, ValidationError) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return redirect("steering:department_detail", code=code)
    messages.success(request, "La réunion est enregistrée.")
    return redirect("steering:meeting_detail", pk=meeting.pk)


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    meeting = selectors.meeting_get(user=user, pk=pk)
    may_work = _can_work_on(user, meeting)
    if request.method == "POST":
        if not may_work:
            raise PermissionDenied
        form = MeetingUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(user=user, meeting=meeting, **form.cleaned_data)
            except services.SteeringError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, "La réunion est mise à jour.")
                return redirect("steering:meeting_detail", pk=pk)
    else:
        form = MeetingUpdateForm(
            initial={"date": meeting.date, "invitees": meeting.invitees, "minutes": meeting.minutes}
        )
    actions = (
        [{"name": spec.name, "label": spec.label} for spec in available_transitions(meeting, user)] if may_work else []
    )
    return render(
        request,
        "workflows/steering/meeting_detail.html",
        {
            "title": str(meeting),
            "meeting": meeting,
            "form": form if may_work else None,
            "actions": actions,
            "history": timeline(meeting, user=request.user),
        },
    )


@login_required
@require_POST
def meeting_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    _require_view(request)
    user = _user(request)
    meeting = selectors.meeting_get(user=user, pk=pk)
    if not _can_work_on(user, meeting):
        raise PermissionDenied
    try:
        transition_run(user=user, case=meeting, name=name, comment=request.POST.get("comment", ""))
    except services.SteeringError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "L'état de la réunion est mis à jour.")
    return redirect("steering:meeting_detail", pk=pk)


# --- National dashboard ---------------------------------------------------

CHART_BAR_HEIGHT, CHART_GAP, CHART_LABEL_WIDTH, CHART_WIDTH = 22, 8, 230, 640


def _chart(title: str, bars: list[tuple[str, int, str]], *, unit: str, query: str = "") -> dict[str, Any]:
    """A server-rendered horizontal bar chart (SVG, no script, no CDN); the template puts its data
    table next to it (RGAA: the chart is an image whose text alternative is the table), each value
    a link to the list of its figure (``slug``, empty: not a registry figure) in ``query``'s scope."""
    top = max((value for _, value, _slug in bars), default=0) or 1
    span = CHART_WIDTH - CHART_LABEL_WIDTH - 60
    rows = []
    for index, (label, value, slug) in enumerate(bars):
        y = index * (CHART_BAR_HEIGHT + CHART_GAP)
        rows.append(
            {
                "label": label,
                "value": value,
                "slug": slug,
                "y": y,
                "text_y": y + CHART_BAR_HEIGHT * 0.7,
                "width": round(span * value / top, 1),
                "value_x": CHART_LABEL_WIDTH + round(span * value / top, 1) + 6,
            }
        )
    return {
        "title": title,
        "unit": unit,
        "query": query,
        "bars": rows,
        "height": len(bars) * (CHART_BAR_HEIGHT + CHART_GAP),
        "width": CHART_WIDTH,
        "label_width": CHART_LABEL_WIDTH,
        "bar_height": CHART_BAR_HEIGHT,
    }


def _dashboard_columns(semesters: list[Any]) -> list[Column]:
    def figure(name: str) -> Column:
        return Column(dashboard_headers()[name], lambda line: getattr(line["figures"], name))

    def step(state: str, label: str) -> Column:
        return Column(f"Contrats – {label}", lambda line: line["figures"].steps[state])

    steps = [step(state, label) for state, label in RENEWAL_STEPS]
    return [
        Column("Niveau", lambda line: line["level"]),
        Column("Région", lambda line: line["region"]),
        Column("Département", lambda line: line["department"]),
        figure("contracts"),
        *steps,
        figure("late"),
        Column("Référent PAQTE", lambda line: line["referent"]),
        figure("referents_late"),
        figure("syntheses_sent"),
        figure("syntheses_late"),
        figure("conventions_signed"),
        figure("conventions_active"),
        figure("reports_submitted"),
        figure("reports_approved"),
        figure("reports_late"),
        figure("colleges_held"),
        figure("colleges_missing"),
        figure("colleges_due"),
        figure("charters_pending"),
        figure("charters_late"),
    ]


def dashboard_headers() -> dict[str, str]:
    """The columns of the national dashboard; the lateness ones name the campaign's dates."""
    calendar = campaign_calendar()
    return {
        **DASHBOARD_HEADERS,
        "late": f"Contrats en retard (non signés au {calendar.renewal_signature:%d/%m/%Y})",
        "referents_late": f"Référent PAQTE en retard (non transmis au {calendar.referent_contact:%d/%m/%Y})",
        "syntheses_late": f"Synthèse en retard (non transmise au {calendar.synthesis:%d/%m/%Y})",
        "charters_late": f"Chartes en retard (non transformées au {calendar.charter_migration:%d/%m/%Y})",
    }


DASHBOARD_HEADERS = {
    "contracts": "Contrats de ville",
    "late": "Contrats en retard",
    "referents_late": "Référent PAQTE en retard",
    "syntheses_sent": "Synthèse transmise",
    "syntheses_late": "Synthèse en retard",
    "conventions_signed": "Conventions PAQTE signées",
    "conventions_active": "Conventions PAQTE en cours",
    "reports_submitted": "Bilans transmis (en revue)",
    "reports_approved": "Bilans approuvés",
    "reports_late": "Bilans en retard",
    "colleges_held": "Collèges tenus",
    "colleges_missing": "Collèges manquants",
    "colleges_due": "Semestres écoulés",
    "charters_pending": "Chartes à transformer en PAQTE",
    "charters_late": "Chartes en retard",
}


def dashboard_lines(
    board: dashboard.Dashboard, *, total_query: str = "", department: str | None = None
) -> list[dict[str, Any]]:
    """The rows of the table, as shown and as exported: départements, région subtotals, total.
    ``query``: the scope of the row's figure links (the total keeps the page's filters; a région's
    subtotal, the page's département too: filtered on one, the subtotal counts it alone)."""
    lines: list[dict[str, Any]] = []
    for block in board.regions:
        for row in block.rows:
            lines.append(
                {
                    "level": "Département",
                    "region": block.region.name,
                    "department": f"{row.department.name} ({row.department.code})",
                    "code": row.department.code,
                    "referent": row.referent_label,
                    "figures": row.figures,
                    "query": f"?departement={row.department.code}",
                }
            )
        lines.append(
            {
                "level": "Région",
                "region": block.region.name,
                "department": f"Sous-total {block.region.name}",
                "code": "",
                "referent": f"{block.subtotal.referents} désigné(s) sur {block.subtotal.departments}",
                "figures": block.subtotal,
                "query": _filters_query(region=block.region.code, department=department),
            }
        )
    lines.append(
        {
            "level": "Total",
            "region": "",
            "department": "Total",
            "code": "",
            "referent": f"{board.total.referents} désigné(s) sur {board.total.departments}",
            "figures": board.total,
            "query": total_query,
        }
    )
    return lines


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The national dashboard: the CGET sees every département (filter by région); a prefecture
    sees its own (the scope of ``accounts.selectors``)."""
    _require_view(request)
    user = _user(request)
    region = request.GET.get("region") or None
    department = request.GET.get("departement") or None
    board = dashboard.dashboard_get(user=user, today=campaign_today(), region=region, department=department)
    if department and not board.department_ids:
        # As the figures' lists: an empty board of another département would link to lists that refuse it.
        raise Http404("Ce département ne relève pas de votre périmètre.")
    filters = _filters_query(region=region, department=department)
    lines = dashboard_lines(board, total_query=filters, department=department)
    fmt = export_format(request)
    if fmt:
        return export_response(
            fmt=fmt,
            filename="tableau-de-bord",
            columns=_dashboard_columns(board.semesters),
            rows=lines,
            title="Tableau de bord",
        )
    total = board.total
    charts = [
        _chart(
            "Contrats de ville par étape de la rénovation",
            [(label, total.steps[state], STEP_SLUGS[state]) for state, label in RENEWAL_STEPS],
            unit="contrats",
            query=filters,
        ),
        _chart(
            "Départements ayant tenu leur collège des chefs de service, par semestre",
            [(label, held, "") for label, held, _ in board.colleges_by_semester],
            unit="départements",
            query=filters,
        ),
        _chart(
            "PAQTE : conventions et bilans",
            [
                ("Conventions signées", total.conventions_signed, FIELD_SLUGS["conventions_signed"]),
                ("Conventions en cours", total.conventions_active, FIELD_SLUGS["conventions_active"]),
                ("Bilans transmis", total.reports_submitted, FIELD_SLUGS["reports_submitted"]),
                ("Bilans approuvés", total.reports_approved, FIELD_SLUGS["reports_approved"]),
                ("Bilans en retard", total.reports_late, FIELD_SLUGS["reports_late"]),
            ],
            unit="",
            query=filters,
        ),
    ]
    for number, chart in enumerate(charts, start=1):
        chart["id"] = f"graphique-{number}"
    return render(
        request,
        "workflows/steering/dashboard.html",
        {
            "title": "Tableau de bord national" if sees_all_departments(user) else "Tableau de bord",
            "board": board,
            "lines": lines,
            "steps": RENEWAL_STEPS,
            "charts": charts,
            "regions": dashboard.dashboard_regions(user=user) if sees_all_departments(user) else [],
            "region": region or "",
            "department": department or "",
            "headers": dashboard_headers(),
            "slugs": FIELD_SLUGS,
            "step_slugs": STEP_SLUGS,
            "deadlines": board.deadlines,
            "deadlines_query": filters,
            "late_slugs": {"not_started": dashboard.LATE_NOT_STARTED.slug, "signed": dashboard.LATE_SIGNED.slug},
            # The early warning's link to the inbox keeps the dashboard's filter: a département's
            # (``?departement=``), else a région's (``?region=``), one link for its count.
            "risk_query": dashboard.risk_query(department, region=region),
        },
    )


def _filters_query(*, region: str | None = None, department: str | None = None) -> str:
    """The dashboard's filters as a query string, kept by every figure's link."""
    parts = [f"region={region}" if region else "", f"departement={department}" if department else ""]
    query = "&".join(part for part in parts if part)
    return f"?{query}" if query else ""


FIGURE_COLUMNS = (
    Column("Département", lambda item: department_label(item.department)),
    Column("Dossier", lambda item: item.label),
    Column("État", lambda item: item.state),
    Column("Précision", lambda item: item.detail),
)


def _figure_scope(request: HttpRequest, user: User) -> tuple[Scope, str, Synthesis | None]:
    """The scope of a figure's list: the dashboard's (``?region=``, ``?departement=``), or, with
    ``?synthese=<n°>``, the synthesis's département as of its transmission (its frozen table)."""
    number = request.GET.get("synthese")
    if number:
        if not number.isdigit():
            raise Http404("Synthèse introuvable.")
        synthesis = get_object_or_404(
            Synthesis.objects.select_related("department").filter(
                department__in=dashboard.dashboard_departments(user=user)
            ),
            pk=int(number),
        )
        if not synthesis.renovation_snapshot or synthesis.submitted_at is None:
            raise Http404("Cette synthèse n'a pas été transmise : ses chiffres se lisent sur le tableau de bord.")
        as_of = snapshot_as_of(synthesis)
        return (
            Scope(department_ids=(synthesis.department_id,), as_of=as_of),
            department_label(synthesis.department),
            synthesis,
        )
    region = request.GET.get("region") or None
    department = request.GET.get("departement") or None
    departments = list(dashboard.dashboard_departments(user=user, region=region, department=department))
    if department and not departments:
        raise Http404("Ce département ne relève pas de votre périmètre.")
    if department:
        label = department_label(departments[0])
    elif region:
        label = departments[0].region.name if departments else "aucun département"
    else:
        label = "tous les départements" if sees_all_departments(user) else "vos départements"
    return Scope(department_ids=tuple(d.pk for d in departments), as_of=AsOf(day=campaign_today())), label, None


@login_required
def figure_list(request: HttpRequest, slug: str) -> HttpResponse | StreamingHttpResponse:
    """What one figure of the dashboard (or of a synthesis's renovation table) counts: the
    cases, with the same scope and filters, from the figure's one definition."""
    _require_view(request)
    user = _user(request)
    figure = figures.figure_by_slug(slug)
    if figure is None:
        raise Http404("Chiffre inconnu.")
    scope, scope_label, synthesis = _figure_scope(request, user)
    items: list[Item] = figure.items(scope)
    fmt = export_format(request)
    if fmt:
        return export_response(
            fmt=fmt, filename=f"chiffre-{slug}", columns=FIGURE_COLUMNS, rows=items, title=figure.label
        )
    return render(
        request,
        "workflows/steering/figure_list.html",
        {
            "title": figure.label,
            "figure": figure,
            "items": items,
            "scope_label": scope_label,
            "as_of": scope.as_of,
            "synthesis": synthesis,
            "back_query": ""
            if synthesis
            else _filters_query(
                region=request.GET.get("region") or None, department=request.GET.get("departement") or None
            ),
        },
    )


BLOCKER_COLUMNS = (
    Column("Département", lambda row: department_label(row.department)),
    Column("Type de dossier", lambda row: row.kind.label),
    Column("Dossier", lambda row: row.case_title),
    Column("Signataire", lambda row: row.party.get_role_display()),
    Column("Nom", lambda row: row.party.name),
    Column("État", lambda row: row.party.get_state_display()),
    Column("Depuis le", lambda row: row.party.state_on),
    Column("Contact", lambda row: row.party.contact_email),
)


@login_required
def blockers_view(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """« Qui bloque le 31 juillet ? »: the CGET's page of the signatures still missing, exported like every list."""
    from workflows.steering.blockers import blockers

    _require_view(request)
    user = _user(request)
    if not sees_all_departments(user):
        raise PermissionDenied
    rows = blockers(user=user)
    fmt = export_format(request)
    if fmt:
        return export_response(fmt=fmt, filename="signatures-manquantes", columns=BLOCKER_COLUMNS, rows=rows)
    deadline = campaign_calendar().renewal_signature
    title = f"Qui bloque le {deadline.day} juillet ?" if deadline.month == 7 else "Qui bloque la signature ?"
    return render(request, "workflows/steering/blockers.html", {"title": title, "rows": rows, "deadline": deadline})
