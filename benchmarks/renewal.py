"""Benchmark of the renovation flow, on a dedicated PostgreSQL database.

1. Task completions per second through the full path (lock, FSM transition, history row,
   next task: ``workflows.renewal.services.renewal_task_complete``) against a bare viewflow ``Handle``
   transition (``tests.workflows.bench_flow.BareFlow``) in the same run, one process and two.
2. Inbox and queue with 1,000,000 tasks and 100,000 object grants: p50/p95 of the selector
   (count + first page) and of the whole page through the Django client, and the number of
   queries per page.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/quartiers_bench_ren \
        .venv/bin/python benchmarks/renewal.py [--rounds 3] [--samples 200]

The database is created if needed and its renovation data reset at each run (never the test DB).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quartiers_bench_ren")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"  # includes the "tests" app (BareFlow)


def ensure_database() -> None:
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[1]
    server = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


ensure_database()
import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from viewflow.workflow.models import Process, Task  # noqa: E402
from viewflow.workflow.status import STATUS  # noqa: E402

from accounts.models import Organisation, Role, User  # noqa: E402
from accounts.services import organisations_ensure, user_create  # noqa: E402
from reference.models import CityContract, Department  # noqa: E402
from reference.services.importer import reference_import  # noqa: E402
from tests.workflows.bench_flow import BareFlow  # noqa: E402
from tests.workflows.renewal.helpers import PDF  # noqa: E402  (a real PDF: uploads must parse)
from workflows.inbox import selectors  # noqa: E402
from workflows.models import Commitment, Renewal, RenewalDocument, RenewalTransition  # noqa: E402
from workflows.renewal.flows import RenewalFlow  # noqa: E402
from workflows.renewal.services import renewal_document_add, renewal_launch_all, renewal_task_complete  # noqa: E402

EVALUATION = {
    "evaluation_date": "2019-03-01",
    "evaluation_strengths": "x",
    "evaluation_improvements": "y",
    "councils_consulted_on": "2019-02-20",
    "councils_consulted": "z",
}
PROTOCOL = {"childhood_parenting": "volet", "protocol_signatories": "préfet"}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup() -> dict[str, User]:
    call_command("migrate", verbosity=0)
    if not CityContract.objects.exists():
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
    organisations_ensure()
    cget = Organisation.objects.get(kind=Organisation.Kind.CGET)
    people: dict[str, User] = {}

    def user(email: str, role: Role, organisation: Organisation) -> User:
        found = User.objects.filter(email__iexact=email).first()
        return found or user_create(email=email, password=None, role=role, organisation=organisation)

    people["referent"] = user("referent@bench.local", Role.CGET_REFERENT, cget)
    people["admin"] = user("admin@bench.local", Role.NATIONAL_ADMIN, cget)
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE).select_related("department"):
        code = organisation.department.code  # type: ignore[union-attr]
        people[f"agent-{code.lower()}"] = user(f"agent-{code}@bench.local", Role.AGENT, organisation)
        people[f"validator-{code.lower()}"] = user(
            f"validator-{code}@bench.local", Role.PREFECT_VALIDATOR, organisation
        )
    return people


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE viewflow_task, viewflow_process RESTART IDENTITY CASCADE")
        cursor.execute(
            "TRUNCATE workflows_renewaltransition, workflows_commitment, workflows_renewaldocument,"
            " workflows_renewal_merged_contracts, workflows_renewal RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "DELETE FROM accounts_departmentuserobjectpermission WHERE user_id IN"
            " (SELECT id FROM accounts_user WHERE email LIKE 'bulk%%@bench.local')"
        )
        cursor.execute(
            "DELETE FROM accounts_user_groups WHERE user_id IN"
            " (SELECT id FROM accounts_user WHERE email LIKE 'bulk%%@bench.local')"
        )
        cursor.execute("DELETE FROM accounts_user WHERE email LIKE 'bulk%%@bench.local'")


def open_task(renewal_id: int, node: Any) -> Task:
    return Task.objects.get(
        process__artifact_object_id=renewal_id,
        process__flow_class=RenewalFlow,
        flow_task=node,
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    )


CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def completion_queries(sql: list[str]) -> dict[str, int]:
    """The statements of one completion: those of its transaction (the kernel's path) and those
    the event's receivers ran once it committed (notices, outbox), transaction control apart."""
    commit = next((i for i, statement in enumerate(sql) if statement.startswith("COMMIT")), len(sql))
    counted = [(i, statement) for i, statement in enumerate(sql) if statement.split()[0].upper() not in CONTROL]
    return {
        "transaction": sum(1 for i, _ in counted if i < commit),
        "after_commit": sum(1 for i, _ in counted if i > commit),
        "control": len(sql) - len(counted),
    }


def completion_round(
    renewal_ids: list[int],
    people: dict[str, User],
    timings: list[float],
    queries: list[dict[str, int]] | None = None,
) -> None:
    """One full-path cycle per case: build protocol → prefect validation → CGET return.
    ``queries``: when given, the statements of each completion (``completion_queries``)."""
    for renewal_id in renewal_ids:
        code = Renewal.objects.values_list("department__code", flat=True).get(pk=renewal_id).lower()
        for node, user, transition in (
            (RenewalFlow.build_protocol, people[f"agent-{code}"], None),
            (RenewalFlow.validate, people[f"validator-{code}"], None),
            (RenewalFlow.review, people["referent"], "return_to_prefecture"),
        ):
            task_pk = open_task(renewal_id, node).pk
            fresh = User.objects.get(pk=user.pk)
            capture = CaptureQueriesContext(connection) if queries is not None else None
            started = time.perf_counter()
            if capture is not None:
                capture.__enter__()
            # A fresh user object per completion, as in a request (no permission cache carried over).
            renewal_task_complete(
                task_pk=task_pk,
                user=fresh,
                transition=transition,
                comment="à reprendre" if transition else "",
                fields=PROTOCOL if node is RenewalFlow.build_protocol else None,
            )
            timings.append(time.perf_counter() - started)
            if capture is not None and queries is not None:
                capture.__exit__(None, None, None)
                queries.append({"node": node.name, **completion_queries([q["sql"] for q in capture.captured_queries])})


def bare_round(process_ids: list[int], timings: list[float]) -> None:
    for process_id in process_ids:
        task = Task.objects.get(process_id=process_id, flow_task=BareFlow.step, status=STATUS.NEW)
        started = time.perf_counter()
        BareFlow.step.run(task)
        timings.append(time.perf_counter() - started)


def _worker(kind: str, ids: list[int], rounds: int, queue: Any) -> None:
    try:
        connections.close_all()
        people = {u.email.split("@")[0]: u for u in User.objects.filter(email__endswith="@bench.local")}
        timings: list[float] = []
        started = time.perf_counter()
        for _ in range(rounds):
            if kind == "full":
                completion_round(ids, people, timings)
            else:
                bare_round(ids, timings)
        queue.put((len(timings), time.perf_counter() - started))
    except BaseException as exc:  # report instead of leaving the parent waiting
        import traceback

        queue.put(("error", traceback.format_exc()))
        raise exc
    finally:
        connections.close_all()


def parallel(kind: str, ids: list[int], rounds: int, workers: int = 2) -> float:
    connections.close_all()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    chunks = [ids[i::workers] for i in range(workers)]
    processes = [context.Process(target=_worker, args=(kind, chunk, rounds, queue)) for chunk in chunks]
    for process in processes:
        process.start()
    results = [queue.get(timeout=1800) for _ in processes]
    for process in processes:
        process.join()
    errors = [detail for status, detail in results if status == "error"]
    if errors:
        raise RuntimeError(errors[0])
    return sum(count for count, _ in results) / max(elapsed for _, elapsed in results)


def prepare(people: dict[str, User]) -> tuple[list[int], float, int, list[float]]:
    """Reset, bulk-launch every case, then complete each mid-term evaluation (full path)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    reset()
    started = time.perf_counter()
    launched = renewal_launch_all(user=people["admin"])
    bulk_seconds = time.perf_counter() - started
    say(f"bulk launch: {launched} cases in {bulk_seconds:.1f} s")
    ids = list(Renewal.objects.filter(department__isnull=False).order_by("pk").values_list("pk", flat=True))
    evaluate_timings: list[float] = []
    for renewal in Renewal.objects.filter(pk__in=ids).select_related("department"):
        agent = people[f"agent-{renewal.department.code.lower()}"]
        renewal_document_add(
            renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=SimpleUploadedFile("e.pdf", PDF)
        )
        Commitment.objects.create(
            renewal=renewal,
            party="epci",
            domain="mobility",
            text="t",
            indicator="i",
            target_value="1",
            target_year=2020,
            frequency="annual",
        )
        task_pk = open_task(renewal.pk, RenewalFlow.evaluate).pk
        t0 = time.perf_counter()
        renewal_task_complete(task_pk=task_pk, user=agent, fields=EVALUATION)
        evaluate_timings.append(time.perf_counter() - t0)
    return ids, bulk_seconds, launched, evaluate_timings


def completions(people: dict[str, User], rounds: int) -> dict[str, Any]:
    ids, bulk_seconds, launched, _ = prepare(people)
    counted: list[dict[str, Any]] = []
    completion_round(ids[:3], people, [], counted)  # queries of 9 completions (3 per node), untimed
    ids = ids[3:]
    full: list[float] = []
    t0 = time.perf_counter()
    completion_round(ids, people, full)
    single_full = len(full) / (time.perf_counter() - t0)
    say(f"full path, 1 process: {single_full:.0f} completions/s ({len(full)} completions)")
    two_full = parallel("full", ids, rounds)
    say(f"full path, 2 processes: {two_full:.0f} completions/s")

    bare_ids = [BareFlow.start.run().pk for _ in range(len(ids))]
    bare: list[float] = []
    t0 = time.perf_counter()
    bare_round(bare_ids, bare)
    bare_round(bare_ids, bare)
    bare_round(bare_ids, bare)
    single_bare = len(bare) / (time.perf_counter() - t0)
    say(f"bare Handle, 1 process: {single_bare:.0f} transitions/s")
    two_bare = parallel("bare", bare_ids, rounds)
    say(f"bare Handle, 2 processes: {two_bare:.0f} transitions/s")
    return {
        "bulk_launch_seconds": round(bulk_seconds, 1),
        "bulk_launched": launched,
        "full_1p_per_s": round(single_full),
        "full_2p_per_s": round(two_full),
        "full_p50_ms": round(statistics.median(full) * 1000, 2),
        "full_p95_ms": round(statistics.quantiles(full, n=20)[18] * 1000, 2),
        "bare_1p_per_s": round(single_bare),
        "bare_2p_per_s": round(two_bare),
        "bare_p50_ms": round(statistics.median(bare) * 1000, 2),
        "ratio_1p": round(single_full / single_bare, 2),
        "ratio_2p": round(two_full / two_bare, 2),
        "history_rows": RenewalTransition.objects.count(),
        "queries_per_completion": counted,
    }


FILL_SQL = """
-- 50,000 prefecture agents spread over the départements, each with 2 object grants: 100,000 grants.
WITH orgs AS (SELECT array_agg(id ORDER BY id) AS ids FROM accounts_organisation WHERE kind = 'prefecture')
INSERT INTO accounts_user (email, password, first_name, last_name, organisation_id, role, is_staff, is_active,
                           is_superuser, date_joined)
SELECT 'bulk' || g || '@bench.local', '!', 'Agent', 'N' || g, orgs.ids[1 + g %% array_length(orgs.ids, 1)],
       'agent', false, true, false, now()
FROM generate_series(1, 50000) g, orgs;

INSERT INTO accounts_user_groups (user_id, group_id)
SELECT u.id, (SELECT id FROM auth_group WHERE name = 'Agent de préfecture')
FROM accounts_user u WHERE u.email LIKE 'bulk%%@bench.local';

INSERT INTO accounts_departmentuserobjectpermission (user_id, permission_id, content_object_id)
SELECT u.id, p.id, o.department_id
FROM accounts_user u JOIN accounts_organisation o ON o.id = u.organisation_id
CROSS JOIN auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id
WHERE u.email LIKE 'bulk%%@bench.local' AND ct.app_label = 'reference'
  AND p.codename IN ('view_department', 'work_in_department');

"""

# The bulk agents of each département (who the assigned tasks go to), then the task insert.
AGENTS_AND_TASKS = """), agents AS (
  SELECT o.department_id, array_agg(u.id) AS ids
  FROM accounts_user u JOIN accounts_organisation o ON o.id = u.organisation_id
  WHERE u.email LIKE 'bulk%%@bench.local' GROUP BY o.department_id
)
INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, assigned, started, finished, token,
                           owner_id, owner_permission, process_id, data)
"""

RENEWAL_STRESS_SQL = """
-- 100,000 renovation processes over the 434 cases, 10 tasks each: 9 done, 1 open (60 %% in the
-- département queue, 40 %% assigned to an agent of the case's département). Their processes are
-- marked done: a case has one running process (the kernel completes its tasks in it), the
-- stress ones only weigh on the lists, which read tasks whatever their process's status.
INSERT INTO viewflow_process (flow_class, status, created, data, artifact_content_type_id, artifact_object_id)
SELECT %(flow)s, 'DONE', now() - (g || ' minutes')::interval, '{}'::jsonb, %(ct)s,
       r.ids[1 + g %% array_length(r.ids, 1)]
FROM generate_series(1, 100000) g, (SELECT array_agg(id ORDER BY id) AS ids FROM workflows_renewal) r;

WITH nodes AS (
  SELECT ARRAY[%(evaluate)s, %(build)s, %(validate)s, %(review)s, %(sign)s] AS refs,
         ARRAY['workflows.work_renewal', 'workflows.work_renewal', 'workflows.validate_renewal',
               'workflows.review_renewal', 'workflows.work_renewal'] AS perms
), procs AS (
  SELECT p.id, p.created, r.department_id, row_number() OVER (ORDER BY p.id) AS n
  FROM viewflow_process p JOIN workflows_renewal r ON r.id = p.artifact_object_id
  WHERE p.flow_class = %(flow)s AND p.id > %(last_process)s
-- the agents, then the tasks
SELECT nodes.refs[1 + (k + procs.n) %% 5], 'HUMAN',
       CASE WHEN k < 9 THEN 'DONE' WHEN (procs.n / 5) %% 5 < 3 THEN 'NEW' ELSE 'ASSIGNED' END,
       procs.created + (k || ' hours')::interval, NULL, NULL,
       CASE WHEN k < 9 THEN procs.created + (k || ' hours')::interval END, 'start',
       CASE WHEN k = 9 AND (procs.n / 5) %% 5 >= 3 THEN agents.ids[1 + procs.n %% array_length(agents.ids, 1)] END,
       nodes.perms[1 + (k + procs.n) %% 5], procs.id, '{}'::jsonb
FROM procs CROSS JOIN generate_series(0, 9) k CROSS JOIN nodes
LEFT JOIN agents ON agents.department_id = procs.department_id;
""".replace("-- the agents, then the tasks\n", AGENTS_AND_TASKS)

# What a département's lists hold in the product: one running process per PAQTE convention (its
# case), here 10 tasks each (the start, 8 done, 1 open at the node of the convention's state:
# draft → negotiate, negotiation → sign, signed → activate, active → follow up; 60 % in the
# département queue, 40 % assigned to an agent of the convention's département).
PAQTE_STRESS_SQL = """
INSERT INTO viewflow_process (flow_class, status, created, data, artifact_content_type_id, artifact_object_id)
SELECT %(paqte_flow)s, 'NEW', now() - (c.id || ' minutes')::interval, '{}'::jsonb, %(paqte_ct)s, c.id
FROM workflows_paqteconvention c JOIN workflows_company co ON co.id = c.company_id
WHERE co.siret LIKE '99%%'
ORDER BY c.id
LIMIT %(processes)s;

WITH nodes AS (
  SELECT ARRAY[%(paqte_negotiate)s, %(paqte_sign)s, %(paqte_activate)s, %(paqte_follow_up)s] AS refs,
         ARRAY['draft', 'negotiation', 'signed', 'active'] AS states
), procs AS (
  SELECT p.id, p.created, c.department_id, c.state, row_number() OVER (ORDER BY p.id) AS n
  FROM viewflow_process p JOIN workflows_paqteconvention c ON c.id = p.artifact_object_id
  WHERE p.flow_class = %(paqte_flow)s AND p.id > %(last_process)s
-- the agents, then the tasks
SELECT CASE WHEN k = 0 THEN %(paqte_start)s
            WHEN k < 9 THEN nodes.refs[1 + (k - 1) %% 4]
            ELSE nodes.refs[array_position(nodes.states, procs.state::text)] END,
       CASE WHEN k = 0 THEN 'START' ELSE 'HUMAN' END,
       CASE WHEN k < 9 THEN 'DONE' WHEN (procs.n / 5) %% 5 < 3 THEN 'NEW' ELSE 'ASSIGNED' END,
       procs.created + (k || ' hours')::interval, NULL, NULL,
       CASE WHEN k < 9 THEN procs.created + (k || ' hours')::interval END, 'start',
       CASE WHEN k = 9 AND (procs.n / 5) %% 5 >= 3 THEN agents.ids[1 + procs.n %% array_length(agents.ids, 1)] END,
       CASE WHEN k = 0 THEN '' ELSE 'workflows.work_paqte' END, procs.id, '{}'::jsonb
FROM procs CROSS JOIN generate_series(0, 9) k CROSS JOIN nodes
LEFT JOIN agents ON agents.department_id = procs.department_id;
""".replace("-- the agents, then the tasks\n", AGENTS_AND_TASKS)


def fill(target_tasks: int, *, stress: str = "renewal", processes: int = 100_000) -> dict[str, int]:
    """The users and grants, then ``processes`` stress processes of 10 tasks each: ``renewal``
    puts them all on the 434 renovations (this benchmark's own pages), ``paqte`` gives each PAQTE
    convention of ``benchmarks/load.py`` its one running process, as the product does."""
    from django.contrib.contenttypes.models import ContentType

    from viewflow.workflow.fields import get_flow_ref, get_task_ref

    from workflows.paqte.flows import PaqteConventionFlow
    from workflows.paqte.models import PaqteConvention

    last_process = Process.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    params = {
        "processes": processes,
        "paqte_flow": get_flow_ref(PaqteConventionFlow),
        "paqte_ct": ContentType.objects.get_for_model(PaqteConvention).pk,
        "paqte_start": get_task_ref(PaqteConventionFlow.start),
        "paqte_negotiate": get_task_ref(PaqteConventionFlow.negotiate),
        "paqte_sign": get_task_ref(PaqteConventionFlow.sign),
        "paqte_activate": get_task_ref(PaqteConventionFlow.activate),
        "paqte_follow_up": get_task_ref(PaqteConventionFlow.follow_up),
        "flow": get_flow_ref(RenewalFlow),
        "ct": ContentType.objects.get_for_model(Renewal).pk,
        "evaluate": get_task_ref(RenewalFlow.evaluate),
        "build": get_task_ref(RenewalFlow.build_protocol),
        "validate": get_task_ref(RenewalFlow.validate),
        "review": get_task_ref(RenewalFlow.review),
        "sign": get_task_ref(RenewalFlow.sign),
        "last_process": last_process,
    }
    with connection.cursor() as cursor:
        stress_sql = PAQTE_STRESS_SQL if stress == "paqte" else RENEWAL_STRESS_SQL
        for statement in (FILL_SQL + stress_sql).split(";\n"):
            if statement.strip():
                cursor.execute(statement, params)
        existing = Task.objects.count()
        missing = max(0, target_tasks - existing)
        if missing:  # top up with finished bare-flow tasks so the table holds exactly the target
            cursor.execute(
                "INSERT INTO viewflow_task (flow_task, flow_task_type, status, created, finished, token, process_id,"
                " data) SELECT %s, 'FUNCTION', 'DONE', now(), now(), 'start', (SELECT min(id) FROM viewflow_process"
                " WHERE flow_class = %s), '{}'::jsonb FROM generate_series(1, %s)",
                [get_task_ref(BareFlow.step), get_flow_ref(BareFlow), missing],
            )
        cursor.execute("VACUUM ANALYZE") if connection.connection.autocommit else cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM accounts_departmentuserobjectpermission")
        grants = cursor.fetchone()[0]
    return {"tasks": Task.objects.count(), "grants": grants, "processes": Process.objects.count()}


def p(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100)[q - 1] * 1000, 2) if len(values) > 1 else values[0] * 1000


def measure_pages(people: dict[str, User], samples: int) -> dict[str, Any]:
    rng = random.Random(3)
    nord = Department.objects.get(code="59")
    bulk_agents = list(User.objects.filter(email__startswith="bulk", organisation__department=nord)[:samples])
    assigned = list(
        User.objects.filter(pk__in=Task.objects.filter(status=STATUS.ASSIGNED).values("owner_id")[: samples * 3])
    )
    subjects = {
        "queue, agent du Nord": ("/taches/file/", bulk_agents),
        "queue, référent CGET": ("/taches/file/", [people["referent"]]),
        "revue CGET (tous départements)": ("/taches/revue-cget/", [people["referent"]]),
        "inbox, agent avec tâches": ("/taches/", assigned),
    }
    out: dict[str, Any] = {}
    for label, (url, users) in subjects.items():
        selector_times: list[float] = []
        page_times: list[float] = []
        query_counts: set[int] = set()
        for i in range(samples):
            user = users[rng.randrange(len(users))]
            user = User.objects.get(pk=user.pk)  # fresh permission caches, as in a request
            fetch = selectors.task_queue if url == "/taches/file/" else selectors.task_inbox
            if url == "/taches/revue-cget/":
                fetch = selectors.cget_review_queue
            t0 = time.perf_counter()
            queryset = fetch(user=user)
            total = queryset.count()
            rows = list(queryset[:50])
            [task.process.artifact for task in rows]
            selector_times.append(time.perf_counter() - t0)
            client = Client()
            client.force_login(user)
            if i == 0:
                client.get(url)
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                response = client.get(url)
                page_times.append(time.perf_counter() - t0)
            assert response.status_code == 200
            query_counts.add(len(captured))
        out[label] = {
            "rows_total_last": total,
            "selector_p50_ms": p(selector_times, 50),
            "selector_p95_ms": p(selector_times, 95),
            "page_p50_ms": p(page_times, 50),
            "page_p95_ms": p(page_times, 95),
            "queries_per_page": sorted(query_counts),
        }
        say(f"{label}: {out[label]}")
    return out


def explain(people: dict[str, User]) -> dict[str, str]:
    agent = User.objects.filter(email__startswith="bulk", organisation__department__code="59").first()
    assert agent is not None
    plans = {}
    for label, queryset in (
        ("queue Nord", selectors.task_queue(user=agent)),
        ("queue CGET", selectors.task_queue(user=User.objects.get(pk=people["referent"].pk))),
    ):
        plans[label] = queryset[:50].explain(analyze=True)
    return plans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2, help="full-path rounds per worker (3 completions/case)")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--pages-only", action="store_true", help="reuse the filled database, measure pages only")
    parser.add_argument("--completions-only", action="store_true", help="measure completions only (no fill, no pages)")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="SET synchronous_commit = off for this run's sessions: shows the share of the WAL flush",
    )
    args = parser.parse_args()
    if args.async_commit:
        from django.db.backends.signals import connection_created

        def async_commit(sender: Any, connection: Any, **kwargs: Any) -> None:
            with connection.cursor() as cursor:
                cursor.execute("SET synchronous_commit = off")

        connection_created.connect(async_commit, weak=False)
        connections.close_all()
    say(f"database {DATABASE_URL}")
    people = setup()
    result: dict[str, Any] = {
        "async_commit": args.async_commit,
        "load_average_at_start": os.getloadavg(),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgres": connection.cursor().connection.info.server_version,
        },
    }
    if not args.pages_only and not args.completions_only:
        result["completions"] = completions(people, args.rounds)
        say("filling to 1,000,000 tasks and 100,000 grants")
        t0 = time.perf_counter()
        result["volume"] = fill(args.tasks)
        say(f"filled in {time.perf_counter() - t0:.0f} s: {result['volume']}")
    if args.completions_only:
        result["completions"] = completions(people, args.rounds)
        result["load_average_at_end"] = os.getloadavg()
        out = ROOT / "benchmarks" / "out"
        out.mkdir(exist_ok=True)
        (out / "renewal_completions.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return
    result["pages"] = measure_pages(people, args.samples)
    plans = explain(people)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    result["load_average_at_end"] = os.getloadavg()
    suffix = ("_async" if args.async_commit else "") + ("_pages" if args.pages_only else "")
    (out / f"renewal{suffix}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    (out / f"renewal_plans{suffix}.txt").write_text("\n\n".join(f"== {k}\n{v}" for k, v in plans.items()))
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
