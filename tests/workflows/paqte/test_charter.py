"""Charter conventions: CSV import (good file, bad lines, re-import), every FSM edge, the
offer near the end, the migration into a PAQTE convention and the per-département progress."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import make_siret
from workflows.cases.runner import transition_run
from workflows.paqte import selectors, services
from workflows.paqte.charter_import import COLUMNS, CharterImportError, charters_import
from workflows.paqte.models import NEAR_END_DAYS, CharterConvention, Company, PaqteConvention, PaqteHistory
from workflows.paqte.services import PaqteError

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
HEADER = ";".join(COLUMNS)


def line(number: str = "CEQ-59-001", *, department: str = "59", siret: str | None = None, **overrides: str) -> str:
    values = {
        "departement": department,
        "numero": number,
        "siret": siret or make_siret(),
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
        "engagements": "Stages de 3e, recrutements",
    }
    values.update(overrides)
    return ";".join(values[c] for c in COLUMNS)


def csv_of(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


def test_import_good_file(tmp_path: Path) -> None:
    path = tmp_path / "chartes.csv"
    path.write_text("\ufeff" + csv_of(line("A1"), line("A2"), line("B1", department="62")), encoding="utf-8")
    call_command("paqte_import_charters", str(path))
    assert CharterConvention.objects.count() == 3
    charter = CharterConvention.objects.get(reference="A1")
    assert (charter.state, charter.department.code, charter.targets) == ("active", "59", {"awareness": 4, "hiring": 2})
    assert charter.company.size == Company.Size.PME
    assert (charter.signed_on, charter.ends_on) == (datetime.date(2016, 3, 15), datetime.date(2019, 3, 14))


def test_bad_lines_get_a_french_error_each_and_nothing_is_written(tmp_path: Path) -> None:
    content = csv_of(
        line("A1"),
        line("A2", siret="73282932000075"),
        line("A3", taille="moyenne"),
        line("A4", date_fin="2019-03-14"),
        line("A5", department="00"),
        line("A1"),
    )
    with pytest.raises(CharterImportError) as error:
        charters_import(content=content)
    assert error.value.errors == [
        "ligne 3, colonne « siret » : Le SIRET « 73282932000075 » n'est pas valide : "
        "sa clé de contrôle est fausse (vérifiez la saisie).",
        "ligne 4, colonne « taille » : « moyenne » n'est pas une taille admise (grande entreprise, ETI, PME, TPE)",
        "ligne 5, colonne « date_fin » : date attendue au format JJ/MM/AAAA, « 2019-03-14 » reçu",
        "ligne 6, colonne « departement » : département inconnu : « 00 »",
        "ligne 7, colonne « numero » : convention déjà présente ligne 2",
    ]
    assert CharterConvention.objects.count() == 0 and Company.objects.count() == 0
    path = tmp_path / "chartes.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=r"(?s)rien n.a été écrit.*ligne 3, colonne « siret »"):
        call_command("paqte_import_charters", str(path))


def test_missing_column_is_refused() -> None:
    with pytest.raises(CharterImportError, match="colonne\\(s\\) manquante\\(s\\) : engagements"):
        charters_import(content="\n".join([HEADER.replace(";engagements", ""), "x"]))


def test_reimport_is_idempotent_and_updates_active_charters(agent: User) -> None:
    siret = make_siret()
    first = charters_import(content=csv_of(line("A1", siret=siret), line("A2")))
    assert (first.created, first.companies_created) == (2, 2)
    again = charters_import(content=csv_of(line("A1", siret=siret), line("A2", siret=first.charters[1].company.siret)))
    assert (again.created, again.updated, again.unchanged, again.companies_created) == (0, 0, 2, 0)
    changed = charters_import(content=csv_of(line("A1", siret=siret, date_fin="31/12/2019")))
    assert (changed.updated, CharterConvention.objects.get(reference="A1").ends_on) == (1, datetime.date(2019, 12, 31))
    assert CharterConvention.objects.count() == 2 and Company.objects.count() == 2
    # An offered charter is no longer touched by an import.
    services.charter_offer(user=agent, charter=CharterConvention.objects.get(reference="A1"))
    kept = charters_import(content=csv_of(line("A1", siret=siret, date_fin="30/06/2020")))
    assert kept.unchanged == 1 and CharterConvention.objects.get(reference="A1").ends_on == datetime.date(2019, 12, 31)


def charter(department: str = "59", ends_on: datetime.date | None = None, state: str = "active") -> CharterConvention:
    ends = ends_on or TODAY + datetime.timedelta(days=400)
    charters_import(content=csv_of(line(f"C{make_siret()}", department=department, date_fin=f"{ends:%d/%m/%Y}")))
    created = CharterConvention.objects.latest("pk")
    return created


def reach(agent: User, state: str) -> CharterConvention:
    if state == "active":
        return charter()
    if state == "expired":
        return transition_run(case=charter(ends_on=TODAY - datetime.timedelta(days=1)), user=agent, name="expire")
    offered = services.charter_offer(user=agent, charter=charter())
    if state == "offered":
        return offered
    if state == "migrated":
        services.charter_migrate(user=agent, charter=offered)
        return CharterConvention.objects.get(pk=offered.pk)
    return transition_run(case=offered, user=agent, name="decline")


EDGES = {
    "offer": (["active"], "offered"),
    "migrate": (["offered"], "migrated"),
    "decline": (["offered"], "declined"),
    "expire": (["active", "offered"], "expired"),
}
ALLOWED = [(n, s) for n, (sources, _t) in EDGES.items() for s in sources]
REFUSED = [(n, s) for n, (sources, _t) in EDGES.items() for s in CharterConvention.State.values if s not in sources]


def apply(agent: User, case: CharterConvention, name: str) -> CharterConvention:
    if name == "offer":
        return services.charter_offer(user=agent, charter=case)
    if name == "migrate":
        services.charter_migrate(user=agent, charter=case)
        return CharterConvention.objects.get(pk=case.pk)
    return transition_run(case=case, user=agent, name=name)


@pytest.mark.parametrize(("name", "source"), ALLOWED, ids=[f"{n}-from-{s}" for n, s in ALLOWED])
def test_edge_allowed(agent: User, name: str, source: str) -> None:
    case = reach(agent, source)
    if name == "expire":
        case = charter(ends_on=TODAY - datetime.timedelta(days=1))
        if source == "offered":
            case = services.charter_offer(user=agent, charter=case)
    done = apply(agent, case, name)
    assert done.state == EDGES[name][1]
    row = PaqteHistory.objects.filter(object_id=case.pk, transition=name).latest("pk")
    assert (row.source, row.target, row.actor) == (source, EDGES[name][1], agent)


@pytest.mark.parametrize(("name", "state"), REFUSED, ids=[f"{n}-from-{s}" for n, s in REFUSED])
def test_edge_refused(agent: User, name: str, state: str) -> None:
    case = reach(agent, state)
    with pytest.raises(PaqteError, match="n'est pas possible"):
        apply(agent, case, name)
    assert CharterConvention.objects.get(pk=case.pk).state == state


def test_expire_refused_before_the_end(agent: User) -> None:
    with pytest.raises(PaqteError, match="pas encore arrivée à son terme"):
        transition_run(case=charter(), user=agent, name="expire")


@pytest.mark.parametrize(
    ("role", "department"), [(Role.AGENT, "62"), (Role.CGET_REFERENT, None), (Role.PREFECT_VALIDATOR, "59")]
)
def test_edges_refused_outside_the_department(make_user: MakeUser, role: Role, department: str | None) -> None:
    with pytest.raises(PermissionDenied):
        services.charter_offer(user=make_user(role, department), charter=charter())


def test_migration_creates_the_paqte_convention_from_the_charter(agent: User) -> None:
    offered = services.charter_offer(user=agent, charter=charter())
    convention = services.charter_migrate(user=agent, charter=offered)
    assert (convention.state, convention.company_id, convention.department_id) == (
        "draft",
        offered.company_id,
        offered.department_id,
    )
    assert sorted(convention.objectives.values_list("axis", "indicator__code", "target")) == [
        ("awareness", "stages-3e-rep-plus", 4),
        ("hiring", "recrutements-qpv", 2),
    ]
    assert CharterConvention.objects.get(pk=offered.pk).paqte_convention == convention


def test_migration_refused_when_an_open_convention_exists(agent: User, nord: Department) -> None:
    offered = services.charter_offer(user=agent, charter=charter())
    services.convention_create(user=agent, company=offered.company, department=nord)
    with pytest.raises(PaqteError, match="déjà une convention"):
        services.charter_migrate(user=agent, charter=offered)
    assert CharterConvention.objects.get(pk=offered.pk).state == "offered"
    assert PaqteConvention.objects.count() == 1


def test_offer_near_the_end_is_automatic_and_once() -> None:
    near = charter(ends_on=TODAY + datetime.timedelta(days=30))
    far = charter(ends_on=TODAY + datetime.timedelta(days=NEAR_END_DAYS + 30))
    call_command("paqte_offer")
    assert CharterConvention.objects.get(pk=near.pk).state == "offered"
    assert CharterConvention.objects.get(pk=far.pk).state == "active"
    assert services.charters_offer_near_end() == []
    assert PaqteHistory.objects.filter(object_id=near.pk, transition="offer", actor__isnull=True).count() == 1


def test_migration_progress_per_department(agent: User, make_user: MakeUser) -> None:
    for _ in range(3):
        charter()
    charter(department="62")
    services.charter_migrate(user=agent, charter=services.charter_offer(user=agent, charter=charter()))
    mine = selectors.charter_migration_progress(user=agent)
    assert [(p.department_code, p.migrated, p.total) for p in mine] == [("59", 1, 4)]
    assert mine[0].deadline == datetime.date(2020, 1, 31)
    national = selectors.charter_migration_progress(user=make_user(Role.CGET_REFERENT))
    assert [(p.department_code, p.migrated, p.total) for p in national] == [("59", 1, 4), ("62", 0, 1)]


def test_sample_file_of_the_readme_imports() -> None:
    from django.conf import settings

    sample = Path(settings.BASE_DIR) / "workflows" / "paqte" / "data" / "chartes_exemple.csv"
    report = charters_import(content=sample.read_text(encoding="utf-8"))
    assert (report.created, report.companies_created) == (4, 4)
