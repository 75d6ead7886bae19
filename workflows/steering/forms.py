"""Steering forms (DSFR). They only collect and check input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from notifications.campaign import SEMESTER_FORM_CHOICES
from reference.forms import DATE_INPUT
from reference.models import CityContract
from workflows.cases.forms import CaseForm
from workflows.steering.models import Meeting

SEMESTERS = [("", "— (réunion annuelle ou ponctuelle)"), *SEMESTER_FORM_CHOICES]


class InviteesField(forms.CharField):
    """One invitee per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""
        return [line.strip() for line in str(text).splitlines() if line.strip()]


class MeetingCreateForm(CaseForm):
    kind = forms.ChoiceField(label="Type de réunion", choices=Meeting.Kind.choices)
    year = forms.IntegerField(label="Année", min_value=2019, max_value=2030)
    semester = forms.TypedChoiceField(label="Semestre", choices=SEMESTERS, coerce=int, empty_value=None, required=False)
    city_contract = forms.ModelChoiceField(
        label="Contrat de ville (réunion de territoire)",
        queryset=CityContract.objects.none(),
        required=False,
        empty_label="— (réunion du département ou de la région)",
    )
    date = forms.DateField(label="Date", widget=DATE_INPUT, required=False)
    invitees = InviteesField(
        label="Invités",
        required=False,
        help_text="Un invité par ligne. Vide : les invités habituels (recteur et directeur de l'ARS pour le collège).",
    )
    required_when = {
        "semester": "Obligatoire pour le collège des chefs de service (semestriel).",
        "city_contract": "Obligatoire pour une réunion de territoire.",
    }

    def __init__(self, *args: Any, city_contracts: QuerySet[CityContract], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["city_contract"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = city_contracts

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Meeting.Kind.TERRITORY and not data.get("city_contract"):
            self.add_error("city_contract", "Choisissez le contrat de ville de la réunion de territoire.")
        if data.get("kind") == Meeting.Kind.SERVICE_HEADS and not data.get("semester"):
            self.add_error("semester", "Le collège des chefs de service est semestriel : choisissez le semestre.")
        return data


class MeetingUpdateForm(CaseForm):
    date = forms.DateField(label="Date", widget=DATE_INPUT, required=False)
    invitees = InviteesField(label="Invités", required=False, help_text="Un invité par ligne.")
    minutes = forms.CharField(label="Compte rendu", widget=forms.Textarea(attrs={"rows": 8}), required=False)
