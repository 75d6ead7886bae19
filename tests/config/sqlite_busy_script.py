"""Run by tests/config/test_sqlite_never_locks.py in a child process on a real SQLite file
(config.settings.dev, the embedded default): renovation tasks completed from several threads
while the reminder sweep holds the write lock for seconds, as the beat sweep did."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
sys.path.insert(0, os.getcwd())

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from accounts.models import Organisation, Role, User  # noqa: E402
from accounts.services import organisations_ensure, user_assign  # noqa: E402
from notifications.reminders import reminders_sweep  # noqa: E402
from reference.services.importer import reference_import  # noqa: E402
from tests.workflows.renewal.helpers import EVALUATION, nord_contract, open_task, pdf  # noqa: E402
from workflows.models import RenewalDocument  # noqa: E402
from workflows.renewal.services import renewal_document_add, renewal_launch, renewal_task_complete  # noqa: E402

WORKERS = 4
HOLD = 3.0  # seconds the sweep keeps the write lock (3.1 s was seen)


def main() -> None:
    call_command("migrate", verbosity=0)
    reference_import(data_dir=settings.REFERENCE_DATA_DIR)
    organisations_ensure()
    agent, _ = User.objects.get_or_create(email="agent@busy.test")
    user_assign(user=agent, role=Role.AGENT, organisation=Organisation.objects.get(department__code="59"))
    renewals = []
    for index in range(WORKERS):
        renewal, _ = renewal_launch(city_contract=nord_contract(index), user=agent)
        renewal_document_add(renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
        renewals.append(renewal)
    tasks = [open_task(renewal, "evaluate").pk for renewal in renewals]
    with connection.cursor() as cursor:
        journal = cursor.execute("PRAGMA journal_mode").fetchone()[0]
    connections.close_all()

    errors: list[str] = []
    sweeping = threading.Event()
    waited: list[float] = []

    def sweep() -> None:
        try:
            with transaction.atomic():
                reminders_sweep(today=dt.date(2019, 7, 24))
                sweeping.set()
                time.sleep(HOLD)
        except Exception as exc:
            errors.append(f"sweep: {exc!r}")
        finally:
            sweeping.set()
            connections.close_all()

    def complete(task_pk: int) -> None:
        sweeping.wait(30)
        started = time.monotonic()
        try:
            renewal_task_complete(task_pk=task_pk, user=User.objects.get(pk=agent.pk), fields=EVALUATION)
            waited.append(time.monotonic() - started)
        except Exception as exc:
            errors.append(f"complete {task_pk}: {exc!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep)] + [threading.Thread(target=complete, args=(pk,)) for pk in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    done = [r.state for r in type(renewals[0]).objects.filter(pk__in=[r.pk for r in renewals])]
    print(json.dumps({"journal": journal, "errors": errors, "waited": waited, "states": done}))


if __name__ == "__main__":
    main()
