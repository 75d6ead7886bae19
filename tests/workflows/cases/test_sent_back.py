"""A case sent back to its preparers (its last transition is a return: the valideur's « Renvoyer à
l'agent », the CGET's « Renvoyer à la préfecture ») is told from a new one in every list: its
badge says « · à reprendre » (the synthesis list, the PAQTE reports), the inbox's row marks it
« À reprendre », the decision screen's badge is the case page's. The lists read it from the
case's row (``states.case_sent_back``, no query a row): it agrees with the case's history
(``progress.case_return``, what its page reads) at every step of each kind's returns."""

from __future__ import annotations

import re
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from reference.models import Department
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import PROTOCOL, renewal_in
from tests.workflows.renewal.helpers import open_task as renewal_task
from tests.workflows.submission_helpers import fresh, submission_draft, submission_people
from workflows.cases.progress import case_return
from workflows.cases.registry import kind_of
from workflows.cases.runner import transition_run
from workflows.cases.states import case_sent_back
from workflows.cases.tasks import process_of
from workflows.models import RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db

KINDS = ["paqte-referent", "paqte-report", "synthesis"]
REASON = "Reprenez les exemples d'actions."


@pytest.fixture
def people(db: None) -> dict[str, User]:
    """The Nord's agent (``agent``) and valideur (``validator``), the référent CGET (``cget``)."""
    return submission_people()


def assert_sent_back(case: Any, expected: bool) -> None:
    case = fresh(case)
    assert case_sent_back(case) is expected, case.state
    assert (case_return(case) is not None) is expected, case.state  # the history says the same


@pytest.mark.parametrize("kind", KINDS)
def test_a_submission_is_sent_back_exactly_while_its_last_transition_is_a_return(
    kind: str, people: dict[str, User]
) -> None:
    agent, validator, cget = people["agent"], people["validator"], people["cget"]
    case = submission_draft(kind, agent)
    assert_sent_back(case, False)  # a new draft
    steps = [
        (agent, "send_to_validation", "", False),
        (validator, "send_back", REASON, True),  # the draft again, sent back
        (agent, "send_to_validation", "", False),
        (validator, "validate", "", False),
        (cget, "return_to_prefecture", REASON, True),
        (agent, "resubmit", "", False),
        (cget, "approve", "", False),
    ]
    for user, name, comment, sent_back in steps:
        case = transition_run(case=fresh(case), user=user, name=name, comment=comment)
        assert_sent_back(case, sent_back)


def test_a_renovation_back_in_negotiation_is_sent_back(make_user: MakeUser) -> None:
    agent, validator = make_user(Role.AGENT, "59"), make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT)
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent)
    assert_sent_back(renewal, False)  # negotiation entered from the evaluation
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=agent, contract_index=1)

    def complete(node: str, user: User, **kwargs: Any) -> None:
        renewal_task_complete(task_pk=renewal_task(renewal, node).pk, user=user, **kwargs)

    complete("validate", validator, transition="send_back", comment=REASON)
    assert_sent_back(renewal, True)
    complete("build_protocol", agent, fields=PROTOCOL)
    assert_sent_back(renewal, False)
    complete("validate", validator, transition="validate")
    complete("review", cget, transition="return_to_prefecture", comment=REASON)
    assert_sent_back(renewal, True)
    complete("build_protocol", agent, fields=PROTOCOL)
    assert_sent_back(renewal, False)


def sent_back(kind: str, people: dict[str, User], department: Department | None = None, **fields: Any) -> Any:
    """A draft of ``kind`` sent to the valideur and sent back by him."""
    case = submission_draft(kind, people["agent"], department, **fields)
    case = transition_run(case=case, user=people["agent"], name="send_to_validation")
    return transition_run(case=case, user=people["validator"], name="send_back", comment=REASON)


def row_of(body: str, marker: str) -> str:
    rows = [row for row in re.findall(r"<tr[ >].*?</tr>", body, re.S) if marker in row]
    assert len(rows) == 1, (marker, rows)
    return rows[0]


RETURNED_DRAFT = '<span class="fr-badge fr-badge--sm fr-badge--warning">Brouillon · à reprendre</span>'
NEW_DRAFT = '<span class="fr-badge fr-badge--sm fr-badge--info">Brouillon</span>'


def test_the_synthesis_list_tells_a_draft_sent_back_from_a_new_one(
    people: dict[str, User], make_user: MakeUser, pas_de_calais: Department
) -> None:
    sent_back("synthesis", people)
    submission_draft("synthesis", make_user(Role.AGENT, "62"))
    body = logged(people["cget"]).get("/pilotage/syntheses/").content.decode()
    assert RETURNED_DRAFT in row_of(body, 'data-departement="59"')
    assert NEW_DRAFT in row_of(body, 'data-departement="62"')


def test_the_report_list_tells_a_draft_sent_back_from_a_new_one(people: dict[str, User]) -> None:
    returned = sent_back("paqte-report", people)
    new = submission_draft("paqte-report", people["agent"], None, semester=2)
    body = logged(people["agent"]).get("/paqte/bilans/").content.decode()
    assert RETURNED_DRAFT in row_of(body, f"/paqte/bilans/{returned.pk}/")
    assert NEW_DRAFT in row_of(body, f"/paqte/bilans/{new.pk}/")
    # The département's PAQTE page lists them the same way.
    body = logged(people["agent"]).get("/paqte/departements/59/").content.decode()
    assert RETURNED_DRAFT in row_of(body, f"/paqte/bilans/{returned.pk}/")
    assert NEW_DRAFT in row_of(body, f"/paqte/bilans/{new.pk}/")


MARK = '<span class="fr-badge fr-badge--sm fr-badge--warning">À reprendre</span>'


def count_queries(client: Client, url: str) -> tuple[str, int]:
    client.get(url)  # the per-process caches (content types) warmed first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_inbox_marks_a_case_sent_back_without_a_query_more(people: dict[str, User]) -> None:
    """The département's queue: the drafting tasks of a synthesis and of a report. Once the
    synthesis is sent back, its drafting task (open again) is marked, the report's is not, and
    the page reads what it read before."""
    agent = people["agent"]
    synthesis = submission_draft("synthesis", agent)
    report = submission_draft("paqte-report", agent)
    client = logged(agent)
    before, few = count_queries(client, "/taches/file/")
    assert MARK not in before

    transition_run(case=synthesis, user=agent, name="send_to_validation")
    transition_run(case=fresh(synthesis), user=people["validator"], name="send_back", comment=REASON)
    after, many = count_queries(client, "/taches/file/")
    assert many == few, (few, many)
    assert MARK in row_of(after, "Synthèse 2019")
    assert MARK not in row_of(after, report.semester_label)


# The state badge's id on each kind's case page (the decision screen's is « etat-dossier »).
PAGE_BADGE = {"paqte-referent": "referent-etat", "paqte-report": "etat-bilan", "synthesis": "etat-synthese"}


def state_badge_of(body: str, id: str) -> tuple[str, set[str]]:
    """The label of the badge ``id`` and its classes but its size (the case page's is larger)."""
    match = re.search(rf'<span class="(?P<classes>[^"]*)" id="{id}">(?P<label>.*?)</span>', body)
    assert match is not None, id
    return match["label"], set(match["classes"].split()) - {"fr-badge--sm"}


def done_task(case: Any, node: str) -> Task:
    tasks = Task.objects.filter(process=process_of(case), status=STATUS.DONE)
    return next(task for task in tasks if task.flow_task.name == node)


@pytest.mark.parametrize("kind", KINDS)
def test_the_decision_screen_shows_the_case_page_s_badge_once_the_case_is_sent_back(
    kind: str, people: dict[str, User]
) -> None:
    """The valideur's and the CGET's decisions, opened again from the history once they sent the
    case back: the screen says what the case's page says (« Brouillon · à reprendre », « Renvoyé
    par le CGET », in the returns' tone), not the state's bare name in the waiting tone."""
    case = sent_back(kind, people)
    validator = logged(people["validator"])
    screen = validator.get(f"/taches/{done_task(case, 'validate').pk}/decision/").content.decode()
    page = validator.get(kind_of(case).url(case)).content.decode()
    assert state_badge_of(screen, "etat-dossier") == state_badge_of(page, PAGE_BADGE[kind])
    assert state_badge_of(screen, "etat-dossier") == ("Brouillon · à reprendre", {"fr-badge", "fr-badge--warning"})

    case = transition_run(case=fresh(case), user=people["agent"], name="send_to_validation")
    case = transition_run(case=case, user=people["validator"], name="validate")
    case = transition_run(case=case, user=people["cget"], name="return_to_prefecture", comment=REASON)
    cget = logged(people["cget"])
    screen = cget.get(f"/taches/{done_task(case, 'review').pk}/decision/").content.decode()
    page = cget.get(kind_of(case).url(case)).content.decode()
    assert state_badge_of(screen, "etat-dossier") == state_badge_of(page, PAGE_BADGE[kind])
    assert state_badge_of(screen, "etat-dossier")[1] == {"fr-badge", "fr-badge--warning"}
