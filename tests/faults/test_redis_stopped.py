"""Redis stopped, on a private ``redis-server`` (its own port and directory):
the machine's Redis, which other test runs use, is never touched.

- Pages keep working: gunicorn (DEBUG off) whose cache and Celery broker point at the stopped
  Redis serves logins, inbox, queue, case pages and a task completion, quickly (nothing in the
  request path talks to Redis: sessions are in PostgreSQL, no task is queued by a page).
- Reminders catch up: the sweep writes the outbox while Redis is down (publishing fails, the
  rows stay "ready" in PostgreSQL); once Redis is back, beat sweeps again and the worker sends
  exactly one email per reminder to the SMTP sink (reusing the fault-test helpers).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db import connection

import pytest
import redis
from viewflow.workflow.models import Process

from accounts.models import Role, User
from notifications.models import Reminder
from notifications.reminders import reminders_sweep
from tests.conftest import MakeUser
from tests.faults.servers import PrivateRedis, WebAgent, start_gunicorn
from tests.notifications.test_faults import Cluster, Sink, all_sent, assert_exactly_once, due_today, wait_until
from tests.workflows.renewal.helpers import add_commitment, renewal_in
from workflows.models import RenewalState

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed"),
]

PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory


@pytest.fixture
def private_redis(tmp_path: Path, settings: Any) -> Iterator[PrivateRedis]:
    """Started before ``cluster`` so that the worker, beat and producer use it."""
    server = PrivateRedis(directory=tmp_path)
    server.start()
    settings.REDIS_URL = server.url
    yield server
    server.stop()


def web_settings(redis_url: str) -> str:
    name = connection.settings_dict["NAME"]
    return (
        "from config.settings.test import *  # noqa\n"
        "DEBUG = False\n"
        "ALLOWED_HOSTS = ['127.0.0.1']\n"
        f"DATABASES['default']['NAME'] = {name!r}\n"
        f"REDIS_URL = CELERY_BROKER_URL = {redis_url!r}\n"
        "CACHES = {'default': {'BACKEND': 'config.cache.SharedClientRedisCache', 'LOCATION': REDIS_URL}}\n"
        "CELERY_TASK_ALWAYS_EAGER = False\n"
        "LOGGING['root']['level'] = 'CRITICAL'\n"
    )


def test_redis_stopped_pages_work_and_reminders_catch_up(
    make_user: MakeUser, private_redis: PrivateRedis, sink: Sink, cluster: Cluster, tmp_path: Path
) -> None:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent)
    add_commitment(renewal)
    process_pk = Process.objects.filter(artifact_object_id=renewal.pk).values_list("pk", flat=True).get()
    due_today(make_user, 20)  # 20 deadlines due today in the Nord, the eve rule for agents
    expected = 20 * User.objects.filter(role=Role.AGENT, organisation__department__code="59").count()
    web = start_gunicorn(web_settings(private_redis.url), tmp_path)
    try:
        # A server that has been running: its worker's first log-in and pages (the modules they
        # import on a loaded host took seconds) are not what a missing Redis costs.
        for _ in range(4):  # both workers, most likely
            warm = WebAgent(web.url, agent.email, PASSWORD)
            warm.login()
            warm.request("GET", "/taches/")
        private_redis.stop()
        with pytest.raises(redis.ConnectionError):
            redis.Redis.from_url(private_redis.url).ping()

        # Pages keep working, with no wait on the missing Redis.
        person = WebAgent(web.url, agent.email, PASSWORD)
        person.login()
        for path in ("/", "/taches/", "/taches/file/", f"/renovations/{renewal.pk}/", "/echeances/"):
            person.request("GET", path)
        person.work(renewal.pk, process_pk, {"childhood_parenting": "Volet", "protocol_signatories": "Préfet"})
        assert [(h.method, h.url, h.status) for h in person.hits if h.status not in (200, 302)] == []
        assert max(h.ended - h.started for h in person.hits) < 5, [(h.url, h.ended - h.started) for h in person.hits]
        assert person.completed_at, "the task completion did not go through"
        assert renewal.transitions.filter(transition="build_protocol", actor=agent).exists()
    finally:
        web.stop()

    # Beat's sweep while Redis is down: the outbox is written, publishing fails.
    with pytest.raises(Exception) as failed:  # kombu or redis-py: a connection error
        reminders_sweep(enqueue=cluster.enqueue)
    assert "connect" in repr(failed.value).lower() or "refused" in repr(failed.value).lower(), failed.value
    assert Reminder.objects.count() == expected
    assert not Reminder.objects.exclude(status=Reminder.Status.READY).exists()
    time.sleep(1)
    assert sink.deliveries == []

    # Redis is back (empty: nothing of the failed publish survived), beat and a worker start.
    private_redis.start()
    cluster.beat()
    cluster.worker()
    done = wait_until(all_sent(expected), timeout=90)
    assert done, f"{Reminder.objects.filter(status='sent').count()} / {expected} sent (logs: {cluster.logs})"
    assert_exactly_once(sink, expected, cluster)
