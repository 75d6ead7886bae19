"""Load test: locust agents against gunicorn, 1,000,000 tasks in PostgreSQL.

    .venv/bin/python benchmarks/load.py fill                  # once: ~2-3 min on 2 cores
    .venv/bin/python benchmarks/load.py run --users 20 100    # gunicorn + locust per stage
    .venv/bin/python benchmarks/load.py cost                  # CPU of one request, by page type

``fill`` reuses the filler (``benchmarks/renewal.py``: reference data, one agent
and one valideur per département, the 434 contracts launched and their mid-term evaluation
done, then 100,000 processes / ~1,000,000 tasks and 100,000 guardian grants by SQL) on its own
database ``quartiers_bench_load``, then gives every ``@bench.local`` account one password
(PBKDF2, the production hasher) and writes the plan of the run (who logs in, which real cases
each département has) to ``benchmarks/out/load_plan.json``.

``cost`` starts one gunicorn worker and sends it each page type of the scenario one request at a
time, through HTTP as locust does: the CPU time the worker and PostgreSQL spend on one request
(``/proc/<pid>/stat``), a figure that the other processes of a shared host change much less than
a latency. At 100 agents (~50 requests/s) the two cores leave ~35 ms of CPU a request in all.

``run`` starts gunicorn on loopback with the production settings (DEBUG off, whitenoise,
production password hashing; only the ``Secure``/``__Host-`` cookie flags are dropped because
there is no TLS on loopback), then for each stage runs locust headless
(``benchmarks/load/locustfile.py``) and writes p50/p95/p99 per page type, throughput, errors and
the load average to ``benchmarks/out/load_<users>.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from procstat import cpu_by_pid, cpu_seconds, cpu_spent  # this folder: the script's own directory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DATABASE_URL = os.environ.get("BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quartiers_bench_load")
PASSWORD = "charge-quartiers-2019"  # noqa: S105 - benchmark accounts on a throw-away database
PLAN = OUT / "load_plan.json"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# Words of the companies' names and addresses: a search for one of them finds ~1/len of the cases.
NAME_WORDS = ("Boulangerie", "Transports", "Bâtiment", "Services", "Énergie", "Logistique", "Santé", "Numérique")
STREETS = ("rue de la Paix", "avenue Jean-Jaurès", "boulevard Gambetta", "place de la République")
CASES_SQL = """
INSERT INTO workflows_company (name, siret, size, sector, address, signature_level)
SELECT (ARRAY[%(words)s])[1 + n %% %(nwords)s] || ' ' || 'Entreprise ' || n, lpad((900000000000 + n)::text, 14, '9'),
       'PME', 'Commerce', (1 + n %% 90) || ' ' || (ARRAY[%(streets)s])[1 + n %% %(nstreets)s], 'local'
FROM generate_series(1, %(count)s) AS n;
INSERT INTO workflows_paqteconvention (state, termination_reason, created, company_id, department_id)
SELECT (ARRAY['draft', 'negotiation', 'signed', 'active'])[1 + c.id %% 4], '', now(), c.id,
       (SELECT array_agg(id ORDER BY id) FROM reference_department)[1 + c.id %% 101]
FROM workflows_company c WHERE c.siret LIKE '99%%' AND c.address <> ''
"""


def fill_cases(count: int) -> int:
    """``count`` PAQTE conventions (one company each) spread over the départements: the cases
    the search and the scope read, each given its running process by ``renewal.fill(stress=
    "paqte")``. Conventions made again lose their processes (their tasks with them)."""
    from django.db import connection

    words = ", ".join(f"'{word}'" for word in NAME_WORDS)
    streets = ", ".join(f"'{street}'" for street in STREETS)
    with connection.cursor() as cursor:
        stale = (
            "SELECT p.id FROM viewflow_process p JOIN workflows_paqteconvention c ON c.id = p.artifact_object_id"
            " JOIN workflows_company co ON co.id = c.company_id"
            " WHERE p.flow_class = 'workflows/paqte.flows.PaqteConventionFlow' AND co.siret LIKE '99%%'"
        )
        cursor.execute(f"DELETE FROM viewflow_task WHERE process_id IN ({stale})")  # noqa: S608 (constant)
        cursor.execute(f"DELETE FROM viewflow_process WHERE id IN ({stale})")  # noqa: S608 (constant)
        cursor.execute(
            "DELETE FROM workflows_paqteconvention WHERE company_id IN"
            " (SELECT id FROM workflows_company WHERE siret LIKE '99%%')"
        )
        cursor.execute("DELETE FROM workflows_company WHERE siret LIKE '99%%'")
        for statement in CASES_SQL.split(";\n"):
            sql = statement.replace("%(words)s", words).replace("%(streets)s", streets)
            cursor.execute(sql, {"nwords": len(NAME_WORDS), "nstreets": len(STREETS), "count": count})
        cursor.execute("ANALYZE workflows_company")
        cursor.execute("ANALYZE workflows_paqteconvention")
        cursor.execute("SELECT count(*) FROM workflows_paqteconvention")
        return int(cursor.fetchone()[0])


def fill(tasks: int, cases_wanted: int) -> None:
    os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from django.contrib.auth.hashers import PBKDF2PasswordHasher
    from django.db import connection

    import renewal  # the renovation filler: creates the database, django.setup()

    from accounts.models import User
    from workflows.models import Renewal
    from workflows.renewal.flows import RenewalFlow

    say(f"database {DATABASE_URL}")
    people = renewal.setup()
    t0 = time.perf_counter()
    renewal.prepare(people)  # 434 cases launched, evaluation done: each waits for its protocol
    say(f"434 cases ready in {time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    made = fill_cases(cases_wanted)
    say(f"{made:,} cases in {time.perf_counter() - t0:.0f} s; filling to {tasks:,} tasks")
    t0 = time.perf_counter()
    # Each convention its one running process of 10 tasks (as the product has one per case).
    volume = renewal.fill(tasks, stress="paqte", processes=cases_wanted)
    volume["cases"] = made
    say(f"filled in {time.perf_counter() - t0:.0f} s: {volume}")
    # The production hasher (config.settings.production keeps Django's PBKDF2 default), encoded
    # once: every benchmark account shares the hash.
    encoded = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET password = %s WHERE email LIKE %s", [encoded, "%@bench.local"])
    cases: dict[str, list[dict[str, int]]] = {}
    from viewflow.workflow.models import Process

    # The real process of a case is its first one (the filler's fake ones come after): ordered
    # by descending id, the last one kept per case is the first.
    first_process = dict(
        Process.objects.filter(flow_class=RenewalFlow).order_by("-pk").values_list("artifact_object_id", "pk")
    )
    for renewal_pk, code in Renewal.objects.filter(department__isnull=False).values_list("pk", "department__code"):
        cases.setdefault(code, []).append({"renewal": renewal_pk, "process": first_process[renewal_pk]})
    agents: dict[str, list[str]] = {}
    for code in cases:
        bulk = User.objects.filter(email__startswith="bulk", organisation__department__code=code).order_by("pk")
        agents[code] = [f"agent-{code}@bench.local", *bulk.values_list("email", flat=True)[:4]]
    plan = {
        "password": PASSWORD,
        "cases": cases,
        "agents": agents,
        "validators": {code: [f"validator-{code}@bench.local"] for code in cases},
        "referents": ["referent@bench.local"],
        "volume": volume,
    }
    OUT.mkdir(exist_ok=True)
    PLAN.write_text(json.dumps(plan, indent=1))
    say(f"plan: {sum(len(v) for v in cases.values())} cases in {len(cases)} départements → {PLAN}")


SETTINGS = """\
# mypy: ignore-errors
# Written by benchmarks/load.py: the production settings, on loopback HTTP.
from config.settings.production import *  # noqa

# No TLS on loopback: browsers (and locust) would not send Secure / __Host- cookies over HTTP.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
SESSION_COOKIE_NAME, CSRF_COOKIE_NAME = "sessionid", "csrftoken"
# collectstatic with the manifest storage of production fails on a CSS file shipped by viewflow
# (roboto-fontface.css refers to fonts it does not ship): same compression, no manifest.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405 - no access noise in the measurements
"""


def settled(timeout: float = 180) -> None:
    """``CHECKPOINT``, then wait (``timeout`` at most) until no autovacuum worker runs: after a
    ``fill``, PostgreSQL writes the million rows out for a minute or two, and a run started at
    once shares the cores with it (benchmarks/RESULTS.md, eleventh pass)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        try:
            connection.execute("CHECKPOINT")
        except psycopg.errors.InsufficientPrivilege:
            say("CHECKPOINT refusé (rôle sans pg_checkpoint) : mesure sans point de contrôle")
        started = time.time()
        while time.time() - started < timeout:
            row = connection.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
            ).fetchone()
            if not row or not row[0]:
                break
            time.sleep(2)
        say(f"PostgreSQL au repos en {time.time() - started:.0f} s (point de contrôle, autovacuum)")


def server_env(port: int, root: Path = ROOT, name: str = "") -> dict[str, str]:
    """The environment of a gunicorn serving ``root``; ``name`` is its PostgreSQL connections'
    ``application_name`` (``cost`` finds its backends by it)."""
    OUT.mkdir(exist_ok=True)
    (OUT / "loadsettings.py").write_text(SETTINGS)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loadsettings",
        "PYTHONPATH": f"{OUT}{os.pathsep}{root}",
        "DATABASE_URL": f"{DATABASE_URL}?application_name={name}" if name else DATABASE_URL,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/10"),
        "DJANGO_SECRET_KEY": "load-test-only-key",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "EMAIL_URL": "smtp://127.0.0.1:1025",
        "STATIC_ROOT": str(OUT / "static"),
        "PRIVATE_MEDIA_ROOT": str(ROOT / "var" / "test-media"),
    }


def start_gunicorn(port: int, workers: int, root: Path = ROOT, name: str = "") -> subprocess.Popen[bytes]:
    """``workers`` gunicorn processes serving the code of ``root`` (this tree by default)."""
    env = server_env(port, root, name)
    bin_dir = Path(sys.executable).parent
    if not (OUT / "static").exists():  # minutes on a busy host (every file compressed twice)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    log = (OUT / "load_gunicorn.log").open("ab")
    process = subprocess.Popen(
        [
            *(str(bin_dir / "gunicorn"), "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
            *("--workers", str(workers), "--timeout", "60"),  # as deploy/start-web.sh
        ],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/connexion/", timeout=2)
            return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not answer, see benchmarks/out/load_gunicorn.log")


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return round(values[0], 1) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def summarise(records: list[list[Any]], started_at: float, window_start: float, ended_at: float) -> dict[str, Any]:
    """records: [timestamp, name, milliseconds, error or ""]; only the steady window is counted."""
    pages: dict[str, Any] = {}
    steady = [r for r in records if r[0] >= window_start]
    for name in sorted({r[1] for r in steady}):
        times = [r[2] for r in steady if r[1] == name]
        pages[name] = {
            "requests": len(times),
            "errors": sum(1 for r in steady if r[1] == name and r[3]),
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "p99_ms": percentile(times, 99),
        }
    seconds = max(ended_at - window_start, 1e-6)
    logins = [r[2] for r in records if r[1] == "connexion (POST)"]
    return {
        "window_seconds": round(seconds, 1),
        "requests": len(steady),
        "throughput_rps": round(len(steady) / seconds, 1),
        "errors": sum(1 for r in steady if r[3]),
        "errors_sample": sorted({r[3] for r in records if r[3]})[:10],
        "errors_whole_run": sum(1 for r in records if r[3]),
        "logins_whole_run": {"count": len(logins), "p50_ms": percentile(logins, 50), "p95_ms": percentile(logins, 95)},
        "pages": pages,
    }


def run_stage(users: int, seconds: int, spawn_rate: float, port: int, client: str = "requests") -> dict[str, Any]:
    raw = OUT / f"load_raw_{users}.json"
    env = {**os.environ, "LOAD_PLAN": str(PLAN), "LOAD_RAW": str(raw), "LOAD_CLIENT": client}
    bin_dir = Path(sys.executable).parent
    load_before = os.getloadavg()
    started_at = time.time()
    subprocess.run(
        [
            *(str(bin_dir / "locust"), "-f", str(ROOT / "benchmarks" / "load" / "locustfile.py"), "--headless"),
            *("--host", f"http://127.0.0.1:{port}", "--users", str(users), "--spawn-rate", str(spawn_rate)),
            *("--run-time", f"{seconds}s", "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    ended_at = time.time()
    data = json.loads(raw.read_text())
    # Steady state: once every user has started and logged in (PBKDF2 makes a burst of logins
    # saturate the CPU for a while), and not before a third of the stage.
    last_login = max((r[0] for r in data["records"] if r[1] == "connexion (POST)"), default=started_at)
    window_start = max(data["spawned_at"] or started_at, last_login, started_at + seconds / 3)
    result = summarise(data["records"], started_at, window_start, ended_at)
    result.update(
        users=users,
        client=client,
        run_seconds=seconds,
        outcomes=data["outcomes"],
        load_average_before=load_before,
        load_average_after=os.getloadavg(),
        uptime=subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        when=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(started_at)),
    )
    return result


def profile(samples: int, cpu: str = "", only: str = "") -> None:
    """Each page type of the workspace through the Django client, in-process on the load
    database: p50/p95, the number of queries (the same for every sampled user when constant),
    the slowest queries; the anonymous login page is the reference measured in the same run
    (middleware and template floor under the same load). ``cpu``: a page type to run under
    cProfile too (its top functions land in ``benchmarks/out/load_cprofile.txt``, by cumulative
    and by own time; the raw profile in ``load_cprofile.pstats``). ``only``: measure only the page
    types whose label holds it."""
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import cProfile
    import io
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from workflows.inbox.models import SavedView

    plan = json.loads(PLAN.read_text())
    rng = __import__("random").Random(7)
    codes = sorted(plan["cases"])
    # A view shared with each sampled département: its queue, PAQTE conventions only (the
    # kind with most tasks: one process per convention, ~1,000 a département).
    for code in codes[:samples]:
        owner = User.objects.get(email__iexact=plan["agents"][code][0])
        SavedView.objects.get_or_create(
            owner=owner,
            name="Conventions PAQTE en file",
            defaults={
                "tab": "file",
                "query": "dossier=paqte-convention",
                "sharing": "department",
                "department": owner.organisation.department,
            },
        )
    views = {
        v.owner.email.lower(): v.pk
        for v in SavedView.objects.filter(name="Conventions PAQTE en file").select_related("owner")
    }
    referents = dict.fromkeys(codes, plan["referents"])
    pages = (
        ("référence : page de connexion (anonyme)", None, lambda code: "/connexion/"),
        ("à traiter (mes tâches)", plan["agents"], lambda code: "/taches/"),
        ("file du département", plan["agents"], lambda code: "/taches/file/"),
        ("tous", plan["agents"], lambda code: "/taches/tous/"),
        (
            "vue enregistrée",
            plan["agents"],
            lambda code: f"/taches/file/?dossier=paqte-convention&vue={views[plan['agents'][code][0].lower()]}",
        ),
        ("recherche (un mot)", plan["agents"], lambda code: "/recherche/?q=boulangerie"),
        ("recherche (deux mots)", plan["agents"], lambda code: "/recherche/?q=transports+gambetta"),
        ("file, référent CGET (national)", referents, lambda code: "/taches/file/"),
        ("recherche, référent CGET (national)", referents, lambda code: "/recherche/?q=boulangerie"),
        ("revue CGET", referents, lambda code: "/taches/revue-cget/"),
        ("dossier", plan["agents"], lambda code: f"/renovations/{rng.choice(plan['cases'][code])['renewal']}/"),
    )
    if only:
        pages = tuple(page for page in pages if only in page[0])
    labels = [page[0] for page in pages]
    if not pages or (cpu and not any(cpu in label for label in labels)):
        sys.exit(f"Aucun type de page ne correspond ({only or cpu!r}) ; les types : {', '.join(labels)}")
    out: dict[str, Any] = {"load_average_before": os.getloadavg()}
    profiler = cProfile.Profile()
    for label, role_accounts, url_of in pages:
        times, counts, slowest, calls = [], set(), [], []
        for i in range(samples):
            code = codes[i % len(codes)]
            client = Client()
            if role_accounts is not None:
                client.force_login(User.objects.get(email__iexact=role_accounts[code][0]))
            url = url_of(code)
            client.get(url)  # warm: session, connection
            profiled = cpu and cpu in label
            with CaptureQueriesContext(connection) as captured:
                if profiled:
                    profiler.enable()
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                if profiled:
                    profiler.disable()
            assert response.status_code == 200, (url, response.status_code)
            counts.add(len(captured))
            # The Python calls of one more request: a figure of the work done that does not
            # depend on how fast the (shared) host is at the moment.
            counter = cProfile.Profile()
            counter.enable()
            client.get(url)
            counter.disable()
            calls.append(pstats.Stats(counter).total_calls)  # type: ignore[attr-defined]
            slowest += [(float(q["time"]) * 1000, q["sql"][:300]) for q in captured.captured_queries]
        slowest.sort(reverse=True)
        out[label] = {
            "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95),
            "queries": sorted(counts),
            "python_calls_p50": int(statistics.median(calls)),
            "slowest_queries_ms": [(round(t, 1), sql) for t, sql in slowest[:3]],
        }
        say(
            f"{label}: p50 {out[label]['p50_ms']} ms, p95 {out[label]['p95_ms']} ms, queries {out[label]['queries']},"
            f" Python calls {out[label]['python_calls_p50']:,}"
        )
    out["load_average_after"] = os.getloadavg()
    say(f"load average {out['load_average_before']} → {out['load_average_after']}")
    if cpu:
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        stats.sort_stats("cumulative").print_stats(60)
        stats.sort_stats("tottime").print_stats(60)
        stats.dump_stats(OUT / "load_cprofile.pstats")
        (OUT / "load_cprofile.txt").write_text(text.getvalue())
    (OUT / "load_profile.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))


def _postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in {"postgres", "postmaster"}:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _backends_of(name: str) -> list[int]:
    """The PostgreSQL backends of the server started with ``name`` (its ``application_name``)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as connection:
        found = connection.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [name])
        return [row[0] for row in found]


def cost(requests_per_page: int, port: int, reference: Path | None = None) -> None:
    """CPU per request by page type: one gunicorn worker, one request at a time, logged in as
    locust's users are; each page type's requests spread over several départements' cases.
    ``reference``: another checkout (an earlier commit) served by a second worker on the same
    database; each request goes to both, one after the other, so that both are measured in the
    same moments of a shared host, and each page type gets its ratio to the reference."""
    import requests

    sys.path.insert(0, str(ROOT / "benchmarks" / "load"))
    from htmlform import form_data, with_values

    plan = json.loads(PLAN.read_text())
    codes = sorted(plan["cases"])
    trees = [("code", ROOT, port)] + ([("reference", reference.resolve(), port + 1)] if reference else [])
    servers = {name: start_gunicorn(at, 1, root, f"load-cost-{name}") for name, root, at in trees}

    def session_of(base: str, email: str) -> requests.Session:
        http = requests.Session()
        page = http.get(f"{base}/connexion/")
        fields = with_values(form_data(page.text) or [], username=email, password=plan["password"])
        answer = http.post(f"{base}/connexion/", data=fields, allow_redirects=False)
        if answer.status_code != 302:
            raise RuntimeError(f"login refused ({answer.status_code}) for {email}")
        return http

    def worker_of(server: subprocess.Popen[bytes]) -> int:
        listed = subprocess.run(
            ["ps", "-o", "pid=,ppid=", "--ppid", str(server.pid)], capture_output=True, text=True, check=True
        )
        return max(int(line.split()[0]) for line in listed.stdout.splitlines())

    try:
        workers = {name: worker_of(server) for name, server in servers.items()}
        bases = {name: f"http://127.0.0.1:{at}" for name, _, at in trees}
        agents = {
            name: {code: session_of(base, plan["agents"][code][0]) for code in codes[:5]}
            for name, base in bases.items()
        }
        referents = {name: session_of(base, plan["referents"][0]) for name, base in bases.items()}
        anonymous = {name: requests.Session() for name in bases}
        rng = __import__("random").Random(11)

        def task_form(code: str) -> str:
            http, base = agents["code"][code], bases["code"]
            for case in rng.sample(plan["cases"][code], len(plan["cases"][code])):
                page = http.get(f"{base}/renovations/{case['renewal']}/").text
                found = re.search(rf"/circuits/{case['process']}/taches/(\d+)/", page)
                if found:
                    return f"/circuits/{case['process']}/taches/{found.group(1)}/"
            return f"/renovations/{plan['cases'][code][0]['renewal']}/"

        forms = {code: task_form(code) for code in codes[:5]}
        pages: tuple[tuple[str, Any, Callable[[str], str]], ...] = (
            ("référence : page de connexion (anonyme)", anonymous, lambda code: "/connexion/"),
            ("corbeille (mes tâches)", None, lambda code: "/taches/"),
            ("file du département", None, lambda code: "/taches/file/"),
            ("tous", None, lambda code: "/taches/tous/"),
            ("dossier", None, lambda code: f"/renovations/{rng.choice(plan['cases'][code])['renewal']}/"),
            ("recherche", None, lambda code: "/recherche/?q=boulangerie"),
            ("formulaire de tâche", None, lambda code: forms[code]),
            ("revue CGET", referents, lambda code: "/taches/revue-cget/"),
            ("file, référent CGET", referents, lambda code: "/taches/file/"),
        )

        def get(name: str, who: Any, code: str, url: str) -> None:
            answer = (who[name] if who is not None else agents[name][code]).get(bases[name] + url)
            if answer.status_code != 200:
                raise RuntimeError(f"{answer.status_code} on {url} ({name})")

        out: dict[str, Any] = {"load_average_before": os.getloadavg(), "reference": str(reference or "")}
        for label, who, url_of in pages:
            for code in codes[:5]:  # warm: the worker's caches, the connection
                for name in bases:
                    get(name, who, code, url_of(code))
            before = {name: cpu_seconds([pid]) for name, pid in workers.items()}
            # Each worker's own PostgreSQL backend (a connection kept 60 s may be replaced in
            # between: the new one counts from zero), and every backend for the whole.
            backends = {name: cpu_by_pid(_backends_of(f"load-cost-{name}")) for name in bases}
            cpu_pg, wall = cpu_by_pid(_postgres_pids()), time.perf_counter()
            for i in range(requests_per_page):
                code = codes[i % 5]
                url = url_of(code)
                for name in bases:  # the same address to each, in turn
                    get(name, who, code, url)
            n = requests_per_page
            row: dict[str, Any] = {
                f"{name}_worker_cpu_ms": round((cpu_seconds([workers[name]]) - before[name]) * 1000 / n, 1)
                for name in bases
            }
            spent_pg = cpu_spent(cpu_pg, cpu_by_pid(_postgres_pids()))
            for name in bases:
                spent = cpu_spent(backends[name], cpu_by_pid(_backends_of(f"load-cost-{name}")))
                row[f"{name}_postgres_cpu_ms"] = round(spent * 1000 / n, 1)
            row["postgres_cpu_ms"] = round(spent_pg * 1000 / n / len(bases), 1)
            row["wall_ms"] = round((time.perf_counter() - wall) * 1000 / n / len(bases), 1)
            if reference:
                row["code_to_reference"] = round(row["code_worker_cpu_ms"] / (row["reference_worker_cpu_ms"] or 0.1), 2)
            out[label] = row
            say(f"{label}: {row}")
        out["load_average_after"] = os.getloadavg()
        (OUT / "load_cost.json").write_text(json.dumps(out, indent=2, ensure_ascii=False))
    finally:
        for server in servers.values():
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    fill_parser = sub.add_parser("fill")
    fill_parser.add_argument("--tasks", type=int, default=1_000_000)
    fill_parser.add_argument("--cases", type=int, default=100_000, help="PAQTE conventions, one company each")
    run_parser = sub.add_parser("run")
    run_parser.add_argument("--users", type=int, nargs="+", default=[20, 100])
    run_parser.add_argument("--seconds", type=int, default=180, help="per stage, ramp-up included")
    run_parser.add_argument("--spawn-rate", type=float, default=5)
    run_parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() * 2 + 1 if os.cpu_count() else 5,
        help="gunicorn workers (default: deploy/gunicorn.conf.py's, 2 × cores + 1)",
    )
    run_parser.add_argument("--port", type=int, default=8710)
    run_parser.add_argument(
        "--client",
        choices=("requests", "fast"),
        default="requests",
        help="locust's HTTP client: requests (HttpUser, every pass's) or fast (FastHttpUser)",
    )
    profile_parser = sub.add_parser("profile")
    profile_parser.add_argument("--samples", type=int, default=30)
    profile_parser.add_argument("--cpu", default="", help="a page label (part of it) to profile with cProfile")
    profile_parser.add_argument("--only", default="", help="measure only the page labels holding this")
    cost_parser = sub.add_parser("cost", help="CPU of one request by page type, one gunicorn worker")
    cost_parser.add_argument("--requests", type=int, default=100, help="per page type")
    cost_parser.add_argument("--port", type=int, default=8711)
    cost_parser.add_argument(
        "--reference",
        type=Path,
        help="another checkout (git worktree add /tmp/ref <commit>) measured beside this one, request by request",
    )
    sub.add_parser(
        "cases", help="only (re)make the 100,000 PAQTE conventions of a filled database (without their processes)"
    )
    args = parser.parse_args()
    if args.command == "profile":
        profile(args.samples, args.cpu, args.only)
        return
    if args.command == "cases":
        os.environ["BENCH_DATABASE_URL"] = DATABASE_URL
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import renewal  # noqa: F401 - django.setup() on the benchmark database

        say(f"{fill_cases(100_000):,} cases")
        return
    if args.command == "cost":
        settled()
        cost(args.requests, args.port, args.reference)
        return
    if args.command == "fill":
        fill(args.tasks, args.cases)
        return
    if not PLAN.exists():
        sys.exit("run `benchmarks/load.py fill` first")
    settled()
    server = start_gunicorn(args.port, args.workers)
    try:
        for users in args.users:
            say(f"stage: {users} users for {args.seconds} s")
            result = run_stage(users, args.seconds, args.spawn_rate, args.port, args.client)
            (OUT / f"load_{users}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
            say(json.dumps({k: v for k, v in result.items() if k != "pages"}, ensure_ascii=False))
            for name, page in result["pages"].items():
                say(f"  {name}: {page}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
