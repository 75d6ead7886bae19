"""What every case history shares: who, when, from, to, which transition, comment; a row is
written once, never changed or deleted (Amsterdam/signals ``apps/signals/managers.py``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnly:
    """A model whose rows are written once: ``save`` refuses an update and ``delete`` refuses,
    in French (every case history, and the history of the PAQTE's semester results)."""

    pk: Any

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValidationError("L'historique ne se modifie pas.")
        super().save(*args, **kwargs)  # type: ignore[misc]

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ValidationError("L'historique ne se supprime pas.")


class AppendOnlyHistory(AppendOnly, models.Model):
    """Base of every case history (``AppendOnly``).

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


def timeline(case: Any, user: Any = None) -> list[dict[str, Any]]:
    """The case's timeline: its transitions (``_transition_rows``) and, for ``user``, the notes
    and messages he may read (``workflows.cases.note_services``: notes for the prefecture team
    only), and the changes of its parties to sign, each in its place by date. Without a user, the
    transitions alone."""
    rows = _transition_rows(case)
    if user is None:
        return rows
    from workflows.cases.note_services import exchanges_for_timeline
    from workflows.cases.parties import party_timeline_rows

    rows = rows + party_timeline_rows(case)  # its parties' changes (added, asked, signed, refused)
    exchanges = [
        {
            "at": item.at,
            "action": item.heading,
            "source": "—",
            "target": "—",
            "actor": item.author,
            "comment": item.text,
            "exchange": item,
        }
        for item in exchanges_for_timeline(case=case, user=user)
    ]
    return sorted(rows + exchanges, key=lambda row: row["at"])


def _transition_rows(case: Any) -> list[dict[str, Any]]:
    """The rows of a case's history as its timeline shows them: each transition by the label of
    its kind's transition table ("Protocole transmis au CGET"), states by their names."""
    from workflows.cases.registry import kind_of
    from workflows.cases.states import state_tone

    kind = kind_of(case)
    labels = dict(case._meta.get_field("state").choices)
    table = kind.table
    return [
        {
            "at": row.at,
            "action": kind.table.timeline_label(row.transition),
            "source": labels.get(row.source, "—") if row.source else "—",
            "target": labels.get(row.target, row.target),
            # the badges' tones (``workflows.cases.states``): a return's arrival is « renvoyé »
            "source_tone": state_tone(kind, row.source) if row.source else "",
            "target_tone": state_tone(
                kind, row.target, returned=bool((spec := table.get(row.transition)) and spec.event == "returned")
            ),
            "actor": row.actor or "Quartiers (automatique)",
            "comment": row.comment,
        }
        for row in kind.history_read(case)
    ]


def case_returns(case: Any) -> list[dict[str, Any]]:
    """The earlier returns of a case with their reasons, newest first: the rows of the
    transitions whose event is « returned » in the kind's table (what a decision screen shows
    beside the decision, as démarches-simplifiées' instructeur page shows earlier corrections)."""
    from workflows.cases.registry import kind_of

    kind = kind_of(case)
    returned = [spec.name for spec in kind.table if spec.event == "returned"]
    rows = kind.history_of(case).filter(transition__in=returned).exclude(comment="").select_related("actor")
    return [
        {"at": row.at, "actor": row.actor, "action": kind.table.timeline_label(row.transition), "comment": row.comment}
        for row in rows.order_by("-at", "-pk")
    ]
