"""The product's lists write their options in Python (``reference.templatetags.form_widgets``):
the same HTML as Django's own templates, character for character, whatever the choices."""

from __future__ import annotations

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
