"""Backup and restore: deploy/backup.sh then deploy/restore.sh, the scripts an
operator runs, on a database holding every kind of row; the restored copy, in an empty
database and a fresh media directory, must hold every case, history row, document (same
bytes) and outbox row, and in fact every row of every table."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage
from django.db import connection

import psycopg
import pytest
from psycopg import sql

from accounts.models import Role, User
from config.env import BASE_DIR
from notifications.models import Reminder
from notifications.reminders import reminders_sweep
from reference.models import Department
from tests.conftest import MakeUser
from tests.deploy.conftest import CreateDatabase, server_url
from tests.factories.meetings import held_service_heads
from tests.notifications.factories import make_deadline, only_rules
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.renewal.helpers import PDF, renewal_in
from workflows.models import Renewal, RenewalDocument, RenewalState, RenewalTransition
from workflows.paqte.models import PaqteConvention, PaqteHistory
from workflows.steering.models import Meeting

# Committed rows: pg_dump runs in another process and sees only what is committed.
pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

BACKUP, RESTORE = BASE_DIR / "deploy" / "backup.sh", BASE_DIR / "deploy" / "restore.sh"


def run(
    script: Path, *args: str, database_url: str, media: Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "PRIVATE_MEDIA_ROOT": str(media)}
    result = subprocess.run(
        ["bash", str(script), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    if check:
        assert result.returncode == 0, f"{script.name} : {result.stderr}"
    return result


def table_fingerprints(url: str) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the sorted rows of every table of the public schema."""
    with psycopg.connect(url) as db:
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        prints: dict[str, tuple[int, str]] = {}
        for table in tables:
            query = sql.SQL("SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '') FROM {} t")
            row = db.execute(query.format(sql.Identifier(table))).fetchone()
            assert row is not None
            prints[table] = (row[0], row[1])
        return prints


def rows(url: str, table: str, columns: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(url) as db:
        return db.execute(sql.SQL(f"SELECT {columns} FROM {{}} ORDER BY id").format(sql.Identifier(table))).fetchall()  # noqa: S608 - fixed columns


@pytest.fixture
def media(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The documents of this test in their own PRIVATE_MEDIA_ROOT (other tests share the default)."""
    root = tmp_path / "media"
    root.mkdir()
    field = RenewalDocument._meta.get_field("file")
    monkeypatch.setattr(field, "storage", FileSystemStorage(location=str(root), base_url=None))
    return root


def fill(make_user: MakeUser) -> dict[str, User]:
    """Every kind of row: renovation cases with history and documents, PAQTE conventions,
    a meeting, deadlines and outbox reminders (ready and sent)."""
    people = {
        "agent": make_user(Role.AGENT, "59"),
        "validator": make_user(Role.PREFECT_VALIDATOR, "59"),
        "referent": make_user(Role.CGET_REFERENT),
    }
    renewal_in(RenewalState.SIGNATURE, **people, contract_index=0)
    renewal_in(RenewalState.NEGOTIATION, agent=people["agent"], contract_index=1)
    nord = Department.objects.get(code="59")
    convention_of(people["agent"], nord, state="active")
    convention_of(people["agent"], nord, state="draft")
    held_service_heads(nord, 2019, 1)
    only_rules("La veille – agents")
    make_deadline(nord, dt.date.today(), title="Échéance de la sauvegarde")
    reminders_sweep(enqueue=lambda ids: None)
    Reminder.objects.filter(pk=Reminder.objects.order_by("pk").values("pk")[:1]).update(status=Reminder.Status.SENT)
    return people


def test_backup_then_restore_into_an_empty_database(
    make_user: MakeUser, media: Path, tmp_path: Path, scratch_database: CreateDatabase
) -> None:
    fill(make_user)
    source = server_url(connection.settings_dict["NAME"])
    # What must come back, read through the ORM before the backup.
    assert Renewal.objects.count() == 2 and RenewalTransition.objects.count() >= 5
    assert RenewalDocument.objects.count() >= 1 and PaqteConvention.objects.count() == 2
    assert PaqteHistory.objects.exists() and Meeting.objects.count() == 1
    assert Reminder.objects.count() >= 1 and Reminder.objects.filter(status=Reminder.Status.SENT).count() == 1
    documents = {d.pk: Path(d.file.path).read_bytes() for d in RenewalDocument.objects.all()}
    assert all(content == PDF for content in documents.values())

    backups = tmp_path / "backups"
    result = run(BACKUP, str(backups), database_url=source, media=media)
    backup = Path(result.stdout.strip().splitlines()[-1])
    assert backup.parent == backups and backup.name.startswith("quartiers-")
    assert {p.name for p in backup.iterdir()} == {
        "database.dump",
        "media.tar.gz",
        "media.sha256",
        "backup.info",
        "MANIFEST.sha256",
    }

    target, fresh_media = scratch_database("restored"), tmp_path / "restored-media"
    run(RESTORE, str(backup), database_url=target, media=fresh_media)

    # Every row of every table, and the rows the issue names, one by one.
    assert table_fingerprints(target) == table_fingerprints(source)
    for table, columns in [
        ("workflows_renewal", "id, city_contract_id, state"),
        ("workflows_renewaltransition", "id, renewal_id, transition, source, target, at"),
        ("workflows_renewaldocument", "id, renewal_id, file, size"),
        ("notifications_reminder", "id, deadline_id, recipient_id, status"),
        ("notifications_deadline", "id, key, due_on"),
        ("workflows_paqteconvention", "id, state"),
        ("workflows_meeting", "id, kind, state"),
    ]:
        restored = rows(target, table, columns)
        assert restored and restored == rows(source, table, columns), table
    for pk, content in documents.items():
        name = RenewalDocument.objects.get(pk=pk).file.name
        assert (fresh_media / name).read_bytes() == content


def test_restore_refuses_a_non_empty_database_and_a_damaged_backup(
    make_user: MakeUser, media: Path, tmp_path: Path, scratch_database: CreateDatabase
) -> None:
    fill(make_user)
    source = server_url(connection.settings_dict["NAME"])
    backup = Path(run(BACKUP, str(tmp_path / "b"), database_url=source, media=media).stdout.strip().splitlines()[-1])

    # Into the live database itself: refused, nothing touched.
    before = table_fingerprints(source)
    refused = run(RESTORE, str(backup), database_url=source, media=tmp_path / "m1", check=False)
    assert refused.returncode != 0 and "n'est pas vide" in refused.stderr
    assert table_fingerprints(source) == before

    # --force into a non-empty database: the backup's content replaces it.
    target = scratch_database("forced")
    run(RESTORE, str(backup), database_url=target, media=tmp_path / "m2")
    run(RESTORE, str(backup), "--force", database_url=target, media=tmp_path / "m2")
    assert table_fingerprints(target) == before

    # One flipped byte in the dump: refused before anything is restored.
    dump = backup / "database.dump"
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    empty = scratch_database("damaged")
    damaged = run(RESTORE, str(backup), database_url=empty, media=tmp_path / "m3", check=False)
    assert damaged.returncode != 0 and "altérée" in damaged.stderr
    assert table_fingerprints(empty) == {}
