"""The forms of a case's parties (``workflows.cases.party_services``), on the kernel's DSFR base."""

from __future__ import annotations

from typing import Any

from django import forms

from notifications.campaign import campaign_today
from reference.forms import DATE_INPUT
from workflows.cases.forms import CHECKBOX_TEMPLATE, CaseForm
from workflows.cases.parties import Party


class PartyAddForm(CaseForm):
    role = forms.ChoiceField(label="Qualité", choices=[("", "Choisir une qualité"), *Party.Role.choices])
    name = forms.CharField(label="Nom", max_length=200, help_text="La personne ou l'organisme qui signe.")
    contact_email = forms.EmailField(
        label="Adresse électronique du contact",
        required=False,
        help_text="Les relances de signature lui sont envoyées tant qu'il n'a pas signé.",
    )
    mandatory = forms.BooleanField(
        label="Signature obligatoire",
        required=False,
        initial=True,
        help_text="Le dossier n'est signé que lorsque chaque signataire obligatoire a signé.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A yes/no choice, not an answer one may skip: no « (Optionnel) ».
        self.fields["mandatory"].template_name = CHECKBOX_TEMPLATE
        self.fields["mandatory"].widget.attrs.pop("required", None)


class PartyStateForm(CaseForm):
    STATES = [
        (Party.State.REQUESTED, "Sollicitée"),
        (Party.State.SIGNED, "Signée"),
        (Party.State.REFUSED, "Refusée"),
    ]
    required_when = {"page": "Obligatoire pour une signature."}

    state = forms.ChoiceField(label="Nouvel état", choices=STATES, widget=forms.RadioSelect)
    on = forms.DateField(
        label="Date",
        widget=DATE_INPUT,
        initial=campaign_today,
        help_text="Date de la demande, de la signature ou du refus.",
    )
    page = forms.FileField(label="Page signée (PDF)", help_text="Taille maximale : 10 Mo.")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("state") == Party.State.SIGNED and not cleaned.get("page"):
            self.add_error("page", "Déposez la page signée (PDF) pour enregistrer la signature.")
        return cleaned
