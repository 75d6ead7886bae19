"""What every case history model shares: a row is written once, never changed or deleted."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class AppendOnlyHistory(models.Model):
    """Base of the PAQTE, meeting and synthesis histories (fields ``transition``, ``source``,
    ``target`` in each): ``save`` refuses an update and ``delete`` refuses, in French."""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, 'transition', '')}: {getattr(self, 'source', '')} → {getattr(self, 'target', '')}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("L'historique ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("L'historique ne se supprime pas.")
