"""The renovation's forms on DSFR components: « (Optionnel) » only where the validation agrees,
French domain checks (an evaluation needs its date, both summaries and the conseils citoyens
consulted; a percentage target is at most 100), the commitments formset without a blank row's
« Supprimer » box, drafts that keep what was typed, the stepper and the return banner true to the
case's state."""

from __future__ import annotations

import datetime
import html as html_module
import re

import pytest

from accounts.models import User
from tests.clients import logged
from tests.workflows.renewal.helpers import EVALUATION, PROTOCOL, add_commitment, fresh, open_task, pdf, renewal_in
from workflows.models import Renewal, RenewalState
from workflows.renewal.forms import CommitmentForm, CommitmentFormSet, EvaluationForm, SignatureForm, ValidationForm
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db

OPTIONAL = "(Optionnel)"


def task_url(renewal: Renewal, node: str) -> str:
    task = open_task(renewal, node)
    return f"/circuits/{task.process_id}/taches/{task.pk}/"


def label_of(html: str, field_id: str) -> str:
    """The text of the label of ``field_id``, its hint included, whitespace collapsed."""
    found = re.search(rf'<label for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert found, field_id
    return " ".join(html_module.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).split())


def evaluation_data(**changes: object) -> dict[str, object]:
    data = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in EVALUATION.items()}
    data.update(changes)
    return data


# --- « (Optionnel) » agrees with the validation ------------------------------------------------------


def test_the_evaluation_asks_for_everything_its_transition_needs(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    html = str(EvaluationForm(instance=renewal))
    for name in ("evaluation_date", "evaluation_strengths", "evaluation_improvements", "councils_consulted"):
        assert OPTIONAL not in label_of(html, f"id_{name}"), name
    document = label_of(html, "id_document")
    assert OPTIONAL not in document and "Obligatoire s'il n'a pas encore été déposé." in document


def test_an_empty_evaluation_is_refused_field_by_field_in_french(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    form = EvaluationForm(data={}, instance=renewal)
    assert not form.is_valid()
    for name in (
        "evaluation_date",
        "evaluation_strengths",
        "evaluation_improvements",
        "councils_consulted_on",
        "councils_consulted",
    ):
        assert form.errors[name] == ["Ce champ est obligatoire."], name
    assert form.errors["document"] == ["Déposez le document d'évaluation à mi-parcours."]


def test_the_evaluation_document_once_deposited_is_not_asked_again(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    from workflows.renewal.services import renewal_document_add

    renewal_document_add(renewal=renewal, user=people["agent"], kind="evaluation", upload=pdf())
    assert EvaluationForm(data=evaluation_data(), instance=renewal).is_valid()


def test_the_signature_date_signatories_and_signed_pdf_are_not_optional(people: dict[str, User]) -> None:
    renewal = renewal_in(
        RenewalState.SIGNATURE, agent=people["agent"], validator=people["validator"], referent=people["referent"]
    )
    html = str(SignatureForm(instance=renewal))
    for field_id in ("id_signed_on", "id_signed_by", "id_document"):
        assert OPTIONAL not in label_of(html, field_id), field_id
    form = SignatureForm(data={}, instance=renewal)
    assert not form.is_valid()
    assert set(form.errors) == {"signed_on", "signed_by", "document"}
    assert form.errors["document"] == ["Déposez le protocole signé (PDF)."]


def test_the_decision_comment_says_when_it_is_required_and_is_never_optional() -> None:
    html = str(ValidationForm())
    comment = label_of(html, "id_comment")
    assert OPTIONAL not in comment and "facultatif" not in comment
    assert comment.startswith("Commentaire Obligatoire en cas de renvoi")
    refused = ValidationForm(data={"decision": "send_back", "comment": " "})
    assert not refused.is_valid() and refused.errors["comment"] == ["Expliquez à l'agent ce qui doit être repris."]
    assert ValidationForm(data={"decision": "validate", "comment": ""}).is_valid()


def test_no_label_anywhere_says_optional_twice(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    for node in ("build_protocol",):
        body = logged(people["agent"]).get(task_url(renewal, node)).content.decode()
        assert "(facultatif) (Optionnel)" not in body and "(Optionnel) (Optionnel)" not in body
        assert "Obligatoire en cas de renvoi (Optionnel)" not in body


# --- Commitments: domain checks and the formset ------------------------------------------------------


def commitment_data(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "party": "state",
        "domain": "education",
        "text": "Cent enseignants expérimentés de plus en REP+",
        "indicator": "Part d'enseignants expérimentés",
        "target_value": "80",
        "target_year": "2021",
        "frequency": "annual",
        "unit": "percent",
    }
    data.update(changes)
    return data


def test_a_percentage_target_above_100_is_refused() -> None:
    form = CommitmentForm(data=commitment_data(target_value="100,5"))
    assert not form.is_valid()
    assert form.errors["target_value"] == ["Un pourcentage est compris entre 0 et 100."]
    ok = CommitmentForm(data=commitment_data(target_value="100"))
    assert ok.is_valid(), ok.errors
    assert ok.cleaned_data["target_value"] == "100 %"


def test_a_count_target_is_a_whole_number() -> None:
    form = CommitmentForm(data=commitment_data(unit="count", target_value="12,5"))
    assert not form.is_valid()
    assert form.errors["target_value"] == ["Cet indicateur se compte : saisissez un nombre entier."]


def test_the_other_party_and_other_domain_are_required_when_chosen_and_say_so() -> None:
    html = str(CommitmentForm())
    assert (
        label_of(html, "id_party_name")
        == "Nom de l'autre signataire Obligatoire si la partie est « Autre signataire »."
    )
    form = CommitmentForm(data=commitment_data(party="other", domain="other"))
    assert not form.is_valid()
    assert form.errors["party_name"] == ["Nommez l'autre signataire."]
    assert form.errors["other_domain"] == ["Précisez le domaine."]


def test_the_formset_has_no_delete_box_on_its_blank_row(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    add_commitment(renewal)
    formset = CommitmentFormSet(instance=renewal, prefix="engagements")
    saved, blank = formset.forms
    assert "DELETE" in saved.fields and "DELETE" not in blank.fields
    body = logged(people["agent"]).get(f"/renovations/{renewal.pk}/engagements/").content.decode()
    assert body.count('name="engagements-0-DELETE"') == 1 and 'name="engagements-1-DELETE"' not in body
    assert "Supprimer cet engagement" in body and "Supprimer (Optionnel)" not in body
    assert "Ajouter un engagement" in body and "Nouvel engagement" in body
    assert 'src="/static/workflows/formset.js"' in body
    # The empty form for the script is in a <template>, with the __prefix__ the script replaces.
    assert "<template data-formset-template>" in body and "engagements-__prefix__-party" in body
    # Each field in its DSFR group, on a grid column: one column on phones.
    assert body.count('class="fr-col-12 fr-col-md-6"') >= 6


def management(total: int, initial: int = 0) -> dict[str, object]:
    return {
        "engagements-TOTAL_FORMS": str(total),
        "engagements-INITIAL_FORMS": str(initial),
        "engagements-MIN_NUM_FORMS": "0",
        "engagements-MAX_NUM_FORMS": "60",
    }


def rows(*commitments: dict[str, object]) -> dict[str, object]:
    data: dict[str, object] = {}
    for index, commitment in enumerate(commitments):
        data.update({f"engagements-{index}-{key}": value for key, value in commitment.items()})
    return data


def test_a_refused_commitment_keeps_every_row_as_typed(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    data = {
        **management(2),
        **rows(commitment_data(), commitment_data(text="Mobilité des jeunes", target_value="150")),
    }
    response = logged(people["agent"]).post(f"/renovations/{renewal.pk}/engagements/", data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Un pourcentage est compris entre 0 et 100." in body and "Rien n'a été enregistré" in body
    assert "Mobilité des jeunes" in body and "Cent enseignants expérimentés de plus en REP+" in body
    assert fresh(renewal).commitments.count() == 0


def test_commitments_are_added_and_deleted_through_the_formset(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    kept, dropped = add_commitment(renewal), add_commitment(renewal)
    data = {
        **management(3, initial=2),
        **rows(
            {**commitment_data(text=kept.text), "id": kept.pk},
            {**commitment_data(), "id": dropped.pk, "DELETE": "on"},
            commitment_data(text="Nouveau : stages de 3e"),
        ),
    }
    response = logged(people["agent"]).post(f"/renovations/{renewal.pk}/engagements/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    texts = set(fresh(renewal).commitments.values_list("text", flat=True))
    assert texts == {kept.text, "Nouveau : stages de 3e"}


def test_commitments_sent_on_meanwhile_are_refused_and_kept(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    add_commitment(renewal)
    client = logged(people["agent"])
    client.get(f"/renovations/{renewal.pk}/engagements/")
    # A colleague sends the protocol to the prefect while the page is open.
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=people["agent"], fields=PROTOCOL)
    typed = {**management(1), **rows(commitment_data(text="Tapé avant l'envoi du collègue"))}
    body = client.post(f"/renovations/{renewal.pk}/engagements/", typed).content.decode()
    assert "Les engagements ne se modifient que pendant la négociation du protocole." in body
    assert "Tapé avant l&#x27;envoi du collègue" in body
    assert fresh(renewal).commitments.count() == 1
    assert client.get(f"/renovations/{renewal.pk}/engagements/").status_code == 403


# --- Drafts: nothing typed is lost ---------------------------------------------------------------


def test_the_evaluation_draft_saves_without_completing_the_task(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    url = task_url(renewal, "evaluate")
    client = logged(people["agent"])
    response = client.post(
        url,
        {"evaluation_strengths": "Déjà rédigé : la réussite éducative.", "seen_state": "evaluation", "brouillon": "1"},
    )
    assert response.status_code == 302 and response["Location"] == url
    renewal = fresh(renewal)
    assert renewal.state == RenewalState.EVALUATION
    assert renewal.evaluation_strengths == "Déjà rédigé : la réussite éducative."
    page = client.get(url).content.decode()
    assert "Le brouillon est enregistré" in page and "Déjà rédigé : la réussite éducative." in page


def test_a_draft_keeps_the_domain_checks(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=people["agent"])
    url = task_url(renewal, "build_protocol")
    data = {"seen_state": "negotiation", "brouillon": "1", **management(1), **rows(commitment_data(target_value="101"))}
    body = logged(people["agent"]).post(url, data).content.decode()
    assert "Un pourcentage est compris entre 0 et 100." in body
    # the draft's page does not call required fields « (Optionnel) » either
    assert OPTIONAL not in label_of(body, "id_childhood_parenting")
    assert fresh(renewal).commitments.count() == 0


def test_a_lost_race_keeps_what_was_typed_with_a_french_message(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.EVALUATION, agent=people["agent"])
    url = task_url(renewal, "evaluate")
    from workflows.renewal.services import renewal_document_add

    renewal_document_add(renewal=renewal, user=people["agent"], kind="evaluation", upload=pdf())
    typed = evaluation_data(evaluation_strengths="Texte long tapé pendant une heure.", seen_state="negotiation")
    response = logged(people["agent"]).post(url, typed)
    body = response.content.decode()
    assert response.status_code == 200
    assert "modifié par quelqu&#x27;un d&#x27;autre" in body and "Texte long tapé pendant une heure." in body
    assert fresh(renewal).state == RenewalState.EVALUATION and not fresh(renewal).evaluation_strengths.startswith(
        "Texte"
    )


# --- The stepper and the banners are the case's state -------------------------------------------------


def test_the_stepper_names_both_outcomes_while_the_prefect_decides(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=people["agent"], validator=people["validator"])
    body = logged(people["agent"]).get(f"/renovations/{renewal.pk}/").content.decode()
    details = re.search(r'id="etape-suivante">(.*?)</p>', body, re.S)
    assert details is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", details.group(1)).split())
    assert "Étape suivante : Revue du CGET" not in text
    assert text.startswith("Suite selon la décision : Revue du CGET")
    assert "retour à l'étape Protocole d'engagements" in text.replace("&#x27;", "'")


def test_the_stepper_of_a_case_not_started_claims_no_step(people: dict[str, User]) -> None:
    from workflows.renewal.views import _stepper

    stepper = _stepper(Renewal(state=RenewalState.NOT_STARTED))
    assert stepper["number"] == 0 and stepper["next"] == "Évaluation à mi-parcours"


def test_the_return_banner_goes_once_the_protocol_is_sent_again(people: dict[str, User]) -> None:
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=people["agent"], validator=people["validator"])
    renewal_task_complete(
        task_pk=open_task(renewal, "validate").pk,
        user=people["validator"],
        transition="send_back",
        comment="Précisez les signataires.",
    )
    client = logged(people["agent"])
    page = client.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "Protocole renvoyé en négociation par le préfet" in page and "Précisez les signataires." in page
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=people["agent"], fields=PROTOCOL)
    page = client.get(f"/renovations/{renewal.pk}/").content.decode()
    assert 'id="renvoi"' not in page and "Protocole renvoyé en négociation par le préfet" in page  # the timeline only
