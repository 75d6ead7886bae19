"""A list's empty choice says « Sélectionner une option » (the DSFR select's wording) on every
case form, never Django's « --------- »; a form may name its own (the meeting's city contract)."""

from __future__ import annotations

from django import forms
from django.test import Client

import pytest

from accounts.models import Role
from reference.models import Department
from tests.conftest import MakeUser
from workflows.cases.forms import EMPTY_CHOICE, CaseForm

pytestmark = pytest.mark.django_db


class _Form(CaseForm):
    department = forms.ModelChoiceField(queryset=Department.objects.all(), label="Département")
    kind = forms.ChoiceField(label="Type", choices=[("", "---------"), ("a", "A")])


def test_case_forms_say_the_empty_choice_in_words() -> None:
    html = str(_Form())
    assert "---------" not in html
    assert html.count(f">{EMPTY_CHOICE}</option>") == 2


def test_the_meeting_form_names_its_empty_city_contract(make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get("/pilotage/departements/59/").content.decode()
    assert "Programmer une réunion" in page
    assert "---------" not in page
    assert "— (réunion du département ou de la région)</option>" in page
