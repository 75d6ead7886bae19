from __future__ import annotations

from typing import Any

from django import forms

from reference.forms import DsfrForm
from workflows.renewal.followup.services import follow_up_value_clean
from workflows.renewal.models import Commitment


class FollowUpForm(DsfrForm, forms.Form):
    value = forms.CharField(label="Valeur de l'indicateur", max_length=100)
    comment = forms.CharField(
        label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )

    def __init__(self, *args: Any, commitment: Commitment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commitment = commitment
        unit = commitment.get_unit_display() if commitment.unit else ""
        self.fields["value"].help_text = (
            f"Unité : {unit}." if unit else "Indicateur sans unité : valeur ou appréciation en quelques mots."
        )

    def clean_value(self) -> str:
        return follow_up_value_clean(commitment=self.commitment, value=self.cleaned_data["value"])
