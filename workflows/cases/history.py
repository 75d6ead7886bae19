"""What every case history shares: who, when, from, to, which transition, comment; a row is
written once, never changed or deleted (Amsterdam/signals ``apps/signals/managers.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyHistory(models.Model):
    """Base of every case history: ``save`` refuses an update and ``delete`` refuses, in French.

    Subclasses add the link to their case (a foreign key, or a generic one for the PAQTE cases)
    and may narrow ``source`` / ``target`` to their states' choices."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("par"),
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    transition = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("état de départ"), max_length=30, blank=True)
    target = models.CharField(_("état d'arrivée"), max_length=30)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.transition}: {self.source} → {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("L'historique ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("L'historique ne se supprime pas.")


def timeline(case: Any) -> list[dict[str, Any]]:
    """The rows of a case's history as its timeline shows them: each transition by the label of
    its kind's transition table ("Protocole transmis au CGET"), states by their names."""
    from workflows.cases.registry import kind_of

    kind = kind_of(case)
    labels = dict(case._meta.get_field("state").choices)
    return [
        {
            "at": row.at,
            "action": kind.table.timeline_label(row.transition),
            "source": labels.get(row.source, "—") if row.source else "—",
            "target": labels.get(row.target, row.target),
            "actor": row.actor or "Quartiers (automatique)",
            "comment": row.comment,
        }
        for row in kind.history_of(case).select_related("actor").order_by("at", "pk")
    ]
