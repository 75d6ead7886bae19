"""Append-only history of a renovation's transitions (who, when, from, to, comment)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from workflows.cases.history import AppendOnlyHistory
from workflows.renewal.models.renewal import RenewalState


class RenewalTransition(AppendOnlyHistory):
    renewal = models.ForeignKey("workflows.Renewal", on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(_("de"), max_length=20, choices=RenewalState.choices, blank=True)
    target = models.CharField(_("vers"), max_length=20, choices=RenewalState.choices)

    class Meta:
        verbose_name = _("étape franchie")
        verbose_name_plural = _("historique des rénovations")
        ordering = ["renewal", "at", "pk"]
        indexes = [models.Index(fields=["renewal", "at"], name="renewaltransition_timeline")]
