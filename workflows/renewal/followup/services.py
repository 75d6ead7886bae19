"""Writes on the commitment follow-ups.

- ``follow_ups_generate(renewal=...)`` is called in the signature's transaction: each
  commitment gets one follow-up per period of its frequency (6, 12 or 36 months) after the
  signature date, up to the end of the contrats de ville (the ``ends_on`` of the campaign that
  holds the ``commitment-follow-up`` deadline definition: the end of the contrats de ville). Idempotent: a
  rerun creates nothing new, a changed frequency or signature date drops the follow-ups not
  recorded yet that no longer fall on a due date. Each follow-up is synced as a per-case
  deadline, so the reminders engine reminds the département while it is late.
- ``follow_up_record(follow_up=..., user=..., value=..., comment=...)``: the agent of the
  département records the indicator's value (checked against the commitment's unit) and a
  comment; the follow-up's deadline is then met and its reminders stop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from notifications.models import DeadlineDefinition
from notifications.services import add_months, deadline_mark_met, deadline_sync_for_case, deadlines_drop_for_case
from workflows.cases.locks import case_locked
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.models import Commitment, Renewal, RenewalState
from workflows.renewal.models.renewal import may_work

FOLLOW_UP_DEADLINE_CODE = "commitment-follow-up"
PERIOD_MONTHS = {
    Commitment.Frequency.SEMESTRIAL: 6,
    Commitment.Frequency.ANNUAL: 12,
    Commitment.Frequency.TRIENNIAL: 36,
}


def follow_up_period_end() -> dt.date:
    """End of the contrats de ville, from the data: the end of the active campaign that holds
    the follow-up deadline definition (notifications migrations 0002 and 0030)."""
    definition = (
        DeadlineDefinition.objects.select_related("campaign")
        .filter(code=FOLLOW_UP_DEADLINE_CODE, campaign__is_active=True)
        .order_by("-campaign__starts_on")
        .first()
    )
    if definition is None:
        raise ValidationError("Aucune campagne active ne prévoit le suivi des engagements.")
    return definition.campaign.ends_on


def follow_up_dates(*, signed_on: dt.date, frequency: str, ends_on: dt.date) -> Iterator[dt.date]:
    """Signature date + 1, 2, 3… periods, while on or before ``ends_on``. Each date is computed
    from the signature (not from the previous one), a month-end signature stays on month-ends."""
    months = PERIOD_MONTHS[Commitment.Frequency(frequency)]
    n = 1
    while (day := add_months(signed_on, n * months)) <= ends_on:
        yield day
        n += 1


def _deadline_title(follow_up: CommitmentFollowUp) -> str:
    commitment = follow_up.commitment
    text = commitment.text if len(commitment.text) <= 120 else f"{commitment.text[:119]}…"
    return f"Suivi de l'engagement « {text} » ({commitment.renewal.city_contract.code})"


@transaction.atomic
def follow_ups_generate(*, renewal: Renewal) -> int:
    """Create the follow-ups of every commitment of a signed protocol. Returns the rows created."""
    if renewal.state != RenewalState.SIGNED or renewal.signed_on is None:
        return 0
    ends_on = follow_up_period_end()
    created = 0
    commitments = list(renewal.commitments.select_related("renewal__city_contract").prefetch_related("follow_ups"))
    for commitment in commitments:
        wanted = set(follow_up_dates(signed_on=renewal.signed_on, frequency=commitment.frequency, ends_on=ends_on))
        existing = {f.due_on: f for f in commitment.follow_ups.all()}
        for stale in [f for day, f in existing.items() if day not in wanted and not f.is_recorded]:
            deadlines_drop_for_case(case=stale)
            stale.delete()
        for day in sorted(wanted):
            follow_up = existing.get(day)
            if follow_up is None:
                follow_up = CommitmentFollowUp.objects.create(commitment=commitment, due_on=day)
                created += 1
            follow_up.commitment = commitment
            deadline_sync_for_case(
                case=follow_up,
                definition_code=FOLLOW_UP_DEADLINE_CODE,
                department=renewal.department,
                due_on=day,
                title=_deadline_title(follow_up),
                link_path=follow_up.get_absolute_url(),
            )
            if follow_up.is_recorded:
                deadline_mark_met(case=follow_up, definition_code=FOLLOW_UP_DEADLINE_CODE)
    return created


def _decimal(value: str) -> Decimal:
    cleaned = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError("Saisissez un nombre (par exemple 12 ou 12,5).", code="nombre_attendu") from None
    if not number.is_finite():
        raise ValidationError("Saisissez un nombre (par exemple 12 ou 12,5).", code="nombre_attendu")
    return number


def _french(number: Decimal) -> str:
    return format(number.normalize(), "f").replace(".", ",")


def follow_up_value_clean(*, commitment: Commitment, value: str) -> str:
    """The value checked against the commitment's unit, in a normalised French notation.
    Without a unit the indicator is free text (a qualitative follow-up)."""
    value = (value or "").strip()
    if not value:
        raise ValidationError("Renseignez la valeur de l'indicateur.", code="valeur_requise")
    unit = commitment.unit
    if not unit:
        return value
    for suffix in ("%", "€", "euros", "euro", "EUR"):
        if value.endswith(suffix):
            value = value[: -len(suffix)].strip()
    number = _decimal(value)
    if number < 0:
        raise ValidationError("La valeur ne peut pas être négative.", code="valeur_negative")
    if unit == Commitment.Unit.COUNT:
        if number != number.to_integral_value():
            raise ValidationError("Cet indicateur se compte : saisissez un nombre entier.", code="entier_attendu")
        return str(int(number))
    if unit == Commitment.Unit.PERCENT:
        if number > 100:
            raise ValidationError("Un pourcentage est compris entre 0 et 100.", code="pourcentage_invalide")
        return f"{_french(number)} %"
    if unit == Commitment.Unit.EUROS:
        if number.as_tuple().exponent < -2:  # type: ignore[operator]
            raise ValidationError("Un montant en euros a au plus deux décimales.", code="montant_invalide")
        return f"{_french(number)} €"
    return _french(number)


def may_record(*, follow_up: CommitmentFollowUp, user: User) -> bool:
    """Prefecture work on the case (``workflows.work_renewal``, own département), protocol signed."""
    renewal = follow_up.commitment.renewal
    return renewal.state == RenewalState.SIGNED and may_work(renewal, user)


def follow_up_record(*, follow_up: CommitmentFollowUp, user: User, value: str, comment: str = "") -> CommitmentFollowUp:
    """Record (or correct) the value and comment of a follow-up; it is then met. Written under
    the renovation's lock (the kernel's ``case_locked``): the protocol is still signed, and two
    agents recording the same follow-up at once write one after the other."""
    with case_locked(follow_up.commitment.renewal) as renewal:
        follow_up = CommitmentFollowUp.objects.select_related("commitment").get(pk=follow_up.pk)
        follow_up.commitment.renewal = renewal  # the locked copy: its state is the one checked
        if not may_record(follow_up=follow_up, user=user):
            raise PermissionDenied("Seul un agent du département renseigne le suivi des engagements.")
        follow_up.value = follow_up_value_clean(commitment=follow_up.commitment, value=value)
        follow_up.comment = (comment or "").strip()
        follow_up.recorded_by = user
        if follow_up.recorded_at is None:
            follow_up.recorded_at = timezone.now()
        follow_up.save()
        deadline_mark_met(case=follow_up, definition_code=FOLLOW_UP_DEADLINE_CODE)
    return follow_up


def follow_ups_generate_all() -> tuple[int, int]:
    """Every signed protocol, one transaction each (a crash keeps what was done).
    Returns (signed cases, follow-ups created)."""
    cases = created = 0
    for renewal in Renewal.objects.filter(state=RenewalState.SIGNED).select_related("department").iterator():
        created += follow_ups_generate(renewal=renewal)
        cases += 1
    return cases, created
