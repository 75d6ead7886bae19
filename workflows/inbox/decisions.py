"""Decision screens of the kinds without task pages of their own (the PAQTE référent's
designation, the semestrial PAQTE report, the prefect's synthesis): the case's content beside
the decision, the buttons of the transitions that complete the task (its kind's table), the
earlier returns with their reasons, the history (démarches-simplifiées' instructeur page,
``app/views/instructeurs/dossiers/show``). The renovation has its own task pages
(``workflows.renewal.views``); every decision runs through the kernel's ``transition_run``."""

from __future__ import annotations

import functools
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template

from reference.addresses import reverse_ids
from workflows.cases.history import case_returns, timeline
from workflows.cases.runner import available_transitions
from workflows.inbox.selectors import TaskRow


@functools.cache
def _has_content(kind_code: str) -> bool:
    """Whether the kind writes its content for the decision screen (``content_template``)."""
    try:
        get_template(f"workflows/decisions/{kind_code}.html")
    except TemplateDoesNotExist:
        return False
    return True


def is_decision(row: TaskRow) -> bool:
    """A task that ends in one of several transitions (validate or send back, approve or
    return), whose kind has no task page and writes its content for the screen: it gets the
    decision screen. Others (a PAQTE convention's follow-up: renew, end, terminate) are acted on
    from the case's page, where their forms are."""
    if row.kind is None or row.case is None or row.task_page:
        return False
    return len(row.kind.table.completing(row.task.flow_task.name)) > 1 and _has_content(row.kind.code)


def decision_url(row: TaskRow) -> str:
    return reverse_ids("inbox:decision", row.task.pk) if is_decision(row) else ""


def decision_buttons(row: TaskRow, user: Any) -> list[Any]:
    """The transitions completing the task that the user may attempt now, in the table's order."""
    assert row.kind is not None
    node = row.task.flow_task.name
    allowed = {spec.name for spec in available_transitions(row.case, user)}
    return [spec for spec in row.kind.table.completing(node) if spec.name in allowed]


def content_template(row: TaskRow) -> str:
    """The kind's content partial (``workflows/decisions/<kind>.html``)."""
    assert row.kind is not None
    return f"workflows/decisions/{row.kind.code}.html"


def content_context(row: TaskRow) -> dict[str, Any]:
    """What the kind's content partial reads (its selectors: the inbox is above every kind)."""
    assert row.kind is not None
    case = row.case
    if row.kind.code == "paqte-report":
        from workflows.paqte import exports
        from workflows.paqte import selectors as paqte_selectors

        data = paqte_selectors.report_data(report=case)
        return {
            "report": case,
            "data": data,
            "sections": exports.report_sections(data),
            "context_rows": exports.context_rows(data),
        }
    if row.kind.code == "synthesis":
        from workflows.synthesis.models import PARTS, normalize

        texts = case.parts
        return {
            "synthesis": case,
            "parts": [
                {"title": title, "text": texts.get(field, ""), "count": len(normalize(texts.get(field, "")))}
                for field, title in PARTS
            ],
        }
    return {row.kind.code.replace("-", "_"): case, "case": case}


def decision_context(row: TaskRow, user: Any) -> dict[str, Any]:
    return {
        "row": row,
        "buttons": decision_buttons(row, user),
        "content_template": content_template(row),
        "returns": case_returns(row.case),
        "history": timeline(row.case, user),
        **content_context(row),
    }
