"""The inbox and queue pages read viewflow's task managers, with a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow import lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from tests.conftest import MakeUser
from tests.workflows.demo_flow import DemoFlow
from workflows import registry, selectors
from workflows.flows.base import QuartiersFlowMixin

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_flow(monkeypatch: pytest.MonkeyPatch) -> type[DemoFlow]:
    monkeypatch.setattr(selectors, "FLOW_CLASSES", [DemoFlow])
    return DemoFlow


def start_tasks(count: int, owner: User | None = None) -> None:
    for _ in range(count):
        DemoFlow.start.run()
    if owner is not None:
        Task.objects.filter(flow_task=DemoFlow.review, status=STATUS.NEW, owner__isnull=True).update(
            owner=owner, status=STATUS.ASSIGNED
        )


def test_every_registered_flow_uses_the_select_for_update_lock() -> None:
    for flow_class in [*registry.FLOW_CLASSES, DemoFlow]:
        assert issubclass(flow_class, QuartiersFlowMixin)
        assert flow_class.lock_impl is lock.select_for_update_lock


def test_inbox_lists_the_tasks_assigned_to_the_user(demo_flow: type[DemoFlow], make_user: MakeUser) -> None:
    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    start_tasks(2, owner=agent)
    start_tasks(1, owner=colleague)
    start_tasks(3)

    assert selectors.task_inbox(user=agent).count() == 2
    assert selectors.task_queue(user=agent).count() == 3
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/").content.decode()
    assert "Mes tâches (2)" in body and "Relire le dossier" in body


def test_pages_are_empty_without_flows(client_for: Callable[..., Client]) -> None:
    client = client_for(Role.AGENT, "59")
    assert "Aucune tâche ne vous est attribuée." in client.get("/taches/").content.decode()
    assert "Aucune tâche en attente" in client.get("/taches/file/").content.decode()


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/taches/", "/taches/file/"])
def test_task_pages_queries_do_not_grow_with_rows(demo_flow: type[DemoFlow], make_user: MakeUser, url: str) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    owner = agent if url == "/taches/" else None

    start_tasks(1, owner=owner)
    with_one = count_queries(client, url)
    start_tasks(49, owner=owner)
    with_fifty = count_queries(client, url)

    assert with_one == with_fifty
