"""The prefect's valideur sends a submission's draft back to its agent (« Renvoyer à l'agent »,
``send_back`` of ``workflows.submissions.transitions``), for each kind that shares the table: the
PAQTE référent's designation, the semestrial PAQTE report, the prefect's synthesis. As the
renovation's prefect return and the CGET's return: the reason is required (refused in French,
nothing written, nobody told), kept on the case (its return banner, « Renvois précédents » on
the next decision screen), and the agent is told (one notice, one email in the outbox by his
preference). The return stays inside the prefecture: its reason is no message of the
prefecture ↔ CGET thread."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import User
from notifications.models import Reminder
from notifications.notices import EventPreference, Frequency, Notice
from reference.models import Department
from tests.clients import logged
from tests.workflows.submission_helpers import fresh, in_validation, open_task
from workflows.cases.note_services import thread_of
from workflows.cases.registry import kind_of
from workflows.cases.runner import transition_run
from workflows.cases.states import state_tone

pytestmark = pytest.mark.django_db

KINDS = ["paqte-referent", "paqte-report", "synthesis"]
REASON = "Reprenez les exemples d'actions : deux entreprises manquent."
BADGE = {"paqte-referent": "referent-etat", "paqte-report": "etat-bilan", "synthesis": "etat-synthese"}  # state's


@pytest.mark.parametrize("kind", KINDS)
def test_a_send_back_without_its_reason_is_refused_in_french(
    kind: str, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    case = in_validation(kind, people["agent"])
    task = open_task(case, "validate")
    client = logged(people["validator"])
    page = client.get(f"/taches/{task.pk}/decision/").content.decode()
    # The reason's field is on the screen, in French, saying it is required for the return and who reads it.
    assert '<label class="fr-label" for="decision-commentaire">Commentaire ou motif du renvoi' in page
    assert "Obligatoire pour « Renvoyer à l&#x27;agent » : il est transmis à l&#x27;agent" in page
    with django_capture_on_commit_callbacks(execute=True):
        refused = client.post(
            f"/taches/{task.pk}/decision/",
            {"decision": "send_back", "comment": "   ", "etat": "prefect_validation"},
        )
    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Un commentaire est obligatoire pour cette action." in body
    assert "Indiquez le motif : il est obligatoire pour « Renvoyer à l&#x27;agent »." in body
    assert 'aria-invalid="true"' in body and "fr-input-group--error" in body
    # Nothing written, nobody told.
    assert fresh(case).state == "prefect_validation" and fresh(case).return_comment == ""
    assert not kind_of(case).history_of(case).filter(transition="send_back").exists()
    assert not Notice.objects.exists()
    assert open_task(case, "validate").pk == task.pk


@pytest.mark.parametrize("kind", KINDS)
def test_a_send_back_refused_meanwhile_keeps_what_was_typed(kind: str, people: dict[str, User]) -> None:
    case = in_validation(kind, people["agent"])
    task = open_task(case, "validate")
    response = logged(people["validator"]).post(
        f"/taches/{task.pk}/decision/", {"decision": "send_back", "comment": REASON, "etat": "draft"}
    )
    assert response.status_code == 409
    assert "Reprenez les exemples d&#x27;actions : deux entreprises manquent." in response.content.decode()
    assert fresh(case).state == "prefect_validation"


@pytest.mark.parametrize("kind", KINDS)
def test_a_send_back_with_its_reason_goes_back_to_the_agent(
    kind: str, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    agent, validator = people["agent"], people["validator"]
    EventPreference.objects.create(user=agent, event="returned", frequency=Frequency.IMMEDIATE)
    case = in_validation(kind, agent)
    kind_spec = kind_of(case)
    with django_capture_on_commit_callbacks(execute=True):
        done = logged(validator).post(
            f"/taches/{open_task(case, 'validate').pk}/decision/",
            {"decision": "send_back", "comment": f"  {REASON}  ", "etat": "prefect_validation"},
        )
    assert done.status_code == 302
    case = fresh(case)
    assert case.state == "draft" and case.return_comment == REASON
    row = kind_spec.history_of(case).get(transition="send_back")
    assert (row.actor, row.source, row.target, row.comment) == (validator, "prefect_validation", "draft", REASON)
    assert open_task(case, "prepare")  # the agent's task again

    # The agent is told, once, in the app and by email (immediately, as he chose).
    notice = Notice.objects.get()
    assert (notice.recipient, notice.event) == (agent, "returned")
    assert notice.title.startswith("Renvoyé en brouillon par le valideur – ")
    assert notice.body == f"Motif par {validator} : {REASON}"
    outbox = Reminder.objects.get(notice=notice)
    assert (outbox.recipient, outbox.frequency) == (agent, Frequency.IMMEDIATE)

    # The agent's case page: the return's banner with its reason, the draft's badge « à reprendre ».
    body = logged(agent).get(kind_spec.url(case)).content.decode()
    assert 'id="renvoi"' in body and "Renvoyé en brouillon par le valideur" in body
    assert "Reprenez les exemples d&#x27;actions : deux entreprises manquent." in body
    assert f'<span class="fr-badge fr-badge--warning" id="{BADGE[kind]}">Brouillon · à reprendre</span>' in body

    # Inside the prefecture: the CGET's thread with the prefecture does not carry it.
    assert not [item for item in thread_of(case=case, user=people["cget"]) if item.type == "return"]

    # Sent again to the valideur: his next decision screen shows it under « Renvois précédents ».
    case = transition_run(case=case, user=agent, name="send_to_validation")
    again = logged(validator).get(f"/taches/{open_task(case, 'validate').pk}/decision/").content.decode()
    assert "Renvois précédents (1)" in again
    assert "Renvoyé en brouillon par le valideur" in again[again.index("Renvois précédents") :]
    assert "Reprenez les exemples d&#x27;actions : deux entreprises manquent." in again
    # ... and the agent's banner is gone (the case is no longer back with him).
    assert 'id="renvoi"' not in logged(agent).get(kind_spec.url(case)).content.decode()


def test_a_new_draft_is_not_shown_as_returned() -> None:
    from workflows.paqte.models import ReferentDesignation, SemesterReport
    from workflows.synthesis.models import Synthesis

    for model in (ReferentDesignation, SemesterReport, Synthesis):
        # The valideur's return leads to the draft, which is also where every case starts.
        assert state_tone(kind_of(model), "draft") == "info"
        assert state_tone(kind_of(model), "draft", returned=True) == "warning"


def test_the_report_page_refuses_a_send_back_without_its_reason(
    people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    """From the report's own page (its « Actions »): the reason's form, refused in French with
    its field in error, nothing written."""
    report = in_validation("paqte-report", people["agent"])
    client = logged(people["validator"])
    page = client.get(f"/paqte/bilans/{report.pk}/").content.decode()
    assert "Commentaire pour « Renvoyer à l&#x27;agent »" in page
    assert "Obligatoire pour cette action. Il est transmis à l'agent et gardé dans l'historique." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/paqte/bilans/{report.pk}/actions/send_back/", {"comment": " "}, follow=True)
    body = response.content.decode()
    assert "Un commentaire est obligatoire pour cette action." in body
    assert "Ce champ est obligatoire." in body  # beside the reason's field
    assert fresh(report).state == "prefect_validation" and not Notice.objects.exists()
    # Once shown, the refused attempt is gone: the next visit starts from an empty form.
    assert "Ce champ est obligatoire." not in client.get(f"/paqte/bilans/{report.pk}/").content.decode()


def test_the_synthesis_page_refuses_a_send_back_without_its_reason(people: dict[str, User], nord: Department) -> None:
    """From the synthesis's own page: the same buttons as every case's (workflows/cases/actions.py),
    the reason's form refused in French with its field in error and what was typed back in it,
    nothing written; a page showing an older state is refused too."""
    synthesis = in_validation("synthesis", people["agent"])
    client = logged(people["validator"])
    url = f"/pilotage/syntheses/{nord.code}/2019/"
    page = client.get(url).content.decode()
    assert "Commentaire pour « Renvoyer à l&#x27;agent »" in page
    assert "Obligatoire pour cette action. Il est transmis à l'agent et gardé dans l'historique." in page
    assert '<input type="hidden" name="etat" value="prefect_validation">' in page
    response = client.post(f"{url}actions/send_back/", {"comment": "  ", "etat": "prefect_validation"}, follow=True)
    body = response.content.decode()
    assert "Un commentaire est obligatoire pour cette action." in body
    assert "Ce champ est obligatoire." in body  # beside the reason's field
    assert fresh(synthesis).state == "prefect_validation"
    # Once shown, the refused attempt is gone: the next visit starts from an empty form.
    assert "Ce champ est obligatoire." not in client.get(url).content.decode()
    # Typed on a page that showed another state (a colleague acted meanwhile): refused, kept.
    response = client.post(
        f"{url}actions/send_back/", {"comment": "Précisez le tableau.", "etat": "draft"}, follow=True
    )
    body = response.content.decode()
    assert "Rien n&#x27;a été enregistré : votre saisie est conservée ci-dessous." in body
    assert "Précisez le tableau.</textarea>" in body
    assert fresh(synthesis).state == "prefect_validation"
