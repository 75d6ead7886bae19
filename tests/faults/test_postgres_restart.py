"""PostgreSQL crashes and restarts under load.

A private PostgreSQL cluster (``initdb`` in a temporary directory, its own port) receives a
copy of the test database with a few renovation cases; gunicorn serves it with DEBUG off.
Agents, valideurs and a référent CGET work through HTTP in threads while PostgreSQL is killed
(``pg_ctl stop -m immediate``: no checkpoint, WAL replay at restart) and started again:

- during the outage every request ends with the French 500 page, no traceback, no gunicorn
  worker lost;
- once PostgreSQL is back, every request succeeds again with no restart of the app
  (``CONN_MAX_AGE`` keeps connections, ``CONN_HEALTH_CHECKS`` drops the dead ones);
- no case is half-written: each case's state is the target of its last history row, the history
  is a chain, each completed task has its next task, each task completion has its history row.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

import psycopg
import pytest

from accounts.models import Role
from tests.conftest import MakeUser
from tests.faults.servers import (
    Gunicorn,
    PrivatePostgres,
    WebAgent,
    postgres_bin,
    private_postgres,
    remove_tree,
    start_gunicorn,
)
from tests.workflows.renewal.helpers import add_commitment, renewal_in
from workflows.models import RenewalState

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(postgres_bin() is None, reason="PostgreSQL server binaries (initdb, pg_ctl) are not installed"),
]

PASSWORD = "mot-de-passe-de-test"  # tests.factories.UserFactory
CASES = 6
OUTAGE_SECONDS = 3.0


@pytest.fixture
def postgres() -> Iterator[PrivatePostgres]:
    server = private_postgres()
    try:
        yield server
    finally:
        server.stop("immediate")
        remove_tree(server.directory)


def web_settings(postgres: PrivatePostgres) -> str:
    return (
        "from config.settings.test import *  # noqa\n"
        "DEBUG = False\n"
        "ALLOWED_HOSTS = ['127.0.0.1']\n"
        f"DATABASES['default'].update(HOST='127.0.0.1', PORT='{postgres.port}', NAME='quartiers_fault')\n"
        "LOGGING['root']['level'] = 'CRITICAL'\n"
    )


def check_consistency(url: str) -> None:
    with psycopg.connect(url) as db:

        def rows(sql: str) -> list[Any]:
            return db.execute(sql).fetchall()

        # The state of each case is the target of its last history row.
        assert not rows(
            """SELECT r.id, r.state FROM workflows_renewal r
               WHERE r.state <> 'not_started' AND r.state IS DISTINCT FROM
                 (SELECT h.target FROM workflows_renewaltransition h WHERE h.renewal_id = r.id
                  ORDER BY h.at DESC, h.id DESC LIMIT 1)"""
        )
        # The history is a chain: each row starts where the previous one ended.
        assert not rows(
            """SELECT * FROM (SELECT renewal_id, source,
                 lag(target) OVER (PARTITION BY renewal_id ORDER BY at, id) AS previous
               FROM workflows_renewaltransition) h WHERE previous IS NOT NULL AND previous <> source"""
        )
        # Each completed task of a case has its next task (viewflow's "previous" link).
        assert not rows(
            """SELECT t.id, t.flow_task FROM viewflow_task t
               WHERE t.status = 'DONE' AND t.flow_task NOT LIKE '%.end'
                 AND NOT EXISTS (SELECT 1 FROM viewflow_task_previous p WHERE p.to_task_id = t.id)"""
        )
        # Each running case has exactly one open task.
        assert not rows(
            """SELECT p.id, count(t.id) FROM viewflow_process p
               LEFT JOIN viewflow_task t ON t.process_id = p.id AND t.status IN ('NEW', 'ASSIGNED', 'STARTED')
               WHERE p.status <> 'DONE' GROUP BY p.id HAVING count(t.id) <> 1"""
        )
        # Each completed human task has its history row, and no history row lacks its task.
        per_case = rows(
            """SELECT r.id,
                 (SELECT count(*) FROM workflows_renewaltransition h
                  WHERE h.renewal_id = r.id AND h.transition <> 'launch'),
                 (SELECT count(*) FROM viewflow_task t JOIN viewflow_process p ON p.id = t.process_id
                  WHERE p.artifact_object_id = r.id AND t.flow_task_type = 'HUMAN' AND t.status = 'DONE')
               FROM workflows_renewal r WHERE r.state <> 'not_started'"""
        )
        assert per_case and all(history == done for _, history, done in per_case), per_case


def test_postgres_killed_and_restarted_during_load(
    make_user: MakeUser, postgres: PrivatePostgres, tmp_path: Path
) -> None:
    # The settings the recovery relies on (config/settings/base.py).
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert settings.DATABASES["default"]["CONN_MAX_AGE"] > 0

    agents = [make_user(Role.AGENT, "59") for _ in range(2)]
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    referent = make_user(Role.CGET_REFERENT)
    cases = []
    for index in range(CASES):
        renewal = renewal_in(RenewalState.NEGOTIATION, agent=agents[0], contract_index=index)
        add_commitment(renewal)
        cases.append((renewal.pk, renewal_process(renewal.pk)))
    source = connection.settings_dict
    source_url = f"postgresql://{source['USER']}@{source['HOST']}:{source['PORT']}/{source['NAME']}"
    postgres.copy_database(source_url, "quartiers_fault")
    web: Gunicorn = start_gunicorn(web_settings(postgres), tmp_path)
    stop = threading.Event()
    try:
        people = [
            (WebAgent(web.url, a.email, PASSWORD), {"childhood_parenting": "Volet", "protocol_signatories": "Préfet"})
            for a in agents
        ]
        people.append((WebAgent(web.url, validator.email, PASSWORD), {"decision": "validate"}))
        sent_back = {"decision": "return_to_prefecture", "comment": "À reprendre"}
        people.append((WebAgent(web.url, referent.email, PASSWORD), sent_back))
        reader = WebAgent(web.url, agents[1].email, PASSWORD)
        for person, _ in people:
            person.login()
        reader.login()
        threads = []
        for n, (person, decision) in enumerate(people):
            mine = cases[n % 2 :: 2] if n < 2 else cases

            def step(agent: WebAgent, mine: list[tuple[int, int]] = mine, decision: dict[str, str] = decision) -> None:
                for renewal_pk, process_pk in mine:
                    agent.work(renewal_pk, process_pk, decision)

            threads.append(person.loop(step, stop))

        def read(agent: WebAgent) -> None:
            for path in ("/taches/", "/taches/file/", f"/renovations/{cases[0][0]}/"):
                agent.request("GET", path)

        threads.append(reader.loop(read, stop))

        # The outage starts once the agents have completed something (3 s on a quiet host; a
        # loaded one may need longer before its first completion).
        warmed = time.monotonic() + 60
        time.sleep(3)
        while not any(person.completed_at for person, _ in people) and time.monotonic() < warmed:
            time.sleep(0.5)
        outage_started = time.monotonic()
        postgres.stop("immediate")
        time.sleep(OUTAGE_SECONDS)
        postgres.start()
        back = time.monotonic()
        time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        stop.set()
        web.stop()

    hits = [hit for person, _ in people for hit in person.hits] + reader.hits
    statuses = {hit.status for hit in hits}
    assert statuses <= {200, 302, 500}, statuses  # never a dropped connection or a 502
    failures = [hit for hit in hits if hit.status == 500]
    assert failures, "no request hit the outage"
    for hit in failures:
        assert hit.ended > outage_started, f"failure before the outage: {hit.method} {hit.url}"
        assert "Erreur du serveur" in hit.body and "Réessayez" in hit.body
        for leak in ("Traceback", "psycopg", "OperationalError", 'File "/'):
            assert leak not in hit.body
    # Recovered by itself: everything that started once PostgreSQL accepted connections again
    # succeeded, the first request of each gunicorn worker included.
    after = [hit for hit in hits if hit.started > back]
    assert after and all(hit.status in (200, 302) for hit in after), [
        (hit.method, hit.url, hit.status) for hit in after if hit.status not in (200, 302)
    ]
    completed_before = sum(1 for person, _ in people for at in person.completed_at if at < outage_started)
    completed_after = sum(1 for person, _ in people for at in person.completed_at if at > back)
    assert completed_before > 0 and completed_after > 0, (completed_before, completed_after)
    print(  # shown with -s: what the run went through
        f"{len(hits)} requests, {len(failures)} clean 500s during the outage, {len(after)} after it; "
        f"completions: {completed_before} before, {completed_after} after"
    )
    check_consistency(f"{postgres.url}/quartiers_fault")


def renewal_process(renewal_pk: int) -> int:
    from viewflow.workflow.models import Process

    return int(Process.objects.filter(artifact_object_id=renewal_pk).values_list("pk", flat=True).get())
