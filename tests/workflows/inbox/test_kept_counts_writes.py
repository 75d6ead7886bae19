"""The inbox's kept counts (``workflows.inbox.counts``) after writes of more than one row: a bulk
take and hand-over, the national launch of the renovations, the import of the charter
conventions and of the reference data, a case moved to another département then worked. Each
user's counts and lists are right at once, not once the counts' timeout has passed."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.paqte import make_siret
from tests.workflows.renewal.helpers import open_task
from workflows.inbox import bulk, selectors
from workflows.inbox.saved_views import saved_view_counts, saved_view_save
from workflows.models import Renewal
from workflows.paqte.charter_import import COLUMNS
from workflows.renewal.services import renewal_launch, renewal_task_assign

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a request's user: the per-request caches are on it


def counts(user: User) -> dict[str, int]:
    return selectors.tab_counts(user=fresh(user))


def counted(user: User) -> int:
    """How many statements counting tasks ``tab_counts`` sends (0: the counts were kept)."""
    with CaptureQueriesContext(connection) as captured:
        selectors.tab_counts(user=fresh(user))
    return sum("COUNT(*)" in query["sql"] for query in captured.captured_queries)


def launch(code: str, index: int, user: User) -> Renewal:
    contract = CityContract.objects.filter(department__code=code).order_by("code")[index]
    renewal, _ = renewal_launch(city_contract=contract, user=user)
    return renewal


def listed(user: User, tab: str) -> set[int]:
    return set(selectors.tab_tasks(user=fresh(user), tab=tab).values_list("pk", flat=True))


@pytest.fixture
def nord(make_user: MakeUser) -> dict[str, Any]:
    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    renewals = [launch("59", index, agent) for index in range(3)]
    return {"agent": agent, "colleague": colleague, "tasks": [open_task(r, "evaluate").pk for r in renewals]}


def test_a_bulk_take_then_hand_over_moves_both_agents_counts_and_lists_at_once(nord: dict[str, Any]) -> None:
    agent, colleague, tasks = nord["agent"], nord["colleague"], nord["tasks"]
    assert counts(agent)["file"] == 3 and counts(colleague)["file"] == 3
    assert counted(agent) == 0 and counted(colleague) == 0  # kept from now on

    taken = bulk.bulk_tasks(user=fresh(agent), action="prendre", task_pks=tasks[:2])
    assert len(taken.done) == 2
    assert (counts(agent)["a-traiter"], counts(agent)["file"]) == (2, 1)
    assert (counts(colleague)["a-traiter"], counts(colleague)["file"]) == (0, 1)

    # His two tasks and the one still in the queue (taken first, then handed over).
    handed = bulk.bulk_tasks(user=fresh(agent), action="confier", task_pks=tasks, to=fresh(colleague))
    assert len(handed.done) == 3, handed.refused
    assert (counts(agent)["a-traiter"], counts(agent)["file"]) == (0, 0)
    assert (counts(colleague)["a-traiter"], counts(colleague)["file"]) == (3, 0)
    assert listed(colleague, "a-traiter") == set(tasks) and listed(agent, "a-traiter") == set()


def test_the_national_launch_fills_each_departements_queue_at_once(make_user: MakeUser) -> None:
    # Two départements' contracts (launching the 434 takes a minute: tests/workflows/renewal).
    CityContract.objects.exclude(department__code__in=["59", "62"]).delete()
    admin, cget = make_user(Role.NATIONAL_ADMIN), make_user(Role.CGET_REFERENT)
    agent, other = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    assert counts(agent)["file"] == counts(other)["file"] == counts(cget)["tous"] == 0
    out = StringIO()
    call_command("renewal_launch_all", "--par", admin.email, verbosity=0, stdout=out, stderr=StringIO())
    nord, pas_de_calais = (CityContract.objects.filter(department__code=code).count() for code in ("59", "62"))
    assert f"{nord + pas_de_calais} rénovation(s) lancée(s)" in out.getvalue()
    assert counts(agent)["file"] == nord and counts(other)["file"] == pas_de_calais
    assert counts(cget)["tous"] == nord + pas_de_calais


def test_the_charter_import_fills_the_departements_queue_at_once(make_user: MakeUser, tmp_path: Path) -> None:
    agent, other = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    assert counts(agent)["file"] == counts(other)["file"] == 0
    rows = [
        {
            "departement": "59",
            "numero": f"CEQ-59-00{number}",
            "siret": make_siret(),
            "raison_sociale": f"Société {number}",
            "taille": "PME",
            "secteur": "BTP",
            "adresse": "2 place du Théâtre, 59000 Lille",
            "signature": "locale",
            "date_signature": "15/03/2016",
            "date_fin": "14/03/2019",
            "cible_sensibiliser": "4",
            "cible_former": "",
            "cible_recruter": "2",
            "cible_acheter": "",
            "engagements": "Stages de 3e",
        }
        for number in (1, 2)
    ]
    path = tmp_path / "charte.csv"
    path.write_text("\n".join([";".join(COLUMNS), *(";".join(row[c] for c in COLUMNS) for row in rows)]) + "\n")
    call_command("paqte_import_charters", str(path), "--no-progress", stdout=StringIO())
    assert counts(agent)["file"] == 2 and counts(agent)["tous"] == 2
    assert counted(other) == 0  # another département's counts stay kept


def test_a_case_moved_to_another_departement_then_worked_moves_its_new_departements_counts(
    make_user: MakeUser,
) -> None:
    """The départements of a case's process are kept for the saves of its tasks: a case moved
    to another département keeps them up to date."""
    agent, other = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    renewal = launch("59", 0, agent)  # its tasks' saves kept the Nord for its process
    launch("62", 0, other)
    moved = Renewal.objects.get(pk=renewal.pk)
    moved.department = Department.objects.get(code="62")
    moved.save()
    assert counts(other)["file"] == 2 and counts(agent)["file"] == 0
    renewal_task_assign(task_pk=open_task(renewal, "evaluate").pk, user=fresh(other))
    assert (counts(other)["file"], counts(other)["a-traiter"]) == (1, 1)
    assert listed(other, "a-traiter") == {open_task(renewal, "evaluate").pk}


def _reference_data(tmp_path: Path, *, nord_region: str) -> Path:
    """The reference files, the Nord put in the région ``nord_region``."""
    data = Path(shutil.copytree(settings.REFERENCE_DATA_DIR, tmp_path / "data"))
    departements = data / "departements.csv"
    lines = departements.read_text(encoding="utf-8").splitlines()
    moved = [f"59,{nord_region}," + line.split(",", 2)[2] if line.startswith("59,") else line for line in lines]
    departements.write_text("\n".join(moved) + "\n", encoding="utf-8")
    return data


def test_a_reference_import_moving_a_departement_to_another_region_moves_the_views_by_region(
    make_user: MakeUser, tmp_path: Path
) -> None:
    cget, agent = make_user(Role.CGET_REFERENT), make_user(Role.AGENT, "59")
    launch("59", 0, agent)
    launch("59", 1, agent)
    view = saved_view_save(
        user=cget, name="Hauts-de-France", tab="tous", params=QueryDict("region=32"), sharing="private"
    )
    assert saved_view_counts(user=fresh(cget), views=[view]) == {view.pk: 2}
    assert counts(cget)["tous"] == 2
    # The same data again: nothing moved, the counts stay kept.
    data = _reference_data(tmp_path, nord_region="32")
    call_command("import_reference", "--data-dir", str(data), "--no-progress", stdout=StringIO())
    assert counted(cget) == 0
    # The Nord in Île-de-France: the view of the Hauts-de-France no longer counts its tasks.
    shutil.rmtree(data)
    data = _reference_data(tmp_path, nord_region="11")
    call_command("import_reference", "--data-dir", str(data), "--no-progress", stdout=StringIO())
    assert saved_view_counts(user=fresh(cget), views=[view]) == {view.pk: 0}


def unread(user: User) -> tuple[int, int]:
    """The bell's count through the selector, and how many statements read the notices for it."""
    with CaptureQueriesContext(connection) as captured:
        found = selectors.notices_unread(user=fresh(user))
    return found, sum("notifications_notice" in query["sql"] for query in captured.captured_queries)


def test_the_bells_count_is_kept_and_moves_with_each_notice_created_or_read(make_user: MakeUser) -> None:
    from notifications.notice_services import notices_create, notices_mark_read
    from notifications.notices import Notice

    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    assert unread(agent) == (0, 1)  # counted once...
    assert unread(agent) == (0, 0)  # ...then kept
    notices_create(recipients=[agent, colleague], event="returned", key="test:1", title="Protocole renvoyé")
    assert unread(agent) == (1, 1) and unread(colleague) == (1, 1)  # moved at once, for both
    assert unread(agent) == (1, 0)
    notices_create(recipients=[agent], event="returned", key="test:1", title="Protocole renvoyé")
    assert unread(agent) == (1, 0)  # the same key noticed twice creates nothing, moves nothing
    Notice.objects.create(recipient=agent, key="test:2", event="other", title="Écrit par l'administration")
    assert unread(agent) == (2, 1) and unread(colleague) == (1, 0)  # one by one: his alone
    notices_mark_read(user=agent, pks=[Notice.objects.get(key="test:2").pk])
    assert unread(agent) == (1, 1) and unread(colleague) == (1, 0)
    notices_mark_read(user=agent)
    assert unread(agent) == (0, 1)
    Notice.objects.filter(recipient=colleague).delete()  # a queryset's delete sends post_delete
    assert unread(colleague) == (0, 1)


def ids_read(user: User) -> int:
    """How many statements read the ids of the user's scope (its cases, their processes) for
    his tabs' counts and his queue (0: they were kept)."""
    with CaptureQueriesContext(connection) as captured:
        selectors.tab_counts(user=fresh(user))
        listed(user, "file")
    return sum(
        '"viewflow_process"."id" AS "pk"' in query["sql"] or 'AS "_kind"' in query["sql"]
        for query in captured.captured_queries
    )


def test_a_take_moves_the_counts_not_the_ids_a_new_case_moves_both(nord: dict[str, Any]) -> None:
    """The ids of a scope's cases and processes move only when a case or a process is written
    (``counts.scope_changed``, ``counts.ids_changed``), not when one of their tasks is."""
    agent, colleague, tasks = nord["agent"], nord["colleague"], nord["tasks"]
    assert counts(agent)["file"] == 3 and ids_read(agent) == 0 and counted(agent) == 0
    renewal_task_assign(task_pk=tasks[0], user=fresh(agent))  # the task saved, the case not moved
    assert counted(colleague) > 0 and ids_read(colleague) == 0  # counted again, ids kept
    assert (counts(agent)["a-traiter"], counts(agent)["file"]) == (1, 2)
    # A case launched in the Nord: a case and a process created, their ids read again.
    renewal = launch("59", 3, colleague)
    assert ids_read(agent) > 0 and ids_read(agent) == 0  # read again, then kept
    assert counts(agent)["file"] == 3
    assert open_task(renewal, "evaluate").pk in listed(agent, "file")


def test_a_process_written_moves_the_ids_of_its_departements(nord: dict[str, Any], make_user: MakeUser) -> None:
    from viewflow.workflow.models import Process

    from workflows.inbox import counts as kept

    agent, other = nord["agent"], make_user(Role.AGENT, "62")
    counts(agent), counts(other)  # read once, kept from now on
    assert ids_read(agent) == 0 and ids_read(other) == 0
    process = Process.objects.filter(artifact_object_id=Renewal.objects.filter(department__code="59").first().pk)
    found = process.first()
    assert found is not None
    found.save()  # what viewflow does when a process starts or ends
    assert ids_read(agent) > 0 and ids_read(other) == 0  # the Nord's ids only
    kept.ids_changed([])  # the whole country's only: a département user's ids stay
    assert ids_read(agent) == 0
