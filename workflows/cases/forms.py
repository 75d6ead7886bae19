"""The one way a form of Quartiers is built and rendered: django-dsfr's ``DsfrBaseForm`` (each field
in its ``fr-input-group``, ``fr-select-group``, ``fr-fieldset``…, with the DSFR error state),
rendered by ``{{ form }}`` or, inside a layout, ``{{ field.as_field_group }}`` (django-dsfr 2+
dropped the ``{% dsfr_form %}`` tag for these).

DSFR marks optional fields « (Optionnel) » (``DSFR_MARK_OPTIONAL_FIELDS``). A field that the
validation requires in some case only (a comment on a return, a document not yet deposited, a part
of a synthesis needed to send it, not to save the draft) is not optional: ``required_when`` names
that case, which the hint says instead of « (Optionnel) ». ``required_to_submit`` fields are
required to run the task's transition but not to save a draft (``draft=True``): the draft keeps
what was typed and the transition's refusals say what is missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH

from dsfr.forms import DsfrBaseForm

from reference.forms import RENDERER

# A field required in some case: the DSFR input group without « (Optionnel) » (templates/forms/).
REQUIRED_WHEN_TEMPLATE = "forms/field_required_when.html"
# The empty choice of a list (the DSFR select's placeholder wording).
EMPTY_CHOICE = "Sélectionner une option"
# A checkbox that is an action, not an answer (a formset's « Supprimer »): no « (Optionnel) ».
CHECKBOX_TEMPLATE = "forms/checkbox.html"


def choices_in_words(fields: Iterable[forms.Field]) -> None:
    """A list's empty choice in words, as the DSFR's select says it (``EMPTY_CHOICE``), not
    Django's « --------- »: every case form's, and a form of another base calls it in its
    ``__init__`` (a choice that names what no choice means is kept: the meeting's city contract)."""
    for field in fields:
        if isinstance(field, forms.ModelChoiceField) and field.empty_label == BLANK_CHOICE_DASH[0][1]:
            field.empty_label = EMPTY_CHOICE
        elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
            choices: list[Any] = list(field.choices)  # type: ignore[arg-type]
            if choices and choices[0] == BLANK_CHOICE_DASH[0]:
                field.choices = [("", EMPTY_CHOICE), *choices[1:]]


class ChoicesInOneQuery(forms.models.ModelChoiceIterator):
    """A model list's choices read in one plain query. Django's own iterator reads them through
    a server-side cursor (``DECLARE``, ``FETCH``, ``CLOSE``: three round trips, for lists of a
    few dozen rows) and counts them first when asked its length."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for row in self.queryset.all() if self.queryset is not None else ():
            yield self.choice(row)

    def __len__(self) -> int:
        return len(list(iter(self)))


class CaseForm(DsfrBaseForm):
    """A DSFR form whose « (Optionnel) » marks agree with its validation (see the module)."""

    # field → the case it is required in, said by its hint ("Obligatoire en cas de renvoi.")
    required_when: ClassVar[dict[str, str]] = {}
    # fields the task's transition needs, not the draft
    required_to_submit: ClassVar[tuple[str, ...]] = ()
    required_to_submit_hint: ClassVar[str] = "Obligatoire pour terminer l'étape ; facultatif pour le brouillon."

    default_renderer = RENDERER

    def __init__(self, *args: Any, draft: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.draft = draft
        for name in self.required_to_submit:
            field = self.fields[name]
            field.required = not draft
            if draft:
                field.template_name = REQUIRED_WHEN_TEMPLATE
        for name, hint in self.required_when.items():
            field = self.fields[name]
            field.required = False
            field.template_name = REQUIRED_WHEN_TEMPLATE
            field.help_text = f"{field.help_text} {hint}".strip() if field.help_text else hint
            field.required_when = hint
        # DsfrBaseForm bound every visible field already: bind the changed ones again.
        for name in (*self.required_to_submit, *self.required_when):
            self._bound_fields_cache.pop(name, None)
        choices_in_words(self.fields.values())
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.iterator = ChoicesInOneQuery
                field.widget.choices = field.choices


class CaseModelForm(CaseForm, forms.ModelForm):  # type: ignore[misc]
    """``CaseForm`` over a model."""
