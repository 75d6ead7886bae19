"""The renovation's figures (``workflows.cases.figures``): contrats de ville by step of the
renovation and late against the campaign's signature date, counted on the dashboard and in the
15 March synthesis's renovation table from these definitions only.

As of an instant (``AsOf.moment``), a contract's step is the target of the last row of its
renovation's history written up to that instant (« non commencée » without one): the table a
synthesis transmitted that day showed, recomputed from the append-only history.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from notifications.campaign import campaign_calendar
from reference.models import CityContract
from workflows.cases.figures import Item, QueryFigure, Scope
from workflows.renewal.models.history import RenewalTransition
from workflows.renewal.models.renewal import RenewalState

STEP_LABELS = {state.value: str(state.label) for state in RenewalState}


def contracts(scope: Scope) -> QuerySet[CityContract]:
    """The contrats de ville of the scope, each with its ``step`` (now, or as of the instant)."""
    queryset = CityContract.objects.filter(department_id__in=scope.department_ids)
    moment = scope.as_of.moment
    if moment is None:
        step: Any = Coalesce(F("renewal__state"), Value(RenewalState.NOT_STARTED.value))
    else:
        last = RenewalTransition.objects.filter(renewal__city_contract=OuterRef("pk"), at__lte=moment).order_by(
            "-at", "-pk"
        )
        step = Coalesce(Subquery(last.values("target")[:1]), Value(RenewalState.NOT_STARTED.value))
    return queryset.annotate(step=step)


def late_condition(scope: Scope) -> Q:
    """Signed after the campaign's signature date, or not signed once it has passed (the
    campaign's day, ``campaign_today()`` for the dashboard)."""
    deadline = campaign_calendar().renewal_signature
    signed_late = Q(step=RenewalState.SIGNED, renewal__signed_on__gt=deadline)
    if scope.day > deadline:
        return signed_late | ~Q(step=RenewalState.SIGNED)
    return signed_late


def _item(contract: CityContract) -> Item:
    renewal = getattr(contract, "renewal", None)
    url = (
        reverse("workflows:renewal_detail", args=[renewal.pk])
        if renewal is not None
        else reverse("reference:city_contract_detail", args=[contract.code, contract.department_code])
    )
    signed_on = renewal.signed_on if renewal is not None else None
    return Item(
        department=contract.department,  # type: ignore[arg-type]
        label=f"{contract.code} – {contract.name}",
        url=url,
        state=STEP_LABELS.get(contract.step, str(contract.step)),  # type: ignore[attr-defined]
        detail=f"signé le {signed_on:%d/%m/%Y}" if signed_on else "",
    )


def _listed(scope: Scope) -> QuerySet[CityContract]:
    return contracts(scope).select_related("department", "renewal")


def _figure(slug: str, label: str, condition: Any) -> QueryFigure:
    return QueryFigure(
        slug=slug,
        label=label,
        rows=contracts,
        condition=condition,
        item=_item,
        order_by=("code",),
        list_rows=_listed,
    )


CONTRACTS = _figure("contrats", "Contrats de ville", lambda scope: Q())
STEPS = {
    state.value: _figure(
        f"contrats-{state.value.replace('_', '-')}",
        f"Contrats – {state.label}",
        lambda scope, state=state.value: Q(step=state),
    )
    for state in RenewalState
}
LATE = _figure("contrats-en-retard", "Contrats de ville en retard sur la signature de la rénovation", late_condition)
LATE_BY_STEP = {
    state.value: _figure(
        f"contrats-en-retard-{state.value.replace('_', '-')}",
        f"Contrats en retard – {state.label}",
        lambda scope, state=state.value: late_condition(scope) & Q(step=state),
    )
    for state in RenewalState
}
SIGNED = STEPS[RenewalState.SIGNED.value]

FIGURES: list[QueryFigure] = [CONTRACTS, *STEPS.values(), LATE, *LATE_BY_STEP.values()]
