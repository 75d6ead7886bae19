"""Who is told of a return: those the case is back with, the people who prepare it. The prefect's
synthesis (the circular's five pages on the contrats de ville) is prepared by the département's
agents: its return by the CGET, or its valideur's send-back, tells them, each once in the app and
once in the outbox, and not the département's référent PAQTE (annex 2: the PAQTE's pipeline is
his, not the synthesis), nor the valideur, nor the CGET, nor anyone of another département. A
PAQTE report's return does tell the référent PAQTE, who works it with the agents."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from accounts.models import Role, User
from notifications.models import Reminder
from notifications.notices import Notice
from tests.conftest import MakeUser
from tests.workflows.submission_helpers import fresh, in_validation
from workflows.cases.registry import kind_of
from workflows.cases.runner import transition_run
from workflows.inbox.receivers import recipients_for

pytestmark = pytest.mark.django_db

REASON = "Les difficultés rencontrées ne sont pas décrites."


@pytest.fixture
def everyone(make_user: MakeUser) -> dict[str, User]:
    return {
        "agent": make_user(Role.AGENT, "59", email="agent@nord.gouv.fr"),
        "agent2": make_user(Role.AGENT, "59", email="agent2@nord.gouv.fr"),
        "referent": make_user(Role.PAQTE_REFERENT, "59", email="referent-paqte@nord.gouv.fr"),
        "validator": make_user(Role.PREFECT_VALIDATOR, "59", email="valideur@nord.gouv.fr"),
        "cget": make_user(Role.CGET_REFERENT, email="cget@cget.gouv.fr"),
        "agent62": make_user(Role.AGENT, "62", email="agent@pas-de-calais.gouv.fr"),
        "referent62": make_user(Role.PAQTE_REFERENT, "62", email="referent-paqte@pas-de-calais.gouv.fr"),
    }


def told(event: str = "returned") -> tuple[Counter[str], Counter[str]]:
    """Per address, the notices of ``event`` and their rows in the outbox."""
    notices = Counter(
        notice.recipient.email for notice in Notice.objects.filter(event=event).select_related("recipient")
    )
    outbox = Counter(
        row.recipient.email
        for row in Reminder.objects.filter(notice__event=event).select_related("recipient")
        if row.recipient is not None
    )
    return notices, outbox


def submitted(kind: str, everyone: dict[str, User]) -> Any:
    case = in_validation(kind, everyone["agent"])
    return transition_run(case=case, user=everyone["validator"], name="validate")


AGENTS = {"agent@nord.gouv.fr": 1, "agent2@nord.gouv.fr": 1}


def test_a_synthesis_returned_by_the_cget_tells_its_agents_only(
    everyone: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    synthesis = submitted("synthesis", everyone)
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(case=fresh(synthesis), user=everyone["cget"], name="return_to_prefecture", comment=REASON)
    assert fresh(synthesis).state == "returned"
    notices, outbox = told()
    assert notices == Counter(AGENTS)
    assert outbox == Counter(AGENTS)  # one email each, by their preference (immediately)


def test_a_synthesis_sent_back_by_its_valideur_tells_its_agents_only(
    everyone: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    synthesis = in_validation("synthesis", everyone["agent"])
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(case=synthesis, user=everyone["validator"], name="send_back", comment=REASON)
    notices, outbox = told()
    assert notices == Counter(AGENTS) and outbox == Counter(AGENTS)


def test_a_paqte_report_returned_by_the_cget_tells_its_agents_and_the_referent_paqte(
    everyone: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    report = submitted("paqte-report", everyone)
    with django_capture_on_commit_callbacks(execute=True):
        transition_run(case=fresh(report), user=everyone["cget"], name="return_to_prefecture", comment=REASON)
    expected = Counter({**AGENTS, "referent-paqte@nord.gouv.fr": 1})
    notices, outbox = told()
    assert notices == expected and outbox == expected


def test_more_people_of_the_prefecture_change_nothing_but_the_agents(
    everyone: dict[str, User], make_user: MakeUser
) -> None:
    synthesis = fresh(submitted("synthesis", everyone))
    synthesis = transition_run(case=synthesis, user=everyone["cget"], name="return_to_prefecture", comment=REASON)
    spec = kind_of(synthesis).table["return_to_prefecture"]
    for index in range(3):
        make_user(Role.AGENT, "59", email=f"agent{index + 3}@nord.gouv.fr")
        make_user(Role.PAQTE_REFERENT, "59")
        make_user(Role.PREFECT_VALIDATOR, "59")
        make_user(Role.AGENT, "62")
    people = recipients_for(case=fresh(synthesis), event="returned", transition=spec)
    assert sorted(user.email for user in people) == sorted(
        [*AGENTS, *(f"agent{index + 3}@nord.gouv.fr" for index in range(3))]
    )
