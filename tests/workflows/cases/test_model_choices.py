"""A case form's model list (``ChoicesInOneQuery``): one plain query, the same options as
Django's own iterator writes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from reference.models import Measure
from workflows.cases.forms import CaseForm


class MeasureForm(CaseForm):
    measure = forms.ModelChoiceField(queryset=Measure.objects.order_by("number"), label="Mesure")
    measures = forms.ModelMultipleChoiceField(queryset=Measure.objects.order_by("number"), label="Mesures")


class DjangoMeasureForm(forms.Form):
    measure = forms.ModelChoiceField(queryset=Measure.objects.order_by("number"), label="Mesure")
    measures = forms.ModelMultipleChoiceField(queryset=Measure.objects.order_by("number"), label="Mesures")


def options(html: str) -> str:
    return html.split(">", 1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {"measure": "", "measures": []}])
def test_a_model_list_is_read_in_one_query_without_a_server_side_cursor(data: Any) -> None:
    measures = list(Measure.objects.order_by("number"))
    assert measures
    form = MeasureForm(data=data)
    with CaptureQueriesContext(connection) as queries:
        html = str(form["measure"].as_widget())
    assert len(queries) == 1
    assert not any("DECLARE" in q["sql"] or "COUNT(" in q["sql"] for q in queries.captured_queries)
    assert html.count("<option") == len(measures) + 1  # and « Sélectionner une option »
    django = DjangoMeasureForm(data=data)
    django.fields["measure"].empty_label = form.fields["measure"].empty_label  # type: ignore[attr-defined]
    # The same options (DSFR adds its class to the <select> itself).
    assert options(html) == options(str(django["measure"].as_widget()))
    assert options(str(form["measures"].as_widget())) == options(str(django["measures"].as_widget()))
    assert len(form.fields["measure"].choices) == len(measures) + 1
