"""Charter import limits: size and line count refused before any line is parsed, French
messages only (no codec message), nothing written, and a progress bar on the command."""

from __future__ import annotations

import sys
import time
import tracemalloc
from pathlib import Path

from django.core.management import CommandError, call_command

import pytest

from tests.workflows.paqte.helpers import make_siret
from tests.workflows.paqte.test_charter import HEADER, csv_of, line
from workflows.paqte import charter_import
from workflows.paqte.charter_import import MAX_FILE_BYTES, MAX_ROWS, CharterImportError, charters_import, charters_read
from workflows.paqte.models import CharterConvention, Company

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return CharterConvention.objects.count() == 0 and Company.objects.count() == 0


@pytest.fixture
def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if a single line reaches the parser."""

    def parse(*args: object) -> None:
        raise AssertionError("a line was parsed")

    monkeypatch.setattr(charter_import, "_parse", parse)


def test_the_200000_line_file_is_refused_at_once(
    tmp_path: Path, no_parsing: None, django_assert_num_queries: object
) -> None:
    # The probe: 200,000 well-formed lines (about 30 MB), which used to be parsed for
    # more than two minutes at 463 MB before anything was said.
    path = tmp_path / "chartes.csv"
    row = line("CEQ-59-000000", siret=make_siret())
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER + "\n")
        for _ in range(200_000):
            out.write(row + "\n")
    assert path.stat().st_size > 6 * MAX_FILE_BYTES
    megabytes = f"{path.stat().st_size / 1024 / 1024:.1f}".replace(".", ",")
    tracemalloc.start()
    started = time.monotonic()
    with (
        django_assert_num_queries(0),  # type: ignore[operator]
        pytest.raises(CommandError) as error,
    ):
        call_command("paqte_import_charters", str(path))
    elapsed = time.monotonic() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert str(error.value) == (
        f"Import annulé, rien n'a été écrit : « {path} » : fichier trop volumineux ({megabytes} Mo ; 5 Mo au plus) : "
        "découpez le fichier par département."
    )
    assert elapsed < 1 and peak < 2 * 1024 * 1024, (elapsed, peak)
    assert nothing_written()


def test_a_file_under_the_size_but_over_the_line_count_is_refused_before_parsing(
    tmp_path: Path, no_parsing: None
) -> None:
    path = tmp_path / "chartes.csv"
    path.write_text(HEADER + "\n" + "59;x\n" * (MAX_ROWS + 1), encoding="utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES
    with pytest.raises(CommandError, match=r"fichier trop long \(10\u202f000 lignes au plus sous l'en-tête\)"):
        call_command("paqte_import_charters", str(path))
    assert nothing_written()


def test_the_limits_hold_for_text_given_directly(no_parsing: None) -> None:
    with pytest.raises(CharterImportError, match="fichier trop long") as error:
        charters_import(content=HEADER + "\n" + "x\n" * (MAX_ROWS + 1))
    assert error.value.whole_file
    with pytest.raises(CharterImportError, match="fichier trop volumineux"):
        charters_import(content=HEADER + "\n" + "x" * MAX_FILE_BYTES)
    assert nothing_written()


def test_ten_thousand_lines_are_within_the_limits() -> None:
    rows = charters_read(csv_of(*(line(f"CEQ-59-{i:05d}") for i in range(MAX_ROWS))))
    assert len(rows) == MAX_ROWS


def test_a_wrong_encoding_gets_a_french_message_only(tmp_path: Path) -> None:
    path = tmp_path / "chartes.csv"
    path.write_bytes(csv_of(line("A1"), line("A2", raison_sociale="Société Générale")).encode("latin-1"))
    with pytest.raises(CommandError) as error:
        call_command("paqte_import_charters", str(path))
    assert str(error.value) == (
        f"Import annulé, rien n'a été écrit : « {path} » : ligne 2 : encodage invalide "
        "(UTF-8 attendu : enregistrez le fichier en « CSV UTF-8 »)."
    )
    assert "codec" not in str(error.value) and error.value.__cause__ is None
    assert nothing_written()


def test_a_missing_file_gets_a_french_message(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("paqte_import_charters", str(tmp_path / "absent.csv"))


def test_the_command_shows_a_progress_bar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chartes.csv"
    path.write_text(csv_of(line("A1"), line("A2"), line("B1", department="62")), encoding="utf-8")
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    call_command("paqte_import_charters", str(path))
    assert "Conventions" in capsys.readouterr().err and CharterConvention.objects.count() == 3
    call_command("paqte_import_charters", str(path), "--no-progress")
    captured = capsys.readouterr()
    assert "Conventions" not in captured.err and "3 inchangée(s)" in captured.out


def test_the_service_reports_progress_per_line() -> None:
    seen: list[int] = []
    report = charters_import(content=csv_of(line("A1"), line("A2")), progress=seen.append)
    assert seen == [1, 1] and report.created == 2
