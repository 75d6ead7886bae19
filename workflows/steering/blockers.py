"""« Qui bloque le 31 juillet ? »: the signatures still missing, by département — each open
renovation and PAQTE convention with its mandatory parties that have not signed
(``workflows.cases.parties``), scoped like every list (``accounts.selectors.scoped``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from accounts.selectors import scoped
from workflows.cases.parties import Party
from workflows.cases.registry import CaseKind, kind_for_code

# The kinds whose signature the page follows, and their states before the signature is recorded.
OPEN_STATES = {
    "renewal": ("evaluation", "negotiation", "prefect_validation", "cget_review", "signature"),
    "paqte-convention": ("draft", "negotiation"),
}


@dataclass(frozen=True)
class Blocker:
    kind: CaseKind
    case: Any
    party: Party

    @property
    def department(self) -> Any:
        return getattr(self.case, "department", None)

    @property
    def case_title(self) -> str:
        return self.kind.title(self.case)

    @property
    def url(self) -> str:
        return self.kind.url(self.case)


def blockers(*, user: Any) -> list[Blocker]:
    """Every mandatory party not signed yet on an open case the user sees, by département, case,
    then the party's order (one query per kind for the cases, one for their parties)."""
    found: list[Blocker] = []
    for code, states in OPEN_STATES.items():
        kind = kind_for_code(code)
        if kind is None:
            continue
        cases = scoped(
            kind.model._default_manager.filter(state__in=states), user, department_field=kind.department_field
        ).select_related(*kind.list_related)
        by_id = {case.pk: case for case in cases}
        parties = (
            Party.objects.filter(
                case_type=ContentType.objects.get_for_model(kind.model), case_id__in=list(by_id), mandatory=True
            )
            .exclude(state=Party.State.SIGNED)
            .order_by("case_id", "position", "pk")
        )
        found.extend(Blocker(kind=kind, case=by_id[party.case_id], party=party) for party in parties)
    return sorted(
        found,
        key=lambda row: (
            getattr(row.department, "code", "") or "",
            row.kind.code,
            row.case_title,
            row.party.position,
        ),
    )
