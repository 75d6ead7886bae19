"""The forms of a case's notes and messages: a text and, optionally, one attached file."""

from __future__ import annotations

from django import forms

from reference.forms import DsfrForm
from workflows.cases.notes import MAX_TEXT


class ExchangeForm(DsfrForm, forms.Form):
    rendered_once = True
    texte = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_TEXT)
    piece = forms.FileField(
        label="Pièce jointe", required=False, help_text="PDF ou fichier bureautique, 10 Mo au plus."
    )

    def __init__(self, *args: object, prefix_id: str = "", **kwargs: object) -> None:
        super().__init__(*args, auto_id=f"id_{prefix_id}_%s" if prefix_id else "id_%s", **kwargs)  # type: ignore[arg-type, misc]
