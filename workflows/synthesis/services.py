"""Writes on the prefect's synthesis (issue #6, point 1).

Every transition goes through ``workflows.transitions.fsm_transition`` (row lock, French
refusals, right check, history row, one transaction). The submission freezes the renovation
table and marks the département's 15 March deadline met; a CGET return reopens it."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from notifications.services import department_deadline_mark_met, department_deadline_reopen
from reference.models import Department
from workflows.synthesis.models import PARTS, Synthesis, SynthesisHistory, length_errors
from workflows.synthesis.permissions import can_work
from workflows.synthesis.selectors import renovation_state
from workflows.synthesis.workflow import workflow_on_transition, workflow_start
from workflows.transitions import fsm_transition

DEADLINE_CODE = "synthesis"
TRANSITIONS = ("send_to_validation", "send_back", "submit", "approve", "return_to_prefecture")


class SynthesisError(ValueError):
    """A refused action, with the French sentence to show."""


def synthesis_save(*, user: User, department: Department, year: int, **parts: str) -> Synthesis:
    """Create or update the draft of ``department`` for ``year``. A draft may miss parts (they are
    required to send it to validation) but never exceeds the length limit."""
    if not can_work(user, department):
        raise PermissionDenied("Vous ne rédigez pas la synthèse de ce département.")
    unknown = set(parts) - {field for field, _title in PARTS}
    if unknown:
        raise SynthesisError(f"Partie inconnue : {', '.join(sorted(unknown))}.")
    errors = length_errors(parts)
    if errors:
        raise SynthesisError(" ".join(errors))
    try:
        with transaction.atomic():
            synthesis, created = Synthesis.objects.select_for_update().get_or_create(department=department, year=year)
            if not created and not synthesis.is_editable:
                raise SynthesisError("La synthèse ne se modifie qu'en brouillon.")
            for field, value in parts.items():
                setattr(synthesis, field, value.replace("\r\n", "\n").strip())
            synthesis.save()
            if created:
                SynthesisHistory.objects.create(
                    synthesis=synthesis, actor=user, transition="create", source="", target=synthesis.state
                )
                workflow_start(synthesis=synthesis)
    except IntegrityError as error:  # two first saves at once
        raise SynthesisError("La synthèse vient d'être créée par quelqu'un d'autre : rechargez la page.") from error
    return synthesis


def synthesis_transition(*, user: User, synthesis: Synthesis, name: str, comment: str = "") -> Synthesis:
    """Run ``name`` on the synthesis. ``return_to_prefecture`` needs a comment (the reason)."""
    kwargs: dict[str, Any] = {}
    if name == "submit":
        kwargs["renovation"] = renovation_state(department=synthesis.department, today=timezone.localdate()).as_json()
    if name == "return_to_prefecture":
        kwargs["reason"] = comment.strip()

    def record(locked: Synthesis, source: str) -> None:
        SynthesisHistory.objects.create(
            synthesis=locked, actor=user, transition=name, source=source, target=locked.state, comment=comment.strip()
        )
        if name == "submit":
            department_deadline_mark_met(department=locked.department, definition_code=DEADLINE_CODE)
        elif name == "return_to_prefecture":
            department_deadline_reopen(department=locked.department, definition_code=DEADLINE_CODE)
        workflow_on_transition(synthesis=locked, name=name, user=user)

    return fsm_transition(
        case=synthesis,
        user=user,
        name=name,
        allowed=TRANSITIONS,
        record=record,
        denied="Vous n'avez pas le droit de faire cette action sur cette synthèse.",
        error=SynthesisError,
        comment=comment,
        comment_required=name == "return_to_prefecture",
        **kwargs,
    )
