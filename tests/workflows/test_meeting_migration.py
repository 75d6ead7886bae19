"""The data migration that makes the PAQTE committees and checkpoints meetings, run forwards and
backwards on the real database (STYLE: each data migration gets a test from one to the next)."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import pytest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = ("workflows", "0706_semester_constraints_and_campaign_year")
AFTER = ("workflows", "0707_paqte_meetings_are_meetings")


def migrate(target: tuple[str, str]) -> object:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection).loader.project_state([target]).apps


def test_paqte_meetings_become_meetings_and_back() -> None:
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        apps = migrate(BEFORE)
        Department = apps.get_model("reference", "Department")  # type: ignore[attr-defined]
        Company = apps.get_model("workflows", "Company")  # type: ignore[attr-defined]
        committee = apps.get_model("workflows", "SteeringCommittee").objects.create(  # type: ignore[attr-defined]
            department=Department.objects.get(code="59")
        )
        company = Company.objects.create(
            siret="73282932000074",
            name="Entreprise signataire",
            size="pme",
            sector="x",
            address="y",
            signature_level="local",
        )
        old = apps.get_model("workflows", "CommitteeMeeting").objects.create(  # type: ignore[attr-defined]
            committee=committee, kind="checkpoint", held_on=dt.date(2019, 6, 12), minutes="Point d'étape"
        )
        old.companies.set([company])

        apps = migrate(AFTER)
        meeting = apps.get_model("workflows", "Meeting").objects.get(kind="paqte_checkpoint")  # type: ignore[attr-defined]
        assert (meeting.department.code, meeting.date, meeting.minutes, meeting.state) == (
            "59",
            dt.date(2019, 6, 12),
            "Point d'étape",
            "held",
        )
        assert [c.name for c in meeting.companies.all()] == ["Entreprise signataire"]
        history = apps.get_model("workflows", "MeetingHistory").objects.filter(meeting=meeting)  # type: ignore[attr-defined]
        assert sorted(history.values_list("transition", flat=True)) == ["convene", "hold"]

        apps = migrate(BEFORE)
        back = apps.get_model("workflows", "CommitteeMeeting").objects.get()  # type: ignore[attr-defined]
        assert (back.kind, back.held_on, back.minutes) == ("checkpoint", dt.date(2019, 6, 12), "Point d'étape")
        assert [c.name for c in back.companies.all()] == ["Entreprise signataire"]
        assert not apps.get_model("workflows", "Meeting").objects.filter(kind="paqte_checkpoint").exists()  # type: ignore[attr-defined]
    finally:
        MigrationExecutor(connection).migrate(leaves)
