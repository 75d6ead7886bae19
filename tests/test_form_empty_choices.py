"""Every form of the product's pages says a list's empty choice in words: « Sélectionner une
option » (the DSFR select's wording, ``workflows.cases.forms.EMPTY_CHOICE``) or words of its own
that say what no choice means (« — (réunion du département ou de la région) »), never Django's
« --------- » nor a bare dash. Every form class of the project (those the URLs import) is built
and its lists read; a form not on ``CaseForm`` calls ``choices_in_words`` for the same words.
The Django admin's forms are the admin's (its own widgets and words)."""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from django import forms
from django.urls import get_resolver

import pytest

from accounts.models import Role
from reference.models import CityContract, Department
from tests.conftest import make_user_in
from workflows.cases.forms import EMPTY_CHOICE
from workflows.paqte.models import Company, Objective
from workflows.renewal.models import Commitment

pytestmark = pytest.mark.django_db

PROJECT = ("accounts.", "api.", "notifications.", "reference.", "workflows.")
# The keyword arguments the project's forms take, by name.
KWARGS: dict[str, Any] = {
    "departments": lambda: Department.objects.all(),
    "objectives": lambda: Objective.objects.all(),
    "companies": lambda: Company.objects.all(),
    "city_contracts": lambda: CityContract.objects.all(),
    "commitment": lambda: Commitment(),
    "user": lambda: make_user_in(Role.AGENT, "59"),
}
DASHES = {"---------", "—", "-", ""}


def project_forms() -> Iterator[type[forms.BaseForm]]:
    get_resolver().url_patterns  # noqa: B018  (imports every view, and so every form, of the pages)
    seen: set[type] = set()
    todo: list[type] = [forms.BaseForm]
    while todo:
        for cls in todo.pop().__subclasses__():
            if cls in seen:
                continue
            seen.add(cls)
            todo.append(cls)
            module = cls.__module__
            if module.startswith(PROJECT) and not module.endswith(".admin") and not inspect.isabstract(cls):
                if getattr(getattr(cls, "_meta", None), "model", True) is None:  # a ModelForm base
                    continue
                yield cls


def built(cls: type[forms.BaseForm]) -> forms.BaseForm:
    kwargs = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        required = parameter.default is parameter.empty and name != "self"
        if required and parameter.kind in (parameter.KEYWORD_ONLY, parameter.POSITIONAL_OR_KEYWORD):
            assert name in KWARGS, f"{cls.__qualname__} takes {name}=: add it to KWARGS"
            kwargs[name] = KWARGS[name]()
    try:
        return cls(**kwargs)
    except TypeError as error:  # a base's required argument behind ``*args, **kwargs`` (SetPasswordForm's user)
        missing = [name for name in KWARGS if f"argument: '{name}'" in str(error)]
        if not missing:
            raise
        return cls(**kwargs, **{name: KWARGS[name]() for name in missing})


def empty_labels(form: forms.BaseForm) -> Iterator[tuple[str, str]]:
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.SelectMultiple):
            continue  # no empty choice to word
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label is not None:
                yield name, str(field.empty_label)
        elif isinstance(field, forms.ChoiceField):
            for value, label in list(field.choices):  # type: ignore[arg-type]
                if value in ("", None):
                    yield name, str(label).strip()


def test_the_walk_finds_the_forms_of_every_base() -> None:
    names = {cls.__qualname__ for cls in project_forms()}
    # Case forms, the PAQTE's, and forms of other bases (DsfrBaseForm alone, Django's).
    assert {"ConventionCreateForm", "ObjectiveForm", "MeetingCreateForm", "DocumentForm", "PreferenceForm"} <= names


def test_every_list_says_its_empty_choice_in_words() -> None:
    found = {}
    for cls in project_forms():
        for name, label in empty_labels(built(cls)):
            found[f"{cls.__qualname__}.{name}"] = label
    dashes = {key: label for key, label in found.items() if label in DASHES}
    assert dashes == {}
    # The PAQTE company's lists and the specific commitment's axis, as every case form's.
    for key in ("ConventionCreateForm.size", "ConventionCreateForm.signature_level", "ObjectiveForm.axis"):
        assert found[key] == EMPTY_CHOICE, key
    assert found["ConventionCreateForm.department"] == EMPTY_CHOICE
