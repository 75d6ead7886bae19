"""An unbound form whose HTML never changes is written once per process (``DsfrForm.rendered_once``);
a bound one, or one given initial values, is always rendered with what it holds."""

from __future__ import annotations

from django import forms

from reference import forms as reference_forms
from reference.forms import DsfrForm
from workflows.inbox.exchange_forms import ExchangeForm
from workflows.renewal.forms import DocumentForm


def test_an_unbound_form_is_the_same_html_as_a_full_render() -> None:
    for make in (lambda: ExchangeForm(prefix_id="note"), lambda: ExchangeForm(prefix_id="message"), DocumentForm):
        form = make()
        kept = form.__html__()  # as a template prints it
        assert (type(form), form.prefix, form.auto_id, tuple(form.fields)) in reference_forms._RENDERED
        assert str(make()) is kept  # the second comes from the memo
        assert kept == form.render(form.template_name)  # a full render, the memo bypassed
    assert 'id="id_note_texte"' in str(ExchangeForm(prefix_id="note"))
    assert 'id="id_message_texte"' in str(ExchangeForm(prefix_id="message"))


def test_a_bound_form_shows_its_values_and_errors() -> None:
    str(ExchangeForm(prefix_id="note"))  # the empty form kept
    bound = ExchangeForm({"texte": ""}, prefix_id="note")
    assert not bound.is_valid()
    html = str(bound)
    assert "Ce champ est obligatoire." in html and html != str(ExchangeForm(prefix_id="note"))
    written = ExchangeForm({"texte": "Un mot <b>gras</b>"}, prefix_id="note")
    assert written.is_valid() and "Un mot &lt;b&gt;gras&lt;/b&gt;" in str(written)


def test_initial_values_and_other_forms_are_rendered_each_time() -> None:
    assert "Bonjour" in str(ExchangeForm(prefix_id="note", initial={"texte": "Bonjour"}))
    assert "Bonjour" not in str(ExchangeForm(prefix_id="note"))

    class Changing(DsfrForm, forms.Form):  # not rendered_once: its label may change
        name = forms.CharField(label="Nom")

    before = len(reference_forms._RENDERED)
    first = Changing()
    assert "Nom" in str(first)
    Changing.base_fields["name"].label = "Prénom"
    assert "Prénom" in str(Changing())
    assert len(reference_forms._RENDERED) == before
