"""The parties that sign a case (a renovation's protocol, a PAQTE convention): one row per party,
for every case kind (linked through its content type and id, as ``Note`` is).

Circular of 22 January 2019: the renovation is engaged « avec les autres signataires » and
signed by « le président de l'établissement public de coopération intercommunale, le ou les
maire(s) et le préfet » (annex 1), with the other services associated (ARS, recteur, CAF,
bailleurs…); a PAQTE convention is signed with each company (annex 2). Each party has a contact,
a state (à solliciter → sollicitée → signée | refusée) with its date, and its proof: the signed
page, checked by the one upload validator (``workflows/uploads.py``) before it is stored.

The case is signed only when every mandatory party has signed: a blocking compliance rule of
each kind (``workflows.renewal.compliance``, ``workflows.paqte.compliance``) asks
``missing_parties``, so the transition table's ``sign`` refuses, naming them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from config.statements import Compiled
from workflows.cases.storage import private_name, private_storage


def _proof_upload_to(instance: Any, filename: str) -> str:
    return private_name(f"signataires/{instance.case_type_id}/{instance.case_id}", filename)


class Party(models.Model):
    class Role(models.TextChoices):
        PREFECT = "prefect", _("Préfet")
        EPCI_PRESIDENT = "epci_president", _("Président de l'EPCI")
        MAYOR = "mayor", _("Maire")
        ARS = "ars", _("Agence régionale de santé")
        RECTOR = "rector", _("Recteur")
        CAF = "caf", _("Caisse d'allocations familiales")
        LANDLORD = "landlord", _("Bailleur social")
        COMPANY = "company", _("Entreprise")
        OTHER = "other", _("Autre signataire")

    class State(models.TextChoices):
        TO_REQUEST = "to_request", _("À solliciter")
        REQUESTED = "requested", _("Sollicitée")
        SIGNED = "signed", _("Signée")
        REFUSED = "refused", _("Refusée")

    case_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")
    role = models.CharField(_("qualité"), max_length=20, choices=Role.choices)
    name = models.CharField(_("nom"), max_length=200, help_text=_("La personne ou l'organisme qui signe."))
    contact_email = models.EmailField(_("adresse électronique du contact"), blank=True)
    contact_phone = models.CharField(_("téléphone du contact"), max_length=30, blank=True)
    mandatory = models.BooleanField(_("signature obligatoire"), default=True)
    state = models.CharField(_("état"), max_length=12, choices=State.choices, default=State.TO_REQUEST)
    state_on = models.DateField(_("date"), null=True, blank=True)
    proof = models.FileField(
        _("page signée"), upload_to=_proof_upload_to, storage=private_storage, max_length=200, blank=True
    )
    proof_name = models.CharField(_("nom d'origine de la page signée"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    # Whom the party's reminders name at the prefecture: the agent who added it, then the one
    # who asked for its signature.
    prefecture_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact à la préfecture"),
    )

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        ordering = ["case_type", "case_id", "position", "pk"]
        indexes = [models.Index(fields=["case_type", "case_id"], name="party_case")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="signed") | (models.Q(state_on__isnull=False) & ~models.Q(proof="")),
                name="party_signed_has_date_and_proof",
                violation_error_message=_("Une signature a sa date et sa page signée."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.name}"


def parties_of(case: Any) -> models.QuerySet[Party]:
    return Party.objects.filter(case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk)


_IN_ORDER = Compiled(
    lambda case_type, case_id: Party.objects.filter(case_type_id=case_type, case_id=case_id).order_by("position", "pk"),
    int,
    int,
)


def parties_in_order(case: Any) -> list[Party]:
    """The case's parties in their order of signature (its page's list: compiled once)."""
    return _IN_ORDER.all(ContentType.objects.get_for_model(type(case)).pk, case.pk)


def missing_parties(case: Any) -> list[Party]:
    """The mandatory parties that have not signed yet (refused ones included)."""
    return [party for party in parties_of(case) if party.mandatory and party.state != Party.State.SIGNED]


PARTY_TONES = {"to_request": "warning", "requested": "info", "signed": "success", "refused": "error"}
# The actions of a party's history rows (``workflows.cases.party_history``), as the timeline names them.
ACTIONS = {
    "party_add": "Signataire ajouté",
    "party_request": "Signature sollicitée",
    "party_sign": "Signature enregistrée",
    "party_refuse": "Refus de signer enregistré",
}


def _party_history_of(case_type: int, case_id: int) -> models.QuerySet[Any]:
    history: Any = Party._meta.get_field("history").related_model
    return (
        history.objects.filter(party__case_type_id=case_type, party__case_id=case_id)
        .select_related("actor")
        .order_by("at", "pk")
    )


_PARTY_HISTORY = Compiled(_party_history_of, int, int)  # every case page's timeline


def party_timeline_rows(case: Any) -> list[dict[str, Any]]:
    """The changes of the case's parties as its timeline shows them (``history.timeline``). The
    history model is reached through its foreign key: it is built on the history's base, which
    asks this function, so this module does not import it."""
    labels = dict(Party.State.choices)
    rows = _PARTY_HISTORY.all(ContentType.objects.get_for_model(type(case)).pk, case.pk)
    return [
        {
            "at": row.at,
            "action": ACTIONS.get(row.transition, row.transition),
            "source": labels.get(row.source, "—") if row.source else "—",
            "target": labels.get(row.target, row.target),
            "source_tone": PARTY_TONES.get(row.source, ""),
            "target_tone": PARTY_TONES.get(row.target, ""),
            "actor": row.actor or "Quartiers (automatique)",
            "comment": row.comment,
        }
        for row in rows
    ]
