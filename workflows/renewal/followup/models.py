"""One follow-up of one commitment: the date it is due, and once recorded the indicator's
value and a comment. Each follow-up is also a per-case deadline of the reminders engine
(``notifications``, definition ``commitment-follow-up``), so a late one reminds like any other."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

__all__ = ["CommitmentFollowUp"]


class CommitmentFollowUp(models.Model):
    commitment = models.ForeignKey(
        "workflows.Commitment", on_delete=models.CASCADE, related_name="follow_ups", verbose_name=_("engagement")
    )
    due_on = models.DateField(_("échéance"))
    value = models.CharField(_("valeur de l'indicateur"), max_length=100, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_at = models.DateTimeField(_("renseigné le"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renseigné par"),
    )

    class Meta:
        verbose_name = _("suivi d'engagement")
        verbose_name_plural = _("suivis d'engagements")
        ordering = ["due_on", "commitment_id", "id"]
        constraints = [
            # Generation is idempotent: one follow-up per commitment and date.
            models.UniqueConstraint(fields=["commitment", "due_on"], name="followup_unique_date"),
        ]

    def __str__(self) -> str:
        return f"Suivi du {self.due_on:%d/%m/%Y} – {self.commitment}"

    def get_absolute_url(self) -> str:
        return reverse("followup:record", args=[self.pk])

    @property
    def is_recorded(self) -> bool:
        return self.recorded_at is not None
