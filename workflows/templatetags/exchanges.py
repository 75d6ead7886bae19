"""The notes and messages panel of a case page, for every case kind: ``{% case_exchanges case %}``."""

from __future__ import annotations

from typing import Any

from django import template

from workflows.cases import note_services
from workflows.cases.registry import kind_of
from workflows.inbox.exchange_forms import ExchangeForm

register = template.Library()


@register.inclusion_tag("workflows/exchanges/panel.html", takes_context=True)
def case_exchanges(context: Any, case: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if case is None or user is None or not user.is_authenticated:
        return {"shown": False}
    may_notes = note_services.may_read_notes(user=user, case=case)
    may_message = note_services.may_message(user=user, case=case)
    return {
        "shown": may_notes or may_message,
        "csrf_token": context.get("csrf_token"),
        "kind": kind_of(case),
        "case": case,
        "may_notes": may_notes,
        "may_message": may_message,
        "from_cget": note_services.is_cget(user),
        "thread": note_services.thread_of(case=case, user=user) if may_message else [],
        "notes": note_services.notes_of(case=case, user=user) if may_notes else [],
        "note_form": ExchangeForm(prefix_id="note"),
        "message_form": ExchangeForm(prefix_id="message"),
        "suffix": context.get("suffix", ""),
    }
