"""Import of the existing departmental charter conventions (Charte entreprises et quartiers).

One CSV file, separator ``;``, UTF-8 (a BOM is tolerated), one line per charter convention:

    departement;numero;siret;raison_sociale;taille;secteur;adresse;signature;date_signature;date_fin;
    cible_sensibiliser;cible_former;cible_recruter;cible_acheter;engagements

- ``taille``: grande entreprise, ETI, PME or TPE; ``signature``: nationale or locale;
- dates as JJ/MM/AAAA; ``cible_*``: the target carried over to the PAQTE on migration, empty
  when the axis is not kept.

The file's size and number of lines are checked before anything is parsed (``MAX_FILE_BYTES``,
``MAX_ROWS``), then its encoding; every bad line gets one French error naming its line and
column; if there is any, nothing is written. Otherwise everything is written in one
transaction. Re-importing is idempotent: a charter is keyed by (département, numéro); an
existing one still active is updated, one already offered, migrated, declined or expired is
left as it is; a company is keyed by its SIRET.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from reference.models import Department
from reference.services.csv_reader import CsvReadError, csv_text_check, csv_text_read
from workflows.cases.locks import case_lock
from workflows.cases.tasks import workflow_start
from workflows.paqte.deadlines import charter_migration_follow, charters_deadlines_sync
from workflows.paqte.models import Axis, CharterConvention, Company
from workflows.paqte.siret import siret_clean

COLUMNS = [
    "departement",
    "numero",
    "siret",
    "raison_sociale",
    "taille",
    "secteur",
    "adresse",
    "signature",
    "date_signature",
    "date_fin",
    "cible_sensibiliser",
    "cible_former",
    "cible_recruter",
    "cible_acheter",
    "engagements",
]
TARGET_COLUMNS = {
    "cible_sensibiliser": Axis.AWARENESS,
    "cible_former": Axis.TRAINING,
    "cible_recruter": Axis.HIRING,
    "cible_acheter": Axis.PURCHASING,
}
SIZES = {
    "grande entreprise": Company.Size.LARGE,
    "eti": Company.Size.ETI,
    "pme": Company.Size.PME,
    "tpe": Company.Size.TPE,
}
SIGNATURES = {"nationale": Company.SignatureLevel.NATIONAL, "locale": Company.SignatureLevel.LOCAL}

# Limits checked before parsing, on the raw file (reference.services.csv_reader). The Charte
# entreprises et quartiers had a few hundred conventions per département at most (the circular
# of 22 January 2019 names the Nord, the Loire-Atlantique and the Territoire de Belfort as the
# active ones), so even a national file of every département stays under 10,000 lines; a line
# is about 170 bytes (workflows/paqte/data/chartes_exemple.csv), 500 with a long "engagements"
# text, hence 5 MB. Beyond that the file is refused at once (a 200,000-line file used to be
# parsed for minutes before anything was said): split it by département.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
_SPLIT = "découpez le fichier par département"


class CharterImportError(Exception):
    """The file has bad lines: nothing was written. ``errors`` lists one sentence per bad line.

    ``whole_file``: the file itself was refused (size, length, encoding) before its lines were read."""

    def __init__(self, errors: list[str], *, whole_file: bool = False) -> None:
        self.errors = errors
        self.whole_file = whole_file
        super().__init__("\n".join(errors))


def _refused(exc: CsvReadError) -> CharterImportError:
    hint = f" : {_SPLIT}" if exc.line == 0 else ""
    return CharterImportError([f"{exc}{hint}"], whole_file=True)


def charters_file_read(path: Path) -> str:
    """The file's text, or ``CharterImportError`` (French) if over the limits or not UTF-8."""
    try:
        return csv_text_read(path, max_bytes=MAX_FILE_BYTES, max_lines=MAX_ROWS + 1)
    except CsvReadError as exc:
        raise _refused(exc) from None


@dataclass
class CharterImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    companies_created: int = 0
    lines: int = 0
    charters: list[CharterConvention] = field(default_factory=list)


class _LineError(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message


def _date(row: dict[str, str], column: str) -> datetime.date:
    value = row[column]
    try:
        return datetime.datetime.strptime(value, "%d/%m/%Y").date()
    except ValueError:
        raise _LineError(column, f"date attendue au format JJ/MM/AAAA, « {value} » reçu") from None


def _parse(row: dict[str, str], departments: dict[str, Department]) -> dict[str, Any]:
    for column in ("departement", "numero", "siret", "raison_sociale", "taille", "signature"):
        if not row[column]:
            raise _LineError(column, "valeur manquante")
    department = departments.get(row["departement"])
    if department is None:
        raise _LineError("departement", f"département inconnu : « {row['departement']} »")
    try:
        siret = siret_clean(row["siret"])
    except ValidationError as error:
        raise _LineError("siret", " ".join(error.messages)) from None
    size = SIZES.get(row["taille"].lower())
    if size is None:
        raise _LineError(
            "taille", f"« {row['taille']} » n'est pas une taille admise (grande entreprise, ETI, PME, TPE)"
        )
    signature = SIGNATURES.get(row["signature"].lower())
    if signature is None:
        raise _LineError("signature", f"« {row['signature']} » n'est pas admis (nationale ou locale)")
    signed_on, ends_on = _date(row, "date_signature"), _date(row, "date_fin")
    if ends_on <= signed_on:
        raise _LineError("date_fin", "la date de fin précède la date de signature")
    targets: dict[str, int] = {}
    for column, axis in TARGET_COLUMNS.items():
        value = row[column]
        if value == "":
            continue
        if not value.isdigit():
            raise _LineError(column, f"nombre entier attendu, « {value} » reçu")
        targets[str(axis)] = int(value)
    return {
        "department": department,
        "reference": row["numero"],
        "company": {
            "siret": siret,
            "name": row["raison_sociale"],
            "size": size,
            "sector": row["secteur"],
            "address": row["adresse"],
            "signature_level": signature,
        },
        "signed_on": signed_on,
        "ends_on": ends_on,
        "targets": targets,
        "commitments": row["engagements"],
    }


def charters_read(content: str) -> list[dict[str, Any]]:
    """Parse and check the whole file; raise ``CharterImportError`` listing every bad line."""
    try:
        csv_text_check(content, max_bytes=MAX_FILE_BYTES, max_lines=MAX_ROWS + 1)
    except CsvReadError as exc:
        raise _refused(exc) from None
    reader = csv.DictReader(io.StringIO(content.lstrip("\ufeff")), delimiter=";")
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise CharterImportError([f"ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}"])
    departments = {d.code: d for d in Department.objects.all()}
    rows: list[dict[str, Any]] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for line, raw in enumerate(reader, start=2):
        if None in raw or any(value is None for value in raw.values()):
            errors.append(f"ligne {line} : nombre de colonnes incorrect ({len(COLUMNS)} attendues)")
            continue
        row = {key: (value or "").strip() for key, value in raw.items()}
        try:
            parsed = _parse(row, departments)
        except _LineError as error:
            errors.append(f"ligne {line}, colonne « {error.column} » : {error.message}")
            continue
        key = (parsed["department"].code, parsed["reference"])
        if key in seen:
            errors.append(f"ligne {line}, colonne « numero » : convention déjà présente ligne {seen[key]}")
            continue
        seen[key] = line
        rows.append(parsed)
    if errors:
        raise CharterImportError(errors)
    return rows


def charters_import(*, content: str, progress: Callable[[int], object] | None = None) -> CharterImportReport:
    """Check the whole file, then write it in one transaction (nothing if any line is bad)."""
    return charters_write(rows=charters_read(content), progress=progress)


def charters_write(
    *, rows: list[dict[str, Any]], progress: Callable[[int], object] | None = None
) -> CharterImportReport:
    """Write rows checked by ``charters_read`` in one transaction; ``progress(1)`` after each."""
    report = CharterImportReport(lines=len(rows))
    with transaction.atomic():
        for row in rows:
            data = row.pop("company")
            company = Company.objects.filter(siret=data["siret"]).first()
            if company is None:
                company = Company(**data)
                company.full_clean()
                company.save()
                report.companies_created += 1
            charter = case_lock(CharterConvention, department=row["department"], reference=row["reference"])
            if charter is None:
                charter = CharterConvention.objects.create(company=company, **row)
                workflow_start(case=charter)
                report.created += 1
            elif charter.state != CharterConvention.State.ACTIVE or all(
                getattr(charter, name) == value for name, value in [("company_id", company.pk), *row.items()]
            ):
                report.unchanged += 1
            else:
                charter.company = company
                for name, value in row.items():
                    setattr(charter, name, value)
                charter.save()
                report.updated += 1
            report.charters.append(charter)
            if progress is not None:
                progress(1)
        # each charter's expiry deadline, and the « charter-migration » deadline of
        # every département (one with no charter left to handle, or none at all, has met it).
        charters_deadlines_sync(charters=report.charters)
        charter_migration_follow()
    return report
