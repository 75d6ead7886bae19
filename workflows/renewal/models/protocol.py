"""Commitments of the protocole d'engagements renforcés et réciproques."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DijonDomain(models.TextChoices):
    """The six priority domains of the pacte de Dijon (seed note 004), plus any other domain."""

    ECONOMY_EMPLOYMENT = "economy_employment", _("Développement économique, emploi et formation")
    HOUSING_RENEWAL = "housing_renewal", _("Habitat, peuplement et rénovation urbaine")
    MOBILITY = "mobility", _("Mobilité et désenclavement")
    SECURITY_PREVENTION = "security_prevention", _("Sécurité et prévention de la délinquance")
    EDUCATION = "education", _("Éducation et réussite éducative")
    HEALTH = "health", _("Santé et accès aux soins")
    OTHER = "other", _("Autre domaine")


DIJON_DOMAINS = [domain for domain in DijonDomain if domain != DijonDomain.OTHER]


class Commitment(models.Model):
    class Party(models.TextChoices):
        STATE = "state", _("État")
        EPCI = "epci", _("EPCI")
        COMMUNE = "commune", _("Commune")
        OTHER = "other", _("Autre signataire")

    class Frequency(models.TextChoices):
        SEMESTRIAL = "semestrial", _("Semestriel")
        ANNUAL = "annual", _("Annuel")
        TRIENNIAL = "triennial", _("Triennal")

    class Unit(models.TextChoices):
        COUNT = "count", _("nombre entier")
        DECIMAL = "decimal", _("nombre décimal")
        PERCENT = "percent", _("pourcentage")
        EUROS = "euros", _("euros")

    renewal = models.ForeignKey("workflows.Renewal", on_delete=models.CASCADE, related_name="commitments")
    party = models.CharField(_("partie"), max_length=10, choices=Party.choices)
    party_name = models.CharField(_("nom de l'autre signataire"), max_length=200, blank=True)
    domain = models.CharField(_("domaine"), max_length=20, choices=DijonDomain.choices)
    other_domain = models.CharField(_("autre domaine"), max_length=200, blank=True)
    text = models.TextField(_("engagement"))
    indicator = models.CharField(_("indicateur"), max_length=300)
    measure_indicator = models.ForeignKey(
        "reference.MeasureIndicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("indicateur d'une des 40 mesures"),
    )
    target_value = models.CharField(_("valeur cible"), max_length=100)
    target_year = models.PositiveSmallIntegerField(
        _("année cible"), validators=[MinValueValidator(2019), MaxValueValidator(2030)]
    )
    frequency = models.CharField(_("fréquence de suivi"), max_length=10, choices=Frequency.choices)
    # the value recorded at each follow-up is checked against this unit (free text if none).
    unit = models.CharField(_("unité de l'indicateur"), max_length=10, choices=Unit.choices, blank=True)

    class Meta:
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        ordering = ["renewal", "pk"]

    def __str__(self) -> str:
        return self.text[:80]
