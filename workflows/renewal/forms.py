"""Forms of the renovation task pages (French labels come from the models)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory

from reference.forms import DsfrForm
from reference.models import CityContract, MeasureIndicator
from workflows.cases.forms import CHECKBOX_TEMPLATE, CaseForm, CaseModelForm
from workflows.renewal.followup.services import follow_up_value_clean
from workflows.renewal.models import Commitment, Renewal, RenewalDocument
from workflows.renewal.transitions import TRANSITIONS


def _document_required(form: forms.BaseForm, name: str, kind: str, message: str) -> None:
    """A task's document is required unless one of its kind is already deposited on the case."""
    instance = getattr(form, "instance", None)
    if getattr(form, "draft", False) or form.cleaned_data.get(name) or instance is None:
        return
    if not instance.documents.filter(kind=kind).exists():
        form.add_error(name, message)


class EvaluationForm(CaseModelForm):
    """The mid-term evaluation (circular of 22 January 2019, annex 1: its date, what works and what
    must improve, the conseils citoyens consulted): everything the transition needs is asked here."""

    document = forms.FileField(
        label="Document d'évaluation",
        required=False,
        help_text="PDF ou fichier bureautique, 10 Mo au plus.",
    )
    required_when = {"document": "Obligatoire s'il n'a pas encore été déposé."}
    required_to_submit = (
        "evaluation_date",
        "evaluation_strengths",
        "evaluation_improvements",
        "councils_consulted_on",
        "councils_consulted",
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
            "evaluation_strengths": forms.Textarea(attrs={"rows": 5}),
            "evaluation_improvements": forms.Textarea(attrs={"rows": 5}),
            "councils_consulted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "councils_consulted": forms.Textarea(attrs={"rows": 3}),
        }

    uploads = {"document": RenewalDocument.Kind.EVALUATION}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _document_required(
            self, "document", RenewalDocument.Kind.EVALUATION, "Déposez le document d'évaluation à mi-parcours."
        )
        return data


class ProtocolForm(CaseModelForm):
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
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (
                "urban_renewal_project",
                "educational_city_project",
                "other_major_projects",
                "childhood_parenting",
                "protocol_signatories",
            )
        }

    uploads: dict[str, str] = {}
    required_to_submit = ("childhood_parenting", "protocol_signatories")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        renewal = self.instance
        merged = self.fields["merged_contracts"]
        assert isinstance(merged, forms.ModelMultipleChoiceField)
        merged.queryset = CityContract.objects.filter(
            department=renewal.department, carrier_type=CityContract.CarrierType.COMMUNE
        ).exclude(pk=renewal.city_contract_id)
        merged.required = False


class DecisionForm(CaseForm):
    """A decision among the transitions that complete one task (the prefect's validation, the
    CGET's review), with the comment their table requires (a return says what to take up)."""

    node = ""
    legend = ""
    decision = forms.ChoiceField(widget=forms.RadioSelect)
    comment = forms.CharField(
        label="Commentaire",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required_when = {"comment": "Obligatoire en cas de renvoi : il est transmis à l'agent et gardé dans l'historique."}
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


class SignatureForm(CaseModelForm):
    document = forms.FileField(label="Protocole signé (PDF)", required=False, help_text="PDF, 10 Mo au plus.")

    class Meta:
        model = Renewal
        fields = ["signed_on", "signed_by"]
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "signed_by": forms.Textarea(attrs={"rows": 3}),
        }

    uploads = {"document": RenewalDocument.Kind.SIGNED_PROTOCOL}
    required_when = {"document": "Obligatoire s'il n'a pas encore été déposé."}
    required_to_submit = ("signed_on", "signed_by")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _document_required(self, "document", RenewalDocument.Kind.SIGNED_PROTOCOL, "Déposez le protocole signé (PDF).")
        return data


TASK_FORMS: dict[str, type[forms.BaseForm]] = {
    "evaluate": EvaluationForm,
    "build_protocol": ProtocolForm,
    "validate": ValidationForm,
    "review": ReviewForm,
    "sign": SignatureForm,
}


class CommitmentForm(CaseModelForm):
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
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "target_value": "Dans l'unité de l'indicateur : un pourcentage entre 0 et 100, un nombre entier…",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        indicator = self.fields["measure_indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = MeasureIndicator.objects.select_related("measure")
        indicator.required = False

    required_when = {
        "party_name": "Obligatoire si la partie est « Autre signataire ».",
        "other_domain": "Obligatoire si le domaine est « Autre domaine ».",
    }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("party") == Commitment.Party.OTHER and not data.get("party_name"):
            self.add_error("party_name", "Nommez l'autre signataire.")
        if data.get("domain") == "other" and not data.get("other_domain"):
            self.add_error("other_domain", "Précisez le domaine.")
        target = data.get("target_value")
        if target and "target_value" not in self.errors:
            # The target is checked as its follow-ups will be: the same unit rules, one implementation.
            probe = Commitment(unit=data.get("unit") or "")
            try:
                data["target_value"] = follow_up_value_clean(commitment=probe, value=target)
            except ValidationError as invalid:
                self.add_error("target_value", invalid)
        return data


class BaseCommitmentFormSet(forms.BaseInlineFormSet):
    """The protocol's commitments: one row per commitment, each with its « Supprimer » box; one
    blank row to add one without JavaScript (with it, « Ajouter un engagement » adds rows from
    ``empty_form``, static/quartiers/formset.js). A blank row has no « Supprimer » box."""

    def add_fields(self, form: forms.BaseForm, index: int | None) -> None:
        super().add_fields(form, index)
        # The indicators of the 40 measures, read once for every row (and the empty row of
        # « Ajouter un engagement »), not once a row: the choices are the same.
        indicator = form.fields["measure_indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        if not hasattr(self, "_indicator_choices"):
            # One plain query (the case forms' ``ChoicesInOneQuery``).
            self._indicator_choices = list(iter(indicator.choices))  # type: ignore[arg-type]
        indicator.choices = self._indicator_choices
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Supprimer cet engagement"
            form.fields["DELETE"].template_name = CHECKBOX_TEMPLATE  # type: ignore[attr-defined]


CommitmentFormSet = inlineformset_factory(
    Renewal,
    Commitment,
    form=CommitmentForm,
    formset=BaseCommitmentFormSet,
    extra=1,
    can_delete=True,
    can_delete_extra=False,
    max_num=60,
    validate_max=True,
)


class DocumentForm(DsfrForm, forms.Form):
    rendered_once = True
    kind = forms.ChoiceField(label="Nature", choices=RenewalDocument.Kind.choices)
    file = forms.FileField(label="Fichier", help_text="PDF ou fichier bureautique, 10 Mo au plus.")


class ReassignForm(DsfrForm, forms.Form):
    to = forms.TypedChoiceField(label="Confier à", coerce=int)
