"""Benchmark of the national dashboard: the full request of ``/pilotage/tableau-de-bord/``
through the Django test client (middleware, session, template) as the référent CGET, with
434 contracts (every one with a renovation case), 10,000 PAQTE conventions and 100,000 deadlines.
Target: ≤ 300 ms.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/quartiers_bench_dash \
        .venv/bin/python benchmarks/dashboard.py [--samples 50]

The database is created if needed; its PAQTE, renovation, meeting and deadline data are reset at
each run and filled with bulk inserts (never the test DB). Raw figures: ``benchmarks/out/dashboard.json``.
"""

from __future__ import annotations

import argparse
import datetime
import json
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
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/quartiers_bench_dash")
os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/13")
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"


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
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import Organisation, Role, User  # noqa: E402
from accounts.services import organisations_ensure, user_create  # noqa: E402
from notifications.models import Deadline, DeadlineDefinition  # noqa: E402
from notifications.services import deadlines_generate  # noqa: E402
from reference.models import CityContract, Department  # noqa: E402
from reference.services.importer import reference_import  # noqa: E402
from workflows.models import Renewal, RenewalState  # noqa: E402
from workflows.paqte.models import (  # noqa: E402
    Company,
    PaqteConvention,
    ReferentDesignation,
    SemesterReport,
    SubmissionState,
)
from workflows.steering.models import Meeting  # noqa: E402

CONVENTIONS = 10_000
DEADLINES = 100_000
URL = "/pilotage/tableau-de-bord/"


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def setup() -> User:
    call_command("migrate", verbosity=0)
    if not CityContract.objects.exists():
        reference_import(data_dir=settings.REFERENCE_DATA_DIR)
    organisations_ensure()
    cget = Organisation.objects.get(kind=Organisation.Kind.CGET)
    found = User.objects.filter(email="referent@bench.local").first()
    return found or user_create(email="referent@bench.local", password=None, role=Role.CGET_REFERENT, organisation=cget)


def fill() -> dict[str, int]:
    rng = random.Random(6)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_reminder, notifications_deadline, workflows_paqteconvention CASCADE")
        cursor.execute("DELETE FROM workflows_referentdesignation")
        cursor.execute("DELETE FROM workflows_semesterreport")
        cursor.execute("TRUNCATE workflows_meetinghistory, workflows_meeting CASCADE")
        cursor.execute(
            "TRUNCATE workflows_renewaltransition, workflows_commitment, workflows_renewaldocument,"
            " workflows_renewal_merged_contracts, workflows_renewal RESTART IDENTITY CASCADE"
        )
        cursor.execute("DELETE FROM workflows_company WHERE siret LIKE '9%%'")
    departments = list(Department.objects.all())
    states = list(RenewalState)
    Renewal.objects.bulk_create(
        Renewal(city_contract=c, department_id=c.department_id, state=rng.choice(states))
        for c in CityContract.objects.all()
    )
    companies = Company.objects.bulk_create(
        Company(
            name=f"Entreprise {n}",
            siret=f"9{n:013d}",
            size=Company.Size.PME,
            sector="Commerce",
            address="1 rue de la Paix",
            signature_level=Company.SignatureLevel.LOCAL,
        )
        for n in range(CONVENTIONS)
    )
    convention_states = list(PaqteConvention.State)
    conventions = PaqteConvention.objects.bulk_create(
        PaqteConvention(company=company, department=rng.choice(departments), state=rng.choice(convention_states))
        for company in companies
    )
    ReferentDesignation.objects.bulk_create(
        ReferentDesignation(
            department=d,
            name="Référent",
            function="Sous-préfet",
            email="r@example.fr",
            phone="0100000000",
            state=rng.choice(list(SubmissionState)),
        )
        for d in departments
        if rng.random() < 0.8
    )
    semesters = [(y, h) for y in range(2019, 2023) for h in (1, 2)]
    SemesterReport.objects.bulk_create(
        SemesterReport(department=d, year=y, semester=h, state=rng.choice(list(SubmissionState)))
        for d in departments
        for y, h in semesters
        if rng.random() < 0.7
    )
    Meeting.objects.bulk_create(
        Meeting(
            kind=Meeting.Kind.SERVICE_HEADS,
            department=d,
            year=y,
            semester=h,
            date=datetime.date(y, 3 if h == 1 else 9, 15),
            state=rng.choice(list(Meeting.State)),
        )
        for d in departments
        for y, h in semesters
        if rng.random() < 0.6
    )
    deadlines_generate()
    definition = DeadlineDefinition.objects.get(code="paqte-convention-end")
    case_type = ContentType.objects.get_for_model(PaqteConvention)
    missing = DEADLINES - Deadline.objects.count()
    Deadline.objects.bulk_create(
        (
            Deadline(
                definition=definition,
                department_id=conventions[n % len(conventions)].department_id,
                case_type=case_type,
                case_id=conventions[n % len(conventions)].pk,
                occurrence=f"b{n}",
                key=f"bench:{n}",
                title="Fin de la convention PAQTE",
                due_on=datetime.date(2022, 1, 1) + datetime.timedelta(days=n % 700),
                link_path="/paqte/",
            )
            for n in range(missing)
        ),
        batch_size=5000,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "contracts": CityContract.objects.count(),
        "renewals": Renewal.objects.count(),
        "conventions": PaqteConvention.objects.count(),
        "deadlines": Deadline.objects.count(),
        "reports": SemesterReport.objects.count(),
        "meetings": Meeting.objects.count(),
        "departments": len(departments),
    }


def measure(client: Client, url: str, samples: int) -> dict[str, Any]:
    for _ in range(3):
        client.get(url)  # warm caches (templates, content types, session)
    timings = []
    for _ in range(samples):
        start = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
    timings.sort()
    return {
        "url": url,
        "samples": samples,
        "median_ms": round(statistics.median(timings), 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
        "max_ms": round(timings[-1], 1),
        "queries": len(captured),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=50)
    parser.add_argument("--no-fill", action="store_true", help="measure the database as it is")
    args = parser.parse_args()
    user = setup()
    if not args.no_fill:
        say("filling")
        counts = fill()
    else:
        counts = {}
    say(f"data: {counts}")
    client = Client()
    client.force_login(user)
    load_before = os.getloadavg()
    results = [
        measure(client, URL, args.samples),
        measure(client, URL + "?region=32", args.samples),
        measure(client, URL + "?export=csv", args.samples),
        measure(client, URL + "?export=xlsx", args.samples),
    ]
    load_after = os.getloadavg()
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "loadavg_before": load_before,
            "loadavg_after": load_after,
        },
        "data": counts,
        "results": results,
        "target_ms": 300,
    }
    out = ROOT / "benchmarks" / "out"
    out.mkdir(exist_ok=True)
    (out / "dashboard.json").write_text(json.dumps(report, indent=2))
    for result in results:
        say(
            f"{result['url']}: median {result['median_ms']} ms, p95 {result['p95_ms']} ms, "
            f"max {result['max_ms']} ms, {result['queries']} queries"
        )
    say(f"load average before {load_before}, after {load_after}")


if __name__ == "__main__":
    main()
