"""Territories: régions, départements, EPCI, QPV and contrats de ville (INSEE/DGCL/ANCT data).

Codes are text (leading zeros, 2A/2B). Rows are keyed by their official code so that the
import command can upsert them (re-running updates, never duplicates).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("région"))
    prefecture_commune_code = models.CharField(_("code INSEE du chef-lieu"), max_length=5)

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]
        permissions = [
            ("work_in_department", _("Instruire les dossiers du département")),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Epci(models.Model):
    class Nature(models.TextChoices):
        CC = "CC", _("Communauté de communes")
        CA = "CA", _("Communauté d'agglomération")
        CU = "CU", _("Communauté urbaine")
        METRO = "METRO", _("Métropole")
        MET69 = "MET69", _("Métropole de Lyon")

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("raison sociale"), max_length=200)
    nature = models.CharField(_("nature juridique"), max_length=5, choices=Nature.choices)
    financing_mode = models.CharField(_("mode de financement"), max_length=10)
    seat_department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="epcis", verbose_name=_("département du siège")
    )
    member_count = models.PositiveIntegerField(_("nombre de communes membres"))
    total_population = models.PositiveIntegerField(_("population totale (2022)"))
    municipal_population = models.PositiveIntegerField(_("population municipale (2022)"))

    class Meta:
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Qpv(models.Model):
    class Geography(models.IntegerChoices):
        G2015 = 2015, _("géographie 2015 (décret n° 2014-1750)")
        G2024 = 2024, _("géographie 2024")

    code = models.CharField(_("code"), max_length=10, unique=True)
    geography = models.PositiveSmallIntegerField(_("géographie"), choices=Geography.choices)
    name = models.CharField(_("nom"), max_length=250)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="qpvs", verbose_name=_("département")
    )
    commune_codes = models.CharField(_("codes INSEE des communes"), max_length=400)
    commune_names = models.CharField(_("communes"), max_length=600)
    epcis: models.ManyToManyField[Epci, QpvEpci] = models.ManyToManyField(
        Epci, through="QpvEpci", related_name="qpvs", verbose_name=_("EPCI (2022)")
    )

    class Meta:
        verbose_name = _("quartier prioritaire (QPV)")
        verbose_name_plural = _("quartiers prioritaires (QPV)")
        ordering = ["code"]
        indexes = [models.Index(fields=["department", "geography", "code"])]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class QpvEpci(models.Model):
    qpv = models.ForeignKey(Qpv, on_delete=models.CASCADE)
    epci = models.ForeignKey(Epci, on_delete=models.CASCADE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["qpv", "epci"], name="qpvepci_unique")]

    def __str__(self) -> str:
        return f"{self.qpv_id} → {self.epci_id}"


class CityContract(models.Model):
    """One contrat de ville in one département (ANCT point file: CV043 spans 13 and 84).

    ``department`` is empty for Saint-Martin (978) and Polynésie (987), which are not
    départements: those two contracts are visible to national roles only.
    """

    class CarrierType(models.TextChoices):
        EPCI = "epci", _("EPCI")
        COMMUNE = "commune", _("commune")

    code = models.CharField(_("code ANCT"), max_length=5)
    department_code = models.CharField(_("code du territoire"), max_length=3)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="city_contracts",
        verbose_name=_("département"),
    )
    name = models.CharField(_("libellé"), max_length=200)
    carrier_code = models.CharField(_("code du porteur"), max_length=9)
    carrier_type = models.CharField(_("type de porteur"), max_length=7, choices=CarrierType.choices)
    qpv_population = models.PositiveIntegerField(_("population des QPV"))
    epci_siren_2015 = models.CharField(_("SIREN de l'EPCI (2015)"), max_length=9, blank=True)
    epci = models.ForeignKey(
        Epci,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="city_contracts",
        verbose_name=_("EPCI porteur (2022)"),
        help_text=_("Renseigné quand l'EPCI porteur existe encore dans la liste DGCL 2022."),
    )
    perimeter_commune_count = models.PositiveIntegerField(_("communes du périmètre"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrat de ville")
        verbose_name_plural = _("contrats de ville")
        ordering = ["department_code", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "department_code"], name="citycontract_code_department_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"
