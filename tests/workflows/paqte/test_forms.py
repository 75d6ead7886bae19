"""The PAQTE, synthesis and meeting forms on DSFR components: « (Optionnel) » only where the
validation agrees (a field required in some case names that case instead), a comment required by
the transition table is never optional, the signature date is the campaign's today, and a
specific commitment of a PME or TPE needs its axis and its wording (annex 2)."""

from __future__ import annotations

import datetime
import html
import re

import pytest

from accounts.models import User
from notifications.campaign import campaign_clock_set
from reference.models import Department
from tests.workflows.submission_helpers import fresh, in_validation
from workflows.cases.actions import ActionCommentForm, ActionDateForm
from workflows.cases.runner import transition_run
from workflows.paqte.forms import ConventionCreateForm, ObjectiveForm, ReportForm
from workflows.steering.forms import MeetingCreateForm
from workflows.synthesis.forms import SynthesisForm

pytestmark = pytest.mark.django_db

OPTIONAL = "(Optionnel)"


def label_of(rendered: str, field_id: str) -> str:
    found = re.search(
        rf'<(?:label|legend) [^>]*(?:for="{field_id}"|id="{field_id}-legend")[^>]*>(.*?)</(?:label|legend)>',
        rendered,
        re.S,
    )
    assert found, field_id
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def test_a_new_company_s_fields_say_when_they_are_required() -> None:
    form = ConventionCreateForm(departments=Department.objects.filter(code="59"))
    rendered = str(form)
    for name in ("name", "size", "sector", "address", "signature_level"):
        label = label_of(rendered, f"id_{name}")
        assert OPTIONAL not in label and "Obligatoire pour une entreprise qui n'est pas encore connue." in label
    refused = ConventionCreateForm(
        data={"department": Department.objects.get(code="59").pk, "siret": "73282932000074"},
        departments=Department.objects.filter(code="59"),
    )
    assert not refused.is_valid()
    assert refused.errors["name"] == ["Obligatoire pour une entreprise qui n'est pas encore connue."]


def test_a_specific_commitment_needs_its_axis_and_wording() -> None:
    form = ObjectiveForm(data={"target": "10"})
    assert not form.is_valid()
    assert form.errors["axis"] == ["Choisissez l'axe de l'engagement spécifique."]
    assert form.errors["label"] == ["Décrivez l'engagement spécifique."]
    assert ObjectiveForm(data={"target": "10", "axis": "hiring", "label": "Deux alternants"}).is_valid()
    rendered = str(ObjectiveForm())
    assert OPTIONAL not in label_of(rendered, "id_label")
    assert OPTIONAL in label_of(rendered, "id_indicator")  # truly optional: a specific commitment instead


def test_a_negative_target_is_refused_in_french() -> None:
    form = ObjectiveForm(data={"target": "-1", "axis": "hiring", "label": "Deux alternants"})
    assert not form.is_valid()
    assert form.errors["target"] == ["Assurez-vous que cette valeur est supérieure ou égale à 0."]


def test_the_report_s_required_to_send_fields_are_not_optional() -> None:
    rendered = str(ReportForm())
    for name in ("organisation", "pru_count", "job_seekers_qpv"):
        label = label_of(rendered, f"id_{name}")
        assert OPTIONAL not in label and "Obligatoire pour soumettre le bilan" in label, name
    for name in ("partners", "examples", "strategy"):
        assert OPTIONAL in label_of(rendered, f"id_{name}"), name


def test_the_signature_date_is_the_campaign_s_today() -> None:
    campaign_clock_set(datetime.date(2019, 6, 15))
    try:
        assert ActionDateForm()["signed_on"].value() == datetime.date(2019, 6, 15)
    finally:
        campaign_clock_set(None)


def test_a_required_comment_is_never_optional_and_names_its_action() -> None:
    form = ActionCommentForm(action="Renvoyer à la préfecture", auto_id="id_%s-return")
    label = label_of(str(form), "id_comment-return")
    assert label == "Commentaire pour « Renvoyer à la préfecture » Obligatoire pour cette action."
    refused = ActionCommentForm(data={"comment": "  "})
    assert not refused.is_valid() and refused.errors["comment"] == ["Ce champ est obligatoire."]


def test_a_meeting_s_semester_and_contract_say_when_they_are_required() -> None:
    from reference.models import CityContract

    rendered = str(MeetingCreateForm(city_contracts=CityContract.objects.none()))
    assert label_of(rendered, "id_semester").endswith("Obligatoire pour le collège des chefs de service (semestriel).")
    assert OPTIONAL not in label_of(rendered, "id_city_contract")
    assert OPTIONAL in label_of(rendered, "id_date")


def test_the_synthesis_parts_are_required_to_send_and_never_optional() -> None:
    rendered = str(SynthesisForm())
    labels = re.findall(r'<label for="(id_[a-z_]+)"', rendered)
    assert labels
    for field_id in labels:
        label = label_of(rendered, field_id)
        assert OPTIONAL not in label and "Obligatoire pour soumettre la synthèse" in label, field_id


def test_a_refused_short_form_comes_back_as_typed_with_its_errors(agent: User) -> None:
    from django.test import Client

    client = Client()
    client.force_login(agent)
    response = client.post(
        "/paqte/departements/59/comite/membres/", {"kind": "epci", "name": "", "contact": "Mme Durand, 03 20 00 00 00"}
    )
    assert response.status_code == 302
    body = client.get(response["Location"]).content.decode()
    assert "Membre non ajouté" in body
    assert 'value="Mme Durand, 03 20 00 00 00"' in body and "Ce champ est obligatoire." in body
    # Once shown, the kept input is gone: the next visit starts from an empty form.
    assert "Mme Durand" not in client.get("/paqte/departements/59/").content.decode()


def test_the_report_s_return_banner_goes_once_it_is_sent_again(
    agent: User, validator: User, cget: User, nord: Department
) -> None:
    from django.test import Client

    from workflows.paqte import services

    report = in_validation("paqte-report", agent, nord)
    transition_run(case=fresh(report), user=validator, name="validate")
    services.submission_return(user=cget, submission=fresh(report), comment="Précisez les partenaires.")
    client = Client()
    client.force_login(agent)
    body = client.get(f"/paqte/bilans/{report.pk}/").content.decode()
    assert 'id="renvoi"' in body and "Renvoyé à la préfecture par le CGET, motif : Précisez les partenaires." in body
    transition_run(case=fresh(report), user=agent, name="resubmit")
    body = client.get(f"/paqte/bilans/{report.pk}/").content.decode()
    assert 'id="renvoi"' not in body  # the reason stays in the history, the banner goes
