"""Synthesis form (DSFR). It only collects and checks input; the service writes."""

from __future__ import annotations

from typing import Any

from django import forms

from workflows.cases.forms import REQUIRED_WHEN_TEMPLATE, CaseForm
from workflows.synthesis.models import LIMIT_HELP, PARAGRAPHS_MAX, PARTS, TOTAL_MAX_CHARS, length_errors

PART_HELP = {
    "steps_taken": "Mobilisation des services de l'État, des collectivités et des partenaires depuis la circulaire.",
    "measures": "Les mesures de la feuille de route (40 mesures) et du pacte de Dijon déclinées dans les contrats.",
    "renovation_deadline": (
        "Où en est la rénovation des contrats au regard de l'échéance de signature (le tableau de l'état de la "
        "rénovation est inséré automatiquement, ne le recopiez pas)."
    ),
    "difficulties": "Les difficultés rencontrées et les appuis attendus.",
}


class SynthesisForm(CaseForm):
    """The four parts; a draft may miss some (all are required to send it to validation)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field, title in PARTS:
            self.fields[field] = forms.CharField(
                label=title,
                required=False,
                strip=True,
                help_text=(
                    f"{PART_HELP[field]} Obligatoire pour soumettre la synthèse à la validation (pas pour "
                    f"enregistrer le brouillon) ; {PARAGRAPHS_MAX} paragraphes au plus."
                ),
                widget=forms.Textarea(
                    attrs={"rows": 10, "data-synthesis-part": field, "aria-describedby": f"compteur-{field}"}
                ),
            )
            # Required to send, not to save: never « (Optionnel) » (workflows/cases/forms.py).
            self.fields[field].template_name = REQUIRED_WHEN_TEMPLATE

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        errors = length_errors({field: data.get(field, "") or "" for field, _title in PARTS})
        for error in errors:
            self.add_error(None, error)
        return data


__all__ = ["LIMIT_HELP", "TOTAL_MAX_CHARS", "SynthesisForm"]
