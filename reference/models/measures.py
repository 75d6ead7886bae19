"""The 40 measures of the national roadmap (annex 3 of the circular of 22 January 2019)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Measure(models.Model):
    class Level(models.TextChoices):
        ACHIEVED = "achieved", _("Objectif atteint")
        FINALISING = "finalising", _("En voie de finalisation")
        DEPLOYING = "deploying", _("En cours de déploiement")
        LAUNCHING = "launching", _("En cours de lancement")

    number = models.CharField(_("n°"), max_length=5, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_measures",
        verbose_name=_("mesure parente"),
        help_text=_("Les sous-mesures (1.a, 1.b) ne comptent pas dans le bilan de l'annexe 3."),
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    axis = models.CharField(_("axe"), max_length=100)
    programme = models.CharField(_("programme"), max_length=100)
    theme = models.CharField(_("thématique"), max_length=100)
    text = models.TextField(_("mesure"))
    level = models.CharField(_("niveau d'avancement"), max_length=10, choices=Level.choices)

    class Meta:
        verbose_name = _("mesure de la feuille de route")
        verbose_name_plural = _("mesures de la feuille de route")
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.number}. {self.text}"


class MeasureIndicator(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("ordre"))
    label = models.TextField(_("indicateur"))

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["measure", "position"]
        constraints = [models.UniqueConstraint(fields=["measure", "position"], name="measureindicator_unique")]

    def __str__(self) -> str:
        return self.label


class MeasureLevelChange(models.Model):
    """Append-only dated history of a measure's level: who, when, from, to, why."""

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="level_changes", verbose_name=_("mesure")
    )
    from_level = models.CharField(_("niveau précédent"), max_length=10, choices=Measure.Level.choices)
    to_level = models.CharField(_("nouveau niveau"), max_length=10, choices=Measure.Level.choices)
    changed_on = models.DateField(_("date du changement"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("modifié par"),
    )
    comment = models.TextField(_("commentaire"), blank=True)
    recorded_at = models.DateTimeField(_("enregistré le"), auto_now_add=True)

    class Meta:
        verbose_name = _("changement de niveau d'une mesure")
        verbose_name_plural = _("changements de niveau des mesures")
        ordering = ["-changed_on", "-pk"]
        indexes = [models.Index(fields=["measure", "changed_on"])]

    def __str__(self) -> str:
        return f"{self.measure.number}: {self.from_level} → {self.to_level} ({self.changed_on})"
