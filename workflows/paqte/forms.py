"""PAQTE forms (DSFR). They only collect and check input; the services write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from notifications.campaign import SEMESTER_FORM_CHOICES
from reference.models import Department
from workflows.cases.forms import EMPTY_CHOICE, CaseForm, CaseModelForm
from workflows.paqte.models import (
    Axis,
    CommitteeMember,
    Company,
    KeyIndicator,
    Objective,
    ReferentDesignation,
    SemesterReport,
)
from workflows.paqte.siret import siret_clean

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ConventionCreateForm(CaseForm):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="Département")
    siret = forms.CharField(label="SIRET de l'entreprise", max_length=20, help_text="14 chiffres.")
    name = forms.CharField(label="Raison sociale", max_length=200, required=False)
    size = forms.ChoiceField(label="Taille", choices=[("", EMPTY_CHOICE), *Company.Size.choices], required=False)
    sector = forms.CharField(label="Secteur d'activité", max_length=150, required=False)
    address = forms.CharField(label="Adresse", max_length=300, required=False)
    signature_level = forms.ChoiceField(
        label="Signature", choices=[("", EMPTY_CHOICE), *Company.SignatureLevel.choices], required=False
    )
    required_when = dict.fromkeys(
        ("name", "size", "sector", "address", "signature_level"),
        "Obligatoire pour une entreprise qui n'est pas encore connue.",
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()

    def clean_siret(self) -> str:
        return siret_clean(self.cleaned_data["siret"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        siret = data.get("siret")
        if siret and not Company.objects.filter(siret=siret).exists():
            for name in ("name", "size", "sector", "address", "signature_level"):
                if not data.get(name):
                    self.add_error(name, "Obligatoire pour une entreprise qui n'est pas encore connue.")
        return data


class ObjectiveForm(CaseForm):
    indicator = forms.ModelChoiceField(
        queryset=KeyIndicator.objects.order_by("position"),
        label="Indicateur clé",
        required=False,
        empty_label="— engagement spécifique (PME, TPE) —",
    )
    axis = forms.ChoiceField(
        label="Axe de l'engagement spécifique", choices=[("", EMPTY_CHOICE), *Axis.choices], required=False
    )
    label = forms.CharField(label="Engagement spécifique", max_length=250, required=False)
    target = forms.IntegerField(label="Cible", min_value=0)
    required_when = {
        "axis": "Obligatoire pour un engagement spécifique.",
        "label": "Obligatoire pour un engagement spécifique.",
    }

    def clean(self) -> dict[str, Any]:
        # An objective is a key indicator, or a PME's or TPE's specific commitment on one axis (annex 2).
        data = super().clean() or {}
        if not data.get("indicator"):
            if not data.get("axis"):
                self.add_error("axis", "Choisissez l'axe de l'engagement spécifique.")
            if not (data.get("label") or "").strip():
                self.add_error("label", "Décrivez l'engagement spécifique.")
        return data


class ResultForm(CaseForm):
    objective = forms.ModelChoiceField(queryset=Objective.objects.none(), label="Objectif")
    year = forms.IntegerField(label="Année", min_value=2018, max_value=2100)
    semester = forms.TypedChoiceField(label="Semestre", choices=SEMESTER_FORM_CHOICES, coerce=int)
    value = forms.IntegerField(label="Réalisé", min_value=0)

    def __init__(self, *args: Any, objectives: QuerySet[Objective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objective"].queryset = objectives
        self.fields["objective"].label_from_instance = lambda o: o.title


class ReferentForm(CaseModelForm):
    class Meta:
        model = ReferentDesignation
        fields = ["name", "function", "email", "phone"]


class ReportForm(CaseModelForm):
    """The annex 2 report: a draft may miss anything; sending it needs what ``is_complete`` checks."""

    required_when = dict.fromkeys(
        ("organisation", "pru_count", "job_seekers_qpv"),
        "Obligatoire pour soumettre le bilan à la validation préfectorale.",
    )

    class Meta:
        model = SemesterReport
        fields = ["organisation", "partners", "examples", "strategy", "pru_count", "job_seekers_qpv"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in ("organisation", "partners", "examples", "strategy")
        }


class ReportCreateForm(CaseForm):
    department = forms.ModelChoiceField(queryset=Department.objects.none(), label="Département")
    year = forms.IntegerField(label="Année", min_value=2019, max_value=2100)
    semester = forms.TypedChoiceField(label="Semestre", choices=SEMESTER_FORM_CHOICES, coerce=int)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if departments.count() == 1:
            self.fields["department"].initial = departments.first()


class MemberForm(CaseModelForm):
    class Meta:
        model = CommitteeMember
        fields = ["kind", "name", "contact"]


class MeetingForm(CaseForm):
    """A PAQTE steering committee or checkpoint, recorded as a meeting of the département."""

    kind = forms.ChoiceField(
        label="Type de réunion",
        choices=[
            ("paqte_committee", "Comité de pilotage"),
            ("paqte_checkpoint", "Point d'étape avec les entreprises signataires"),
        ],
    )
    held_on = forms.DateField(label="Date", widget=DATE_INPUT)
    companies = forms.ModelMultipleChoiceField(
        label="Entreprises présentes", queryset=Company.objects.none(), required=False
    )
    minutes = forms.CharField(label="Compte rendu", required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, companies: QuerySet[Company], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["companies"].queryset = companies
