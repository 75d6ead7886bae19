"""« Enregistrer le brouillon » holds its task as a completion does (the kernel's ``task_held``):
a colleague covering the owner's absence may save the draft, a stale page is refused with the
completion's French sentence, a task taken by someone else or closed meanwhile is refused and
nothing is written, and an agent of another département may not save it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied

import pytest
from django_fsm import ConcurrentTransition

from accounts import covers
from accounts.models import Role, User
from notifications.campaign import campaign_today
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import EVALUATION, fresh, open_task, pdf, renewal_in
from workflows.cases.tasks import TaskUnavailable
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal.services import (
    renewal_document_add,
    renewal_task_assign,
    renewal_task_complete,
    renewal_task_draft_save,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_user: MakeUser) -> dict[str, Any]:
    absent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=absent)
    task = open_task(renewal, "evaluate")
    renewal_task_assign(task_pk=task.pk, user=absent)
    return {"absent": absent, "colleague": colleague, "renewal": renewal, "task": task}


def fresh_user(user: User) -> User:
    return User.objects.get(pk=user.pk)  # per-request caches are on the user object


def test_a_colleague_covering_the_absence_saves_the_draft(world: dict[str, Any]) -> None:
    absent, colleague, task = world["absent"], world["colleague"], world["task"]
    today = campaign_today()
    covers.cover_create(
        user=absent, colleague=colleague, starts_on=today, ends_on=today + dt.timedelta(days=3), today=today
    )
    renewal_task_draft_save(
        task_pk=task.pk,
        user=fresh_user(colleague),
        fields={"evaluation_strengths": "Rédigé par la collègue qui assure l'intérim."},
        seen_state=RenewalState.EVALUATION,
    )
    renewal = fresh(world["renewal"])
    assert renewal.evaluation_strengths == "Rédigé par la collègue qui assure l'intérim."
    assert renewal.state == RenewalState.EVALUATION
    still = open_task(renewal, "evaluate")
    assert (still.pk, still.owner_id) == (task.pk, absent.pk)  # the task stays open, his


def test_without_a_cover_the_colleague_is_refused_and_nothing_is_written(world: dict[str, Any]) -> None:
    with pytest.raises(TaskUnavailable, match="attribuée à"):
        renewal_task_draft_save(
            task_pk=world["task"].pk, user=fresh_user(world["colleague"]), fields={"evaluation_strengths": "Non"}
        )
    assert fresh(world["renewal"]).evaluation_strengths != "Non"


def test_a_stale_page_is_refused_with_the_completions_sentence(world: dict[str, Any]) -> None:
    absent, task = world["absent"], world["task"]
    refused = []
    for write in (renewal_task_draft_save, renewal_task_complete):
        with pytest.raises(ConcurrentTransition) as error:
            write(task_pk=task.pk, user=absent, fields={"evaluation_strengths": "Tapé"}, seen_state="negotiation")
        refused.append(str(error.value))
    assert refused == ["Le dossier a changé d'étape depuis son ouverture."] * 2
    assert fresh(world["renewal"]).evaluation_strengths != "Tapé"


def test_a_closed_task_is_refused_with_the_completions_sentence(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    task = open_task(renewal, "evaluate")
    renewal_document_add(renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    renewal_task_complete(task_pk=task.pk, user=agent, fields=EVALUATION)  # done by him a moment ago
    refused = []
    for write in (renewal_task_draft_save, renewal_task_complete):
        with pytest.raises(TaskUnavailable) as error:
            write(task_pk=task.pk, user=agent, fields={"evaluation_strengths": "Tapé"})
        refused.append(str(error.value))
    assert refused[0] == refused[1] and "déjà été traitée" in refused[0]
    assert fresh(renewal).evaluation_strengths == EVALUATION["evaluation_strengths"]


def test_an_agent_of_another_department_may_not_save_the_draft(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent)
    task = open_task(renewal, "evaluate")  # in the queue
    with pytest.raises(PermissionDenied):
        renewal_task_draft_save(
            task_pk=task.pk, user=make_user(Role.AGENT, "62"), fields={"evaluation_strengths": "Intrus"}
        )
    assert fresh(renewal).evaluation_strengths != "Intrus"
