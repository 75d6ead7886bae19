"""Decision screens of the PAQTE référent's designation, the semestrial report and the synthesis:
their content beside the decision, the buttons of the transition table, a return's reason
required (French, nothing written), earlier returns shown, the history; another département's
user never reaches them."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.submission_helpers import in_validation, open_task
from workflows.cases.runner import transition_run
from workflows.inbox import listing
from workflows.paqte.models import ReferentDesignation

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people: dict[str, User], make_user: MakeUser) -> dict[str, User]:
    """The submissions' people (the inbox's conftest) and another département's valideur."""
    return {**people, "other": make_user(Role.PREFECT_VALIDATOR, "62")}


def referent_in_review(people: dict[str, User]) -> ReferentDesignation:
    designation = in_validation(
        "paqte-referent", people["agent"], name="Claire Martin", email="claire.martin@nord.gouv.fr"
    )
    return transition_run(case=designation, user=people["validator"], name="validate")


def test_the_cget_decides_on_the_referent_beside_its_content(people: dict[str, User]) -> None:
    designation = referent_in_review(people)
    task = open_task(designation, "review")
    client = logged(people["cget"])
    # The inbox's review tab links to the decision screen.
    rows = client.get("/taches/revue-cget/").context["rows"]
    assert rows[0].link.startswith(f"/taches/{task.pk}/decision/?liste=revue-cget")
    page = client.get(f"/taches/{task.pk}/decision/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "Claire Martin" in body and "claire.martin@nord.gouv.fr" in body  # the content
    assert [spec.label for spec in page.context["buttons"]] == ["Approuver", "Renvoyer à la préfecture"]
    assert "Validé par le préfet et transmis au CGET" in body  # the history
    # A return without its reason: refused in French, nothing written.
    refused = client.post(f"/taches/{task.pk}/decision/", {"decision": "return_to_prefecture", "comment": " "})
    assert refused.status_code == 400
    assert "Un commentaire est obligatoire pour cette action." in refused.content.decode()
    designation.refresh_from_db()
    assert designation.state == "submitted"
    # With its reason: returned; once resubmitted, the next review shows the earlier return.
    done = client.post(
        f"/taches/{task.pk}/decision/",
        {"decision": "return_to_prefecture", "comment": "Indiquez un numéro direct.", "etat": "submitted"},
    )
    assert done.status_code == 302
    designation.refresh_from_db()
    assert designation.state == "returned"
    transition_run(case=designation, user=people["agent"], name="resubmit")
    again = client.get(f"/taches/{open_task(designation, 'review').pk}/decision/").content.decode()
    assert "Renvois précédents (1)" in again and "Indiquez un numéro direct." in again
    client.post(
        f"/taches/{open_task(designation, 'review').pk}/decision/", {"decision": "approve", "etat": "submitted"}
    )
    designation.refresh_from_db()
    assert designation.state == "approved"


def test_a_concurrent_change_keeps_what_was_typed(people: dict[str, User]) -> None:
    designation = referent_in_review(people)
    task = open_task(designation, "review")
    response = logged(people["cget"]).post(
        f"/taches/{task.pk}/decision/",
        {"decision": "return_to_prefecture", "comment": "Mon motif détaillé", "etat": "returned"},
    )
    assert response.status_code == 409
    assert "Mon motif détaillé" in response.content.decode()


def test_the_valideur_validates_the_report_beside_its_content(people: dict[str, User]) -> None:
    report = in_validation("paqte-report", people["agent"], organisation="Organisation du Nord")
    task = open_task(report, "validate")
    client = logged(people["validator"])
    page = client.get(f"/taches/{task.pk}/decision/")
    assert page.status_code == 200, page.content.decode()[:500]
    body = page.content.decode()
    assert "Organisation du Nord" in body and "Résultats agrégés des entreprises signataires" in body
    assert [spec.label for spec in page.context["buttons"]] == [
        "Renvoyer à l'agent",
        "Valider et transmettre au CGET",
    ]
    # Neither the agent (not his decision) nor another département's valideur reach it.
    assert logged(people["agent"]).get(f"/taches/{task.pk}/decision/").status_code == 403
    assert logged(people["other"]).get(f"/taches/{task.pk}/decision/").status_code == 404
    assert logged(people["other"]).post(f"/taches/{task.pk}/decision/", {"decision": "validate"}).status_code == 404


def test_the_cget_reviews_the_synthesis_beside_its_parts(people: dict[str, User]) -> None:
    from tests.workflows.synthesis.helpers import complete_parts

    synthesis = in_validation("synthesis", people["agent"])
    synthesis = transition_run(user=people["validator"], case=synthesis, name="validate")
    task = open_task(synthesis, "review")
    page = logged(people["cget"]).get(f"/taches/{task.pk}/decision/")
    assert page.status_code == 200
    assert [spec.label for spec in page.context["buttons"]] == ["Approuver", "Renvoyer à la préfecture"]
    first_part = next(iter(complete_parts().values()))
    assert first_part[:40] in page.content.decode()


def test_a_renovation_task_keeps_its_own_page(people: dict[str, User]) -> None:
    from tests.workflows.renewal.helpers import renewal_in

    renewal = renewal_in("prefect_validation", agent=people["agent"], validator=people["validator"])
    rows = logged(people["validator"]).get("/taches/file/").context["rows"]
    row = next(row for row in rows if row.case == renewal)
    assert row.link.startswith(f"/circuits/{row.task.process_id}/taches/{row.task.pk}/")
    assert listing.row_link(row, tab="file", query="", position=0) == row.link


def test_a_task_whose_kind_writes_no_decision_screen_is_opened_on_its_case_page(people: dict[str, User]) -> None:
    """A PAQTE convention's follow-up ends in several transitions (renew, end, terminate) but is
    acted on from the convention's page, where their forms are: the inbox links that page and the
    decision address answers 404, never a server error."""
    from tests.workflows.paqte.helpers import convention_of

    nord = Department.objects.get(code="59")
    convention = convention_of(people["agent"], nord, state="active")
    task = open_task(convention, "follow_up")
    client = logged(people["agent"])
    assert client.get(f"/taches/{task.pk}/decision/").status_code == 404
    body = client.get("/taches/tous/").content.decode()
    assert f"/taches/{task.pk}/decision/" not in body
    assert convention.get_absolute_url() in body
