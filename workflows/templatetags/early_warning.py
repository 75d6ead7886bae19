"""The early warning on the pages (``workflows.cases.risk``): a case's level with its reasons,
and the count of cases « à risque » in what a user sees (for the dashboard):

    {% load early_warning %}{% case_risk renewal as risk %}{% include "workflows/partials/risk.html" %}
    {% risk_summary "renewal" user as summary %}{% include "workflows/partials/risk_summary.html" %}
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from accounts.selectors import scoped
from workflows.cases.registry import kind_for_code
from workflows.cases.risk import MODEL_TEXT, level_counts, risk_model, risk_of

register = template.Library()


@register.simple_tag
def case_risk(case: Any) -> dict[str, Any]:
    return {"risk": risk_of(case), "model": MODEL_TEXT}


@register.simple_tag
def risk_summary(kind_code: str, user: Any, department_ids: Iterable[int] | None = None) -> dict[str, Any]:
    """The open cases of the kind in the user's scope, counted by level (two queries); with
    ``department_ids``, only those départements' (the dashboard's filter, as its figures)."""
    kind, model = kind_for_code(kind_code), risk_model(kind_code)
    if kind is None or model is None:
        return {}
    cases = scoped(
        kind.model._default_manager.exclude(state=model.stages[-1]), user, department_field=kind.department_field
    )
    if department_ids is not None:
        cases = cases.filter(**{f"{kind.department_field}__in": list(department_ids)})
    return {"kind": kind, "counts": level_counts(kind_code, cases.only("pk", "state")), "model": MODEL_TEXT}
