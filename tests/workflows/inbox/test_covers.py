"""Absence cover (``accounts.covers``): while a user is away, the colleague he named (same
département and role) sees his assigned tasks in « À traiter », may act on them (the kernel's
``task_may_act``, one place) and receives his notices and their emails; read on the campaign's
clock, the cover holds on its last day and ends the day after."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.test import Client

import pytest

from accounts import covers
from accounts.models import Role, User
from notifications.campaign import campaign_clock_set, campaign_today
from notifications.models import Reminder
from notifications.notices import Notice
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task, renewal_in
from workflows.cases.tasks import TaskUnavailable, task_may_act
from workflows.inbox import selectors
from workflows.models import Renewal, RenewalState
from workflows.renewal.services import renewal_task_assign, renewal_task_complete

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


@pytest.fixture
def world(make_user: MakeUser) -> dict[str, Any]:
    absent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=absent)
    task = open_task(renewal, "evaluate")
    renewal_task_assign(task_pk=task.pk, user=absent)
    return {
        "absent": absent,
        "colleague": colleague,
        "validator": make_user(Role.PREFECT_VALIDATOR, "59"),
        "stranger": make_user(Role.AGENT, "62"),
        "renewal": renewal,
        "task": open_task(renewal, "evaluate"),
    }


def fresh_user(user: User) -> User:
    return User.objects.get(pk=user.pk)  # per-request caches are on the user object


def todo(user: User) -> set[int]:
    return set(selectors.tab_tasks(user=fresh_user(user), tab="a-traiter").values_list("pk", flat=True))


def may_act(world: dict[str, Any]) -> bool:
    task = open_task(world["renewal"], "evaluate")
    return task_may_act(
        user=fresh_user(world["colleague"]), task=task, case=Renewal.objects.get(pk=task.process.artifact_object_id)
    )


def test_meanwhile_the_colleague_sees_and_may_act_and_it_ends_after_the_last_day(world: dict[str, Any]) -> None:
    absent, colleague, task = world["absent"], world["colleague"], world["task"]
    today = campaign_today()
    assert task.pk not in todo(colleague) and not may_act(world)
    covers.cover_create(user=absent, colleague=colleague, starts_on=today + DAY, ends_on=today + 3 * DAY, today=today)
    assert task.pk not in todo(colleague) and not may_act(world)  # not yet
    for day in (today + DAY, today + 3 * DAY):  # first and last day included
        campaign_clock_set(day)
        assert task.pk in todo(colleague) and may_act(world), day
        assert task.pk in todo(absent)  # still his own too
        assert selectors.tab_counts(user=fresh_user(colleague))["a-traiter"] == 1
    campaign_clock_set(today + 4 * DAY)  # the day after the end: the grant is over
    assert task.pk not in todo(colleague) and not may_act(world)
    with pytest.raises(TaskUnavailable, match="attribuée à"):
        renewal_task_complete(task_pk=task.pk, user=fresh_user(colleague), fields={})


def test_the_colleague_completes_the_task_and_it_counts_as_his(world: dict[str, Any]) -> None:
    from tests.workflows.renewal.helpers import EVALUATION, pdf
    from workflows.models import RenewalDocument
    from workflows.renewal.services import renewal_document_add

    absent, colleague, renewal, task = world["absent"], world["colleague"], world["renewal"], world["task"]
    today = campaign_today()
    covers.cover_create(user=absent, colleague=colleague, starts_on=today, ends_on=today, today=today)
    renewal_document_add(renewal=renewal, user=colleague, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    renewal_task_complete(task_pk=task.pk, user=fresh_user(colleague), fields=EVALUATION)
    assert Renewal.objects.get(pk=renewal.pk).state == RenewalState.NEGOTIATION
    done = selectors.tab_tasks(user=fresh_user(colleague), tab="traites")
    assert task.pk in set(done.values_list("pk", flat=True))


def test_only_a_colleague_of_the_same_service_and_role_covers(world: dict[str, Any]) -> None:
    absent, today = world["absent"], campaign_today()
    assert set(covers.cover_candidates(user=absent)) == {world["colleague"]}
    for other in (world["validator"], world["stranger"], absent):
        with pytest.raises(ValidationError, match="même rôle"):
            covers.cover_create(user=absent, colleague=other, starts_on=today, ends_on=today, today=today)
    with pytest.raises(ValidationError, match="précède"):
        covers.cover_create(
            user=absent, colleague=world["colleague"], starts_on=today, ends_on=today - DAY, today=today
        )
    # The stranger of another département never sees the task, cover or not.
    assert world["task"].pk not in todo(world["stranger"])


def test_notices_and_emails_go_to_the_colleague_meanwhile(
    world: dict[str, Any], make_user: MakeUser, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from workflows.cases import note_services

    absent, colleague, renewal = world["absent"], world["colleague"], world["renewal"]
    today = campaign_today()
    covers.cover_create(user=absent, colleague=colleague, starts_on=today, ends_on=today + DAY, today=today)
    cget = make_user(Role.CGET_REFERENT)
    with django_capture_on_commit_callbacks(execute=True):
        note_services.message_add(user=cget, case=renewal, text="Où en est l'évaluation ?")
    assert not Notice.objects.filter(recipient=absent).exists()
    notices = Notice.objects.filter(recipient=colleague, event="message")
    assert notices.count() == 1  # his own and the absent one's: one notice
    assert Reminder.objects.filter(recipient=colleague).count() == 1
    campaign_clock_set(today + 2 * DAY)
    with django_capture_on_commit_callbacks(execute=True):
        note_services.message_add(user=cget, case=renewal, text="Et maintenant ?")
    assert Notice.objects.filter(recipient=absent, event="message").count() == 1  # back: his own again


def test_the_absence_page(world: dict[str, Any]) -> None:
    absent, colleague = world["absent"], world["colleague"]
    today = campaign_today()
    client = Client()
    client.force_login(absent, backend="accounts.backends.PasswordBackend")
    body = client.get("/absence/").content.decode()
    assert "Mon absence" in body and colleague.email in body and world["validator"].email not in body
    response = client.post(
        "/absence/",
        {"remplacant": colleague.pk, "debut": today.isoformat(), "fin": (today + 2 * DAY).isoformat()},
        follow=True,
    )
    assert "vous remplace du" in response.content.decode()
    cover = covers.user_covers(user=absent, today=today).get()
    response = client.post(
        "/absence/", {"remplacant": world["stranger"].pk, "debut": today.isoformat(), "fin": today.isoformat()}
    )
    assert response.status_code == 400
    client.post("/absence/", {"terminer": cover.pk})
    assert not covers.covers(user=fresh_user(colleague), owner_id=absent.pk, today=today)
