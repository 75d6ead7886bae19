"""The product's own field templates (``templates/forms/``: a field required in some case only, a
yes/no checkbox) render a field's help text as django-dsfr's field snippets do, which are the
templates of every other field: not escaped, Django's help texts being HTML by convention (its
own ``django/forms/field.html`` writes ``{{ field.help_text|safe }}``), so that a hint with
markup or an apostrophe reads the same whichever template the field has."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from workflows.cases.actions import ActionCommentForm
from workflows.cases.forms import CHECKBOX_TEMPLATE, CaseForm

DSFR_INPUT = "dsfr/form_field_snippets/input_snippet.html"
DSFR_CHECKBOX = "dsfr/form_field_snippets/checkbox_snippet.html"
ANNEX = 'Voir l\'<a href="/aide/annexe-2/">annexe 2</a> de la circulaire.'


class ReturnForm(CaseForm):
    reason = forms.CharField(label="Motif", help_text=ANNEX)
    required_when = {"reason": "Obligatoire en cas de renvoi."}
    confirmed = forms.BooleanField(label="Je confirme", required=False, help_text=ANNEX)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].template_name = CHECKBOX_TEMPLATE


def hint(html: str) -> str:
    """The DSFR hint of a rendered field (its ``fr-hint-text`` span, tags and all)."""
    match = re.search(r'<span class="fr-hint-text"[^>]*>.*?</span>(?=\s*</label>|\s*$)', html, re.S)
    assert match is not None, html
    return match.group(0)


def test_a_required_when_hint_with_markup_renders_as_dsfr_s() -> None:
    field = ReturnForm()["reason"]
    ours = hint(field.as_field_group())  # templates/forms/field_required_when.html
    assert 'l\'<a href="/aide/annexe-2/">annexe 2</a> de la circulaire. Obligatoire en cas de renvoi.' in ours
    assert ours == hint(field.render(DSFR_INPUT))


def test_a_checkbox_hint_with_markup_renders_as_dsfr_s() -> None:
    field = ReturnForm()["confirmed"]
    ours = hint(field.as_field_group())  # templates/forms/checkbox.html
    assert ANNEX in ours
    assert ours == hint(field.render(DSFR_CHECKBOX))


def test_a_required_comment_s_hint_renders_as_dsfr_s() -> None:
    """The product's own: the return's comment, whose hint says who reads it."""
    form = ActionCommentForm(
        action="Renvoyer à l'agent", readers="il est transmis à l'agent et gardé dans l'historique"
    )
    ours = hint(form["comment"].as_field_group())
    assert "Obligatoire pour cette action. Il est transmis à l'agent et gardé dans l'historique." in ours
    assert ours == hint(form["comment"].render(DSFR_INPUT))
