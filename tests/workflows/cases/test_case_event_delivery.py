"""A transition's event is told by the Celery worker once the transaction commits
(``workflows.cases.events``): the completion only enqueues it; the worker reads the case, the
actor and the transition again and gives the same notices, once even if delivered twice; when
the broker cannot be reached the notices are made at the commit, not lost."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Role, User
from notifications.notices import Notice
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.cases import events
from workflows.models import RenewalState
from workflows.renewal.services import renewal_task_complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(people: dict[str, User], make_user: MakeUser) -> dict[str, User]:
    """A renovation's people (the workflows' conftest) and an agent of another département."""
    return {**people, "stranger": make_user(Role.AGENT, "62")}


def _return(people: dict[str, User], capture: Any) -> Any:
    renewal = renewal_in(
        RenewalState.CGET_REVIEW, agent=people["agent"], validator=people["validator"], referent=people["referent"]
    )
    with capture(execute=True):
        renewal_task_complete(
            task_pk=open_task(renewal, "review").pk,
            user=people["referent"],
            transition="return_to_prefecture",
            comment="Ajoutez la mobilité.",
        )
    return renewal


def test_the_worker_tells_what_the_completion_enqueued(
    people: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False
    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(events.case_event_deliver, "delay", queued.append)
    renewal = _return(people, django_capture_on_commit_callbacks)
    assert not Notice.objects.exists()  # the completion did not wait for its notices
    assert [(p["event"], p["transition"], p["case"]) for p in queued] == [
        ("returned", "return_to_prefecture", renewal.pk)
    ]
    events.case_event_deliver(queued[0])  # the worker
    events.case_event_deliver(queued[0])  # delivered twice (a worker lost after its work): told once
    notices = list(Notice.objects.select_related("recipient"))
    assert [notice.recipient for notice in notices] == [people["agent"]]  # not the CGET, not another département
    assert notices[0].body == f"Motif par {people['referent']} : Ajoutez la mobilité."


def test_without_a_broker_the_notices_are_made_at_the_commit(
    people: dict[str, User], settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def down(payload: dict[str, Any]) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(events.case_event_deliver, "delay", down)
    _return(people, django_capture_on_commit_callbacks)
    assert [notice.recipient for notice in Notice.objects.select_related("recipient")] == [people["agent"]]
