"""Forms of the renovation task pages (French labels come from the models)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms import inlineformset_factory

from dsfr.forms import DsfrBaseForm

from reference.models import CityContract, MeasureIndicator
from workflows.renewal.models import Commitment, Renewal, RenewalDocument
from workflows.renewal.transitions import TRANSITIONS


class EvaluationForm(DsfrBaseForm, forms.ModelForm[Renewal]):
    document = forms.FileField(
        label="Document d'évaluation",
        required=False,
        help_text="PDF ou fichier bureautique, 10 Mo au plus. Facultatif s'il a déjà été déposé.",
    )

    class Meta:
        model = Renewal
        fields = [
            "evaluation_date",
            "evaluation_strengths",
            "evaluation_improvements",
            "councils_consulted_on",
            "councils_consulted",
        ]
        widgets = {
            "evaluation_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "councils_consulted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    uploads = {"document": RenewalDocument.Kind.EVALUATION}


class ProtocolForm(DsfrBaseForm, forms.ModelForm[Renewal]):
    class Meta:
        model = Renewal
        fields = [
            "urban_renewal_project",
            "educational_city_project",
            "other_major_projects",
            "childhood_parenting",
            "merged_contracts",
            "protocol_signatories",
        ]

    uploads: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["childhood_parenting"].required = True
        self.fields["protocol_signatories"].required = True
        renewal = self.instance
        merged = self.fields["merged_contracts"]
        assert isinstance(merged, forms.ModelMultipleChoiceField)
        merged.queryset = CityContract.objects.filter(
            department=renewal.department, carrier_type=CityContract.CarrierType.COMMUNE
        ).exclude(pk=renewal.city_contract_id)
        merged.required = False


class DecisionForm(DsfrBaseForm, forms.Form):
    """A decision among the transitions that complete one task (the prefect's validation, the
    CGET's review), with the comment their table requires (a return says what to take up)."""

    node = ""
    legend = ""
    decision = forms.ChoiceField(widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Obligatoire en cas de renvoi.",
    )
    uploads: dict[str, str] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision = self.fields["decision"]
        assert isinstance(decision, forms.ChoiceField)
        decision.label = self.legend
        decision.choices = [(spec.name, spec.label) for spec in TRANSITIONS.completing(self.node)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spec = TRANSITIONS.get(data.get("decision") or "")
        if spec is not None and spec.comment_required and not (data.get("comment") or "").strip():
            self.add_error("comment", "Expliquez à l'agent ce qui doit être repris.")
        return data


class ValidationForm(DecisionForm):
    node = "validate"
    legend = "Décision du préfet"


class ReviewForm(DecisionForm):
    node = "review"
    legend = "Décision du CGET"


class SignatureForm(DsfrBaseForm, forms.ModelForm[Renewal]):
    document = forms.FileField(label="Protocole signé (PDF)", required=False, help_text="PDF, 10 Mo au plus.")

    class Meta:
        model = Renewal
        fields = ["signed_on", "signed_by"]
        widgets = {"signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    uploads = {"document": RenewalDocument.Kind.SIGNED_PROTOCOL}


TASK_FORMS: dict[str, type[forms.BaseForm]] = {
    "evaluate": EvaluationForm,
    "build_protocol": ProtocolForm,
    "validate": ValidationForm,
    "review": ReviewForm,
    "sign": SignatureForm,
}


class CommitmentForm(DsfrBaseForm, forms.ModelForm[Commitment]):
    class Meta:
        model = Commitment
        fields = [
            "party",
            "party_name",
            "domain",
            "other_domain",
            "text",
            "indicator",
            "measure_indicator",
            "target_value",
            "target_year",
            "frequency",
            "unit",
        ]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.fields["measure_indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = MeasureIndicator.objects.select_related("measure")
        indicator.required = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("party") == Commitment.Party.OTHER and not data.get("party_name"):
            self.add_error("party_name", "Nommez l'autre signataire.")
        if data.get("domain") == "other" and not data.get("other_domain"):
            self.add_error("other_domain", "Précisez le domaine.")
        return data


CommitmentFormSet = inlineformset_factory(
    Renewal, Commitment, form=CommitmentForm, extra=1, can_delete=True, max_num=60
)


class DocumentForm(DsfrBaseForm, forms.Form):
    kind = forms.ChoiceField(label="Nature", choices=RenewalDocument.Kind.choices)
    file = forms.FileField(label="Fichier", help_text="PDF ou fichier bureautique, 10 Mo au plus.")


class ReassignForm(DsfrBaseForm, forms.Form):
    to = forms.TypedChoiceField(label="Confier à", coerce=int)
