"""Building syntheses for the tests."""

from __future__ import annotations

from typing import Any

from reference.models import Department
from tests.factories.synthesis import TEXT, SynthesisFactory
from workflows.synthesis.models import PARTS, Synthesis


def complete_parts() -> dict[str, str]:
    return dict(TEXT)


def synthesis_in(department: Department, state: str = "draft", **extra: Any) -> Synthesis:
    """A complete synthesis put directly in ``state`` (the transitions are tested elsewhere)."""
    synthesis = SynthesisFactory.create(department=department, **extra)
    Synthesis.objects.filter(pk=synthesis.pk).update(state=state)
    return Synthesis.objects.get(pk=synthesis.pk)


def at_length(total: int) -> dict[str, str]:
    """Four parts of ``total`` characters in all (one paragraph each)."""
    base, rest = divmod(total, len(PARTS))
    return {field: "a" * (base + (1 if index < rest else 0)) for index, (field, _title) in enumerate(PARTS)}
