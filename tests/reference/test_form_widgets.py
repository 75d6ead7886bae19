"""The product's lists write their options in Python (``reference.templatetags.form_widgets``):
the same HTML as Django's own templates, character for character, whatever the choices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

import pytest

from reference.forms import RENDERER

DJANGO = DjangoTemplates()  # Django's templates only: the reference

GROUPED = [
    ("", "Sélectionner une option"),
    ("Tranquillité <publique>", [(1, "Nombre de QRR"), (2, "Postes « créés » & d'autres")]),
    ('Logement "social"', [("3", gettext_lazy("Communes carencées")), (4, mark_safe("<b>déjà sûr</b>"))]),
    ("x\"'<>&", "Valeur à échapper"),
]


@pytest.mark.parametrize(
    ("widget", "value"),
    [
        (forms.Select(choices=GROUPED), None),
        (forms.Select(choices=GROUPED), 2),
        (forms.Select(choices=GROUPED, attrs={"class": "fr-select", "aria-describedby": 'a"b'}), "x\"'<>&"),
        (forms.Select(choices=[(True, "Oui"), (False, "Non")], attrs={"disabled": True, "required": False}), False),
        (forms.SelectMultiple(choices=GROUPED), [1, "3"]),
        (forms.NullBooleanSelect(), None),
        (forms.NullBooleanSelect(), True),
        (forms.Select(choices=[]), None),
    ],
)
def test_a_list_is_written_as_django_writes_it(widget: forms.Widget, value: Any) -> None:
    ours = widget.render("champ", value, attrs={"id": "id_champ"}, renderer=RENDERER)
    assert ours == widget.render("champ", value, attrs={"id": "id_champ"}, renderer=DJANGO)
    assert "<option" in ours or not widget.choices  # type: ignore[attr-defined]


class OwnOptions(forms.Select):
    """A list whose options have a template of their own (one Django and the DSFR share)."""

    option_template_name = "django/forms/widgets/input.html"


def test_an_option_of_another_template_is_rendered_by_that_template() -> None:
    widget = OwnOptions(choices=GROUPED)
    ours = widget.render("champ", 2, renderer=RENDERER)
    assert ours == widget.render("champ", 2, renderer=DJANGO)
    assert ours.count("<input") == 6  # the empty choice and five


def test_the_product_renderer_reads_the_python_options() -> None:
    """Not a copy that only looks the same: the product's renderer uses the product's template."""
    template = RENDERER.get_template("django/forms/widgets/select.html")
    assert "optgroups widget" in template.template.source


def test_a_radio_list_keeps_its_own_templates() -> None:
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    html = widget.render("choix", "a", renderer=RENDERER)
    assert html.count('type="radio"') == 2
    assert "<option" not in html


@pytest.mark.django_db
def test_a_protocol_reads_the_indicators_once_for_all_its_commitments(django_assert_num_queries: Any) -> None:
    from reference.models import MeasureIndicator
    from workflows.renewal.forms import CommitmentForm, CommitmentFormSet
    from workflows.renewal.models import Renewal

    indicators = MeasureIndicator.objects.count()
    with django_assert_num_queries(1):  # the indicators, once: the rows and the empty row
        formset = CommitmentFormSet(instance=Renewal(), prefix="engagements")
        rows = [*formset.forms, formset.empty_form, formset.empty_form]
        html = "".join(str(form["measure_indicator"]) for form in rows)
    assert html.count("<option") == 3 * (indicators + 1)
    # The same list as the form's own choices (Django's ModelChoiceIterator) would write.
    alone = CommitmentForm(prefix="engagements-0")
    assert str(alone["measure_indicator"]) == str(formset.forms[0]["measure_indicator"])


# --- Fields and their DSFR groups, written in Python (``reference.forms.FormRenderer.render``) ---

# ``templates/forms/field_required_when.html`` as it was written in the template language, before
# its group was written in Python (``originals/forms/``): the reference its tag must match.
ORIGINALS = Path(__file__).resolve().parent / "originals"
ATTRS = "django/forms/widgets/attrs.html"
DSFR_GROUP = "dsfr/form_field_snippets/input_snippet.html"


@pytest.fixture(scope="module")
def originals() -> Any:
    """A renderer of the original templates: Django's widgets, django-dsfr's groups, the product's
    required-when group as above, then the product's other form templates, all in the template
    language (no Python writer)."""
    from django.conf import settings
    from django.forms.renderers import DjangoTemplates
    from django.utils.functional import cached_property

    import dsfr

    class Originals(DjangoTemplates):
        @cached_property
        def engine(self) -> Any:
            return self.backend(
                {
                    "APP_DIRS": False,
                    "DIRS": [
                        ORIGINALS,
                        Path(dsfr.__file__).resolve().parent / "templates",
                        Path(forms.__file__).resolve().parent / "templates",
                        Path(settings.BASE_DIR) / "templates",
                    ],
                    "NAME": "originals",
                    "OPTIONS": {},
                }
            )

    renderer = Originals()
    # The originals indeed: Django's attributes loop, django-dsfr's group, the template above.
    assert "{% for name, value in widget.attrs.items %}" in renderer.get_template(ATTRS).template.source
    assert "dsfr_input_class_attr" in renderer.get_template(DSFR_GROUP).template.source
    return renderer


def test_the_product_renderer_writes_fields_in_python() -> None:
    from reference.forms import _WRITTEN

    assert {DSFR_GROUP, "django/forms/widgets/input.html", "django/forms/widgets/textarea.html"} <= set(_WRITTEN)
    assert "widget_attrs" in RENDERER.get_template(ATTRS).template.source


def _each_field_both_ways(form_class: Any, originals: Any, **kwargs: Any) -> list[str]:
    """Each field's group written by the product's renderer and by the original templates (two
    forms built alike: django-dsfr changes a widget's attributes while writing it)."""
    written = []
    ours, theirs = form_class(renderer=RENDERER, **kwargs), form_class(renderer=originals, **kwargs)
    for name in ours.fields:
        html = ours[name].as_field_group()
        assert html == theirs[name].as_field_group(), name
        assert str(ours[name]) == str(theirs[name]), name  # the widget alone, as a template prints it
        written.append(html)
    return written


class EveryKind(forms.Form):
    """A field of each kind the product's forms have, with what a writer must escape or keep."""

    title = forms.CharField(label="Intitulé <b>", help_text='Voir l\'<a href="/aide/">annexe 2</a>', max_length=80)
    optional = forms.CharField(label="Précisions", required=False, initial='« x » & "y" <z>')
    text = forms.CharField(label="Texte", widget=forms.Textarea(attrs={"rows": 4}), initial="a <b> & c\nd")
    empty_text = forms.CharField(label="Vide", widget=forms.Textarea, required=False)
    count = forms.IntegerField(label="Nombre", min_value=0, initial=3)
    amount = forms.DecimalField(label="Montant", decimal_places=2, required=False)
    on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    email = forms.EmailField(label="Courriel", required=False, disabled=True, initial="a@b.fr")
    choice = forms.ChoiceField(label="Choix", choices=GROUPED, required=False)
    several = forms.MultipleChoiceField(label="Plusieurs", choices=[("a", "A"), ("b", "B")], required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, initial='h"<')
    piece = forms.FileField(label="Pièce", required=False, help_text="PDF, 10 Mo")
    yes = forms.BooleanField(label="Oui", required=False)
    radio = forms.ChoiceField(label="Radio", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)


class EveryKindDsfr(EveryKind):
    default_renderer = RENDERER
    template_name = "dsfr/form_snippet.html"


def _dsfr(form_class: type[forms.Form]) -> Any:
    from dsfr.forms import DsfrBaseForm

    return type(f"Dsfr{form_class.__name__}", (DsfrBaseForm, form_class), {})


@pytest.mark.parametrize(
    "data",
    [
        None,  # unbound: initial values
        {},  # bound, nothing typed: the required fields' errors
        {"title": "x" * 81, "count": "-1", "on": "31/02/2019", "choice": "nope", "optional": "<script>"},
    ],
)
def test_every_kind_of_field_is_written_as_the_templates_wrote_it(data: Any, originals: Any) -> None:
    written = _each_field_both_ways(_dsfr(EveryKind), originals, data=data)
    html = "".join(written)
    assert "&lt;b&gt;" in html and '<a href="/aide/">annexe 2</a>' in html  # label escaped, hint kept
    if data is not None:
        assert "fr-input-group--error" in html and 'aria-invalid="true"' in html


@pytest.mark.django_db
def test_the_product_forms_are_written_as_the_templates_wrote_them(originals: Any) -> None:
    """Every task form of the renovation and the commitments' row, unbound and bound with
    nothing typed (their errors), field by field."""
    from reference.models import CityContract
    from workflows.cases.forms import CaseForm
    from workflows.renewal.forms import TASK_FORMS, CommitmentForm
    from workflows.renewal.models import Renewal

    contract = CityContract.objects.filter(department__code="59").order_by("code").first()
    assert contract is not None
    renewal = Renewal.objects.create(city_contract=contract, department=contract.department)
    checked = 0
    classes: list[Any] = [*TASK_FORMS.values(), CommitmentForm]
    for form_class in sorted(set(classes), key=lambda found: found.__name__):
        kwargs: dict[str, Any] = {}
        if form_class is not CommitmentForm and hasattr(form_class, "_meta"):
            kwargs["instance"] = renewal
        for data in (None, {"-": ""}):  # unbound; bound with nothing typed
            checked += len(_each_field_both_ways(form_class, originals, data=data, **kwargs))
    assert checked > 40
    assert issubclass(next(iter(TASK_FORMS.values())), CaseForm)


def test_the_required_when_group_matches_its_original_template(originals: Any) -> None:
    from workflows.cases.forms import CaseForm

    class ReturnForm(CaseForm):
        reason = forms.CharField(label="Motif", help_text="Voir l'annexe")
        required_when = {"reason": "Obligatoire en cas de renvoi."}
        other = forms.CharField(label="Autre", required=False)
        required_when_other = None

    for data in (None, {}, {"reason": "<b>"}):
        ours = ReturnForm(renderer=RENDERER, data=data)["reason"]
        theirs = ReturnForm(renderer=originals, data=data)["reason"]
        assert ours.template_name == "forms/field_required_when.html"
        assert ours.as_field_group() == theirs.as_field_group()
