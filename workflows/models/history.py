"""Append-only history of a renovation's transitions (who, when, from, to, comment)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workflows.models.renewal import RenewalState


class RenewalTransition(models.Model):
    renewal = models.ForeignKey("workflows.Renewal", on_delete=models.CASCADE, related_name="transitions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=timezone.now)
    name = models.CharField(_("transition"), max_length=40)
    source = models.CharField(_("de"), max_length=20, choices=RenewalState.choices)
    target = models.CharField(_("vers"), max_length=20, choices=RenewalState.choices)
    comment = models.TextField(_("commentaire"), blank=True)

    class Meta:
        verbose_name = _("étape franchie")
        verbose_name_plural = _("historique des rénovations")
        ordering = ["renewal", "at", "pk"]
        indexes = [models.Index(fields=["renewal", "at"], name="renewaltransition_timeline")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target}"
