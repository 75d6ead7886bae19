"""Writes on the prefect's synthesis (circular of 22 January 2019: due on the campaign's « synthesis » date).

Every transition runs through the case kernel (``workflows.cases.runner.transition_run``) with
the table of ``workflows.synthesis.transitions``: its deadline effects, its task, its events."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import User
from notifications.campaign import campaign_today
from reference.models import Department
from workflows.cases.runner import transition_run
from workflows.cases.tasks import workflow_start
from workflows.synthesis.models import PARTS, Synthesis, length_errors
from workflows.synthesis.permissions import can_work
from workflows.synthesis.selectors import renovation_state
from workflows.synthesis.transitions import KIND, TRANSITIONS, SynthesisError

__all__ = ["SynthesisError", "synthesis_save", "synthesis_transition"]


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
                KIND.history_append(case=synthesis, actor=user, transition="create", source="", target=synthesis.state)
                workflow_start(case=synthesis)
    except IntegrityError as error:  # two first saves at once
        raise SynthesisError("La synthèse vient d'être créée par quelqu'un d'autre : rechargez la page.") from error
    return synthesis


def synthesis_transition(*, user: User, synthesis: Synthesis, name: str, comment: str = "") -> Synthesis:
    """Run ``name`` on the synthesis through the case kernel. Submitting it freezes the
    renovation table of the département as it stands that day."""
    kwargs: dict[str, Any] = {}
    if name in (TRANSITIONS["validate"].name, TRANSITIONS["resubmit"].name):  # transmitted to the CGET
        kwargs["renovation"] = renovation_state(department=synthesis.department, today=campaign_today()).as_json()
    return transition_run(case=synthesis, name=name, user=user, comment=comment, **kwargs)
