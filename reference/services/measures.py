"""Writes on the 40 measures: the national administrator updates a level."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.models import User
from reference.models import Measure, MeasureLevelChange


class MeasureError(ValueError):
    """A level update that cannot be recorded (message in French)."""


def measure_can_update(*, user: User) -> bool:
    """Only the national administrator's group holds ``reference.change_measure`` (accounts 0002)."""
    return bool(user.is_active and user.has_perm("reference.change_measure"))


def measure_level_update(
    *, measure: Measure, level: str, changed_on: datetime.date, user: User, comment: str = ""
) -> MeasureLevelChange:
    """Set the level of ``measure`` and append the dated change to its history.

    The row is locked so two administrators updating the same measure write a consistent
    from → to chain.
    """
    if not measure_can_update(user=user):
        raise MeasureError("Seul l'administrateur national met à jour le niveau d'une mesure.")
    if level not in Measure.Level.values:
        raise MeasureError("Niveau d'avancement inconnu.")
    with transaction.atomic():
        locked = Measure.objects.select_for_update().get(pk=measure.pk)
        if locked.parent_id is not None:
            raise MeasureError("Le niveau d'une sous-mesure ne se met pas à jour ici : modifiez la mesure parente.")
        if locked.level == level:
            raise MeasureError("La mesure est déjà à ce niveau d'avancement.")
        change = MeasureLevelChange.objects.create(
            measure=locked,
            from_level=locked.level,
            to_level=level,
            changed_on=changed_on,
            changed_by=user,
            comment=comment,
        )
        locked.level = level
        locked.save(update_fields=["level"])
    measure.level = level
    return change
