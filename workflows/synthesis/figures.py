"""The synthesis's figures (``workflows.cases.figures``): the prefects' syntheses due on the
campaign's synthesis date transmitted, and the départements late on it: not transmitted by that
date once it has passed, or transmitted after it (``Synthesis.is_late``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone

from notifications.campaign import campaign_calendar
from reference.models import Department
from workflows.cases.figures import Item, QueryFigure, Scope, department_item, nothing
from workflows.synthesis.models import Synthesis, SynthesisState

SENT = (SynthesisState.SUBMITTED, SynthesisState.APPROVED)
STATE_LABELS = {state.value: str(state.label) for state in SynthesisState}


def _due() -> dt.date:
    return campaign_calendar().synthesis


def _syntheses(scope: Scope) -> QuerySet[Synthesis]:
    return Synthesis.objects.filter(department_id__in=scope.department_ids, year=_due().year)


def _synthesis_item(synthesis: Synthesis) -> Item:
    sent = timezone.localdate(synthesis.submitted_at) if synthesis.submitted_at else None
    return department_item(
        synthesis.department,
        url=synthesis.get_absolute_url(),
        state=str(synthesis.get_state_display()),
        detail=f"transmise le {sent:%d/%m/%Y}" if sent else "",
    )


def _departments(scope: Scope) -> QuerySet[Department]:
    state = Synthesis.objects.filter(department=OuterRef("pk"), year=_due().year).values("state")[:1]
    return Department.objects.filter(pk__in=scope.department_ids).annotate(synthesis_state=Subquery(state))


def _late(scope: Scope) -> Q:
    due = _due()
    if scope.day <= due:
        return nothing()
    end_of_due = timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))
    on_time = Synthesis.objects.filter(
        department=OuterRef("pk"), year=due.year, state__in=SENT, submitted_at__lt=end_of_due
    )
    return ~Q(Exists(on_time))


def _late_item(department: Department) -> Item:
    state = department.synthesis_state  # type: ignore[attr-defined]
    return department_item(
        department,
        url=reverse("synthesis:detail", args=[department.code, _due().year]),
        state=STATE_LABELS[state] if state else "Non commencée",
        detail=f"à transmettre avant le {_due():%d/%m/%Y}",
    )


SENT_FIGURE = QueryFigure(
    slug="syntheses-transmises",
    label="Synthèses du préfet transmises au CGET",
    rows=_syntheses,
    condition=lambda scope: Q(state__in=SENT),
    item=_synthesis_item,
    list_rows=lambda scope: _syntheses(scope).select_related("department"),
)
LATE = QueryFigure(
    slug="syntheses-en-retard",
    label="Départements en retard sur la synthèse du préfet",
    rows=_departments,
    condition=_late,
    item=_late_item,
    department_field="pk",
)

FIGURES: list[QueryFigure] = [SENT_FIGURE, LATE]
