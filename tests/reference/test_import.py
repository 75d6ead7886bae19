"""The reference import: counts, idempotence, and a malformed file rolled back whole."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command

import pytest

from accounts.models import Organisation
from reference.models import CityContract, Department, Epci, Measure, MeasureIndicator, Qpv, QpvEpci, Region
from reference.services.csv_reader import ReferenceImportError
from reference.services.importer import reference_import

pytestmark = pytest.mark.django_db

EXPECTED = {
    "régions": 18,
    "départements": 101,
    "EPCI (2022)": 1255,
    "QPV (2015, métropole)": 1294,
    "QPV (2024)": 1493,
    "contrats de ville": 434,
    "mesures": 42,
}


def table_counts() -> dict[str, int]:
    return {
        "regions": Region.objects.count(),
        "departments": Department.objects.count(),
        "epcis": Epci.objects.count(),
        "qpv_2015": Qpv.objects.filter(geography=2015).count(),
        "qpv_2024": Qpv.objects.filter(geography=2024).count(),
        "city_contracts": CityContract.objects.count(),
        "measures": Measure.objects.count(),
        "indicators": MeasureIndicator.objects.count(),
        "qpv_epci": QpvEpci.objects.count(),
    }


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(settings.REFERENCE_DATA_DIR, target)
    return target


def empty_reference_tables() -> None:
    Organisation.objects.all().delete()
    for model in (QpvEpci, CityContract, Qpv, Epci, MeasureIndicator, Measure, Department, Region):
        model.objects.all().delete()


def test_import_into_empty_tables_loads_the_expected_counts() -> None:
    empty_reference_tables()
    assert Department.objects.count() == 0

    report = reference_import(data_dir=settings.REFERENCE_DATA_DIR)

    assert {k: report.counts[k] for k in EXPECTED} == EXPECTED
    counts = table_counts()
    assert counts["regions"] == 18
    assert counts["departments"] == 101
    assert counts["epcis"] == 1255
    assert counts["qpv_2015"] == 1294
    assert counts["qpv_2024"] == 1493
    assert counts["city_contracts"] == 434
    assert CityContract.objects.values("code").distinct().count() == 433
    assert counts["measures"] == 42


def test_city_contract_spanning_two_departments_and_overseas_collectivities() -> None:
    aix = CityContract.objects.filter(code="CV043").order_by("department_code")
    assert [(c.department_code, c.department.code if c.department else None) for c in aix] == [
        ("13", "13"),
        ("84", "84"),
    ]
    saint_martin = CityContract.objects.get(code="CV415")
    assert saint_martin.department is None and saint_martin.department_code == "978"


def test_measures_summary_matches_annex_3() -> None:
    top_level = Measure.objects.filter(parent__isnull=True)
    assert top_level.count() == 40
    levels = {level: top_level.filter(level=level).count() for level in Measure.Level.values}
    assert levels == {"achieved": 3, "finalising": 1, "deploying": 22, "launching": 14}
    one = Measure.objects.get(number="1")
    assert sorted(one.sub_measures.values_list("number", flat=True)) == ["1.a", "1.b"]
    assert list(Measure.objects.get(number="19").indicators.values_list("position", flat=True)) == [1, 2, 3, 4]


def test_reimport_updates_and_never_duplicates() -> None:
    before = table_counts()
    Region.objects.filter(code="32").update(name="Nom périmé")
    Measure.objects.filter(number="7").update(level=Measure.Level.DEPLOYING)

    reference_import(data_dir=settings.REFERENCE_DATA_DIR)
    reference_import(data_dir=settings.REFERENCE_DATA_DIR)

    assert table_counts() == before
    assert Region.objects.get(code="32").name == "Hauts-de-France"
    # The level belongs to the administrateur national once loaded: a re-import keeps it.
    assert Measure.objects.get(number="7").level == Measure.Level.DEPLOYING


def test_malformed_file_writes_nothing_and_names_file_line_and_column(data_dir: Path) -> None:
    before = table_counts()
    # A valid change in the first file, then a bad value far into a later one.
    regions = data_dir / "regions.csv"
    regions.write_text(regions.read_text(encoding="utf-8").replace("Hauts-de-France", "Flandres"), encoding="utf-8")
    qpv = data_dir / "qpv_2024.csv"
    lines = qpv.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[99].split(",")
    fields[1] = "9Z"
    lines[99] = ",".join(fields)
    qpv.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(ReferenceImportError) as excinfo:
        reference_import(data_dir=data_dir)

    error = excinfo.value
    assert (error.file, error.line, error.column) == ("qpv_2024.csv", 100, "code_departement")
    assert str(error).startswith("fichier « qpv_2024.csv », ligne 100, colonne « code_departement » :")
    assert Region.objects.get(code="32").name == "Hauts-de-France"
    assert table_counts() == before


def test_unknown_reference_is_refused_with_its_line(data_dir: Path) -> None:
    contracts = data_dir / "contrats_de_ville_2015.csv"
    lines = contracts.read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[1] = "96"
    lines[5] = ",".join(fields)
    contracts.write_text("".join(lines), encoding="utf-8")

    with pytest.raises(
        ReferenceImportError, match="ligne 6, colonne « code_departement » : département inconnu « 96 »"
    ):
        reference_import(data_dir=data_dir)


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda text: text.replace("siren,", "sirene,", 1), "ligne 1, colonne « siren » : colonne absente"),
        (
            lambda text: text.replace("CC Bugey Sud,CC,FPU,01,43", "CC Bugey Sud,CC,FPU,01,quarante", 1),
            "ligne 3, colonne « nb_membres » : nombre de membres : nombre entier attendu",
        ),
        (
            lambda text: text.replace("CC Bugey Sud,CC,", "CC Bugey Sud,XX,", 1),
            "ligne 3, colonne « nature_juridique »",
        ),
        (
            lambda text: text.replace("CC Bugey Sud,", "CC Bugey, Sud,", 1),
            "ligne 3, colonne « pop_municipale » : 9 champs",
        ),
        (lambda text: text.replace("CC Bugey Sud", '"CC Bugey Sud', 1), "CSV mal formé"),
    ],
)
def test_malformed_epci_file_errors_are_french_and_precise(
    data_dir: Path, mutate: Callable[[str], str], expected: str
) -> None:
    path = data_dir / "epci_2022.csv"
    path.write_text(mutate(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ReferenceImportError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        reference_import(data_dir=data_dir)


def test_invalid_encoding_is_reported_with_its_line(data_dir: Path) -> None:
    path = data_dir / "departements.csv"
    raw = path.read_bytes().replace("Ardèche".encode(), "Ardèche".encode("latin-1"))
    path.write_bytes(raw)
    with pytest.raises(ReferenceImportError, match="ligne 8 : encodage invalide"):
        reference_import(data_dir=data_dir)


def test_command_reports_counts_and_fails_in_french(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("import_reference", "--data-dir", str(settings.REFERENCE_DATA_DIR), "--no-progress")
    out = capsys.readouterr().out
    assert "contrats de ville : 434" in out and "Données de référence à jour" in out

    (data_dir / "regions.csv").unlink()
    with pytest.raises(
        CommandError, match=re.escape("Import annulé, rien n'a été écrit. fichier « regions.csv », ligne 0")
    ):
        call_command("import_reference", "--data-dir", str(data_dir), "--no-progress")
