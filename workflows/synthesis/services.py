"""Writes on the prefect's synthesis (circular of 22 January 2019: due on the campaign's « synthesis » date).

Every transition runs through the case kernel (``workflows.cases.runner.transition_run``) with
the table of ``workflows.synthesis.transitions``: its deadline effects, its task, its events."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from accounts.models import User
from reference.models import Department
from workflows.cases.locks import case_lock
from workflows.cases.tasks import workflow_start
from workflows.synthesis.models import PARTS, Synthesis, length_errors
from workflows.synthesis.permissions import can_work
from workflows.synthesis.transitions import KIND, SynthesisError

__all__ = ["SynthesisError", "synthesis_save"]


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
            found = case_lock(Synthesis, department=department, year=year)
            created = found is None
            synthesis = Synthesis(department=department, year=year) if found is None else found
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
