"""Benchmark: the sweep over 1,000,000 deadlines (100,000 due) in PostgreSQL, and
the sending of the due reminders by two Celery worker processes into a local SMTP sink.

    .venv/bin/python benchmarks/reminders.py setup            # dedicated database, 1M deadlines
    .venv/bin/python benchmarks/reminders.py sweep            # time the sweep's database part
    .venv/bin/python benchmarks/reminders.py send --limit N   # N emails, 2 worker processes

It uses its own PostgreSQL database (``quartiers_bench_rem``, never the test database) and
Redis database 13 with its own queue name. Generated settings go to ``benchmarks/out/``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from procstat import cpu_seconds  # this folder: the script's own directory

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
DB_NAME = "quartiers_bench_rem"
PG = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"
QUEUE = "bench-reminders"
SINK_PORT = 2526
TOTAL, DUE = 1_000_000, 100_000
CHUNK = 50  # as notifications.reminders.CHUNK: one Celery message per 50 ids


def settings_module() -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "bench_settings.py").write_text(
        "from config.settings.test import *  # noqa\n"
        "CELERY_TASK_ALWAYS_EAGER = False\n"
        f"CELERY_BROKER_URL = {REDIS!r}\n"
        f"CELERY_TASK_DEFAULT_QUEUE = {QUEUE!r}\n"
        "EMAIL_BACKEND = 'django.core.mail.backends.smtp.EmailBackend'\n"
        f"EMAIL_HOST, EMAIL_PORT = '127.0.0.1', {SINK_PORT}\n"
        f"DATABASES['default']['NAME'] = {DB_NAME!r}\n"
        "INSTALLED_APPS = [a for a in INSTALLED_APPS if a != 'tests']\n"
        "LOGGING = {**LOGGING, 'root': {'handlers': ['console'], 'level': 'WARNING'}}\n",
        encoding="utf-8",
    )
    return "bench_settings"


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = settings_module()
    os.environ["DATABASE_URL"] = f"{PG}/{DB_NAME}"
    sys.path[:0] = [str(OUT), str(ROOT)]
    import django

    django.setup()


def setup() -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}"')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    django_setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import Organisation, Role
    from accounts.services import organisations_ensure, user_create
    from notifications.models import Deadline, DeadlineDefinition
    from reference.services.importer import reference_import

    call_command("migrate", verbosity=0)
    reference_import(data_dir=settings.REFERENCE_DATA_DIR)
    organisations_ensure()
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE):
        user_create(
            email=f"agent{organisation.pk}@bench.gouv.fr", password=None, role=Role.AGENT, organisation=organisation
        )
    definition = DeadlineDefinition.objects.get(code="synthesis")
    today = timezone.localdate()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # 100,000 due today (the eve rule picks them), 900,000 from 60 to 460 days ahead
        # (outside every rule's window), spread over the départements.
        cursor.execute(
            f"""
            INSERT INTO {Deadline._meta.db_table}
                (definition_id, department_id, occurrence, key, title, due_on, link_path, created_at, updated_at)
            SELECT %s, dep.ids[1 + n %% array_length(dep.ids, 1)], '', 'bench:' || n, 'Échéance ' || n,
                   CASE WHEN n <= %s THEN %s::date ELSE %s::date + 60 + n %% 400 END, '/taches/', now(), now()
            FROM generate_series(1, %s) n,
                 (SELECT array_agg(id ORDER BY id) AS ids FROM reference_department) dep
            """,  # noqa: S608
            [definition.pk, DUE, today, today, TOTAL],
        )
        cursor.execute("ANALYZE")
    print(f"setup: {Deadline.objects.count():,} deadlines in {time.perf_counter() - started:.1f} s")


def sweep(runs: int = 3) -> None:
    django_setup()
    from django.db import connection

    from notifications.models import Reminder
    from notifications.reminders import reminders_sweep

    timings = []
    for _ in range(runs):
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {Reminder._meta.db_table}")
            cursor.execute(f"VACUUM ANALYZE {Reminder._meta.db_table}")
        started = time.perf_counter()
        result = reminders_sweep()
        timings.append(time.perf_counter() - started)
        assert result.reminders_created == DUE, result
    started = time.perf_counter()
    again = reminders_sweep()
    second = time.perf_counter() - started
    load = Path("/proc/loadavg").read_text().split()[:3]
    print(
        f"sweep: {DUE:,} reminders written and queued; runs {', '.join(f'{t:.2f}' for t in timings)} s "
        f"(median {sorted(timings)[len(timings) // 2]:.2f} s); a sweep with nothing new: {second:.2f} s "
        f"(created {again.reminders_created}); load average {' '.join(load)}"
    )


def reset() -> None:
    """Every outbox row back to ``ready`` (to re-run ``send`` without re-running ``sweep``)."""
    django_setup()
    from notifications.models import Reminder

    Reminder.objects.update(status="ready", claim_token=None, claimed_until=None, attempts=0, sent_at=None)


def _rss_peak_kb(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total = max(total, int(line.split()[1]))
        except FileNotFoundError:
            pass
    return total


def _aiosmtpd_sink(port: int, delivered: Any, ready: Any) -> None:
    """aiosmtpd (the sink of the fault tests), in its own process so that it does not share the
    workers' interpreter; counts messages taken at the final dot."""
    from aiosmtpd.controller import Controller

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
            with delivered.get_lock():
                delivered.value += 1
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    threading.Event().wait()


def _fast_sink(port: int, delivered: Any, ready: Any) -> None:
    """A minimal asyncio SMTP sink in the spirit of Postfix's ``smtp-sink``: it answers EHLO,
    MAIL, RCPT, DATA, RSET, NOOP and QUIT, reads the body up to the final dot, counts it and
    discards it. No parsing, so that the measure is the workers', not the sink's."""

    async def session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220 sink ESMTP\r\n")
        try:
            while line := await reader.readline():
                verb = line[:4].upper()
                if verb == b"DATA":
                    writer.write(b"354 go ahead\r\n")
                    while (body := await reader.readline()) and body != b".\r\n":
                        pass
                    if not body:
                        return  # hung up before the dot: nothing delivered
                    with delivered.get_lock():
                        delivered.value += 1
                    writer.write(b"250 OK\r\n")
                elif verb == b"EHLO":
                    writer.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 10485760\r\n")
                elif verb == b"QUIT":
                    writer.write(b"221 bye\r\n")
                    await writer.drain()
                    return
                else:
                    writer.write(b"250 OK\r\n")
                await writer.drain()
        except ConnectionError:
            return
        finally:
            writer.close()

    async def serve() -> None:
        server = await asyncio.start_server(session, "127.0.0.1", port)
        ready.set()
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


def send(limit: int, pool: str, concurrency: int, sink_kind: str) -> None:
    import multiprocessing

    django_setup()
    from celery import Celery

    from notifications.models import Reminder

    # The sink runs in another process (forked before any database connection is opened).
    delivered = multiprocessing.Value("q", 0)
    ready = multiprocessing.Event()
    target = _fast_sink if sink_kind == "fast" else _aiosmtpd_sink
    sink = multiprocessing.Process(target=target, args=(SINK_PORT, delivered, ready), daemon=True)
    from django.db import connections

    connections.close_all()  # nothing shared with the forked sink
    sink.start()
    ready.wait(30)
    ids = list(Reminder.objects.filter(status="ready").order_by("pk").values_list("pk", flat=True)[:limit])
    producer = Celery(broker=REDIS)
    env = {**os.environ, "PYTHONPATH": f"{OUT}{os.pathsep}{ROOT}"}
    # Two worker processes; the work is I/O-bound (SMTP replies, PostgreSQL round trips), so
    # each runs --concurrency threads (the claim/commit protocol uses one DB connection per thread).
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-n",
                f"bench{n}@%h",
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "-Q",
                QUEUE,
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
        )
        for n in (1, 2)
    ]
    worker = workers[0]
    time.sleep(6)  # boot
    peak = [0]

    def sample() -> None:
        while worker.poll() is None:
            children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children")
            pids = [w.pid for w in workers]
            if children.exists():
                pids += [int(p) for p in children.read_text().split()]
            peak[0] = max(peak[0], _rss_peak_kb(pids))
            time.sleep(0.5)

    threading.Thread(target=sample, daemon=True).start()
    loads = [Path("/proc/loadavg").read_text().split()[0]]
    boot_cpu = cpu_seconds([w.pid for w in workers], children=True)
    started = time.perf_counter()
    for i in range(0, len(ids), CHUNK):
        producer.send_task("notifications.reminders_send", args=[ids[i : i + CHUNK]], queue=QUEUE)
    while delivered.value < len(ids) and time.perf_counter() - started < 3600:
        time.sleep(0.5)
    elapsed = time.perf_counter() - started
    loads.append(Path("/proc/loadavg").read_text().split()[0])
    worker_cpu = cpu_seconds([w.pid for w in workers], children=True) - boot_cpu
    sink_cpu = cpu_seconds([sink.pid], children=True) if sink.pid else 0.0
    for each in workers:
        each.terminate()
        each.wait()
    sink.terminate()
    sent = Reminder.objects.filter(pk__in=ids, status="sent").count()
    rate = len(ids) / elapsed
    print(
        f"send: {delivered.value:,} delivered ({sent:,} rows sent) in {elapsed:.1f} s = {rate:.0f}/s with 2 worker "
        f"processes ({pool} × {concurrency}), {sink_kind} sink in its own process; "
        f"100,000 would take {100_000 / rate / 60:.1f} min; peak RSS of one worker process {peak[0] / 1024:.0f} MiB; "
        f"load average (1 min) {loads[0]} at start, {loads[1]} at end; CPU per email: workers "
        f"{1000 * worker_cpu / max(len(ids), 1):.2f} ms, sink {1000 * sink_cpu / max(len(ids), 1):.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("step", choices=["setup", "sweep", "send"])
    parser.add_argument("--limit", type=int, default=DUE)
    parser.add_argument("--pool", default="threads", choices=["threads", "prefork"])
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--sink", default="aiosmtpd", choices=["aiosmtpd", "fast"])
    parser.add_argument("--reset", action="store_true", help="put every outbox row back to ready first")
    args = parser.parse_args()
    if args.step == "setup":
        setup()
    elif args.step == "sweep":
        sweep()
    else:
        if args.reset:
            reset()
        send(args.limit, args.pool, args.concurrency, args.sink)


if __name__ == "__main__":
    main()
