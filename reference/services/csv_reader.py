"""Strict CSV reading with French errors that name the file, the line and the column.

Shared by the reference import and the charter import (``csv_text_read``: size and line
limits before parsing, UTF-8 decoding with a French message)."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Validator = Callable[[str], str | None]
"""Returns a French error message, or None when the value is valid."""


class CsvReadError(Exception):
    """A file refused before any row is parsed: too large, too many lines or not UTF-8.

    ``line`` is 0 when the whole file is at fault (size, line count)."""

    def __init__(self, *, line: int, message: str) -> None:
        self.line = line
        self.message = message
        super().__init__(message if line == 0 else f"ligne {line} : {message}")


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def _size_check(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise CsvReadError(
            line=0, message=f"fichier trop volumineux ({_megabytes(size)} Mo ; {_megabytes(max_bytes)} Mo au plus)"
        )


def _lines_check(lines: int, max_lines: int | None) -> None:
    if max_lines is not None and lines > max_lines:
        limit = _thousands(max_lines - 1)
        raise CsvReadError(line=0, message=f"fichier trop long ({limit} lignes au plus sous l'en-tête)")


def csv_text_check(text: str, *, max_bytes: int | None = None, max_lines: int | None = None) -> None:
    """The limits of ``csv_text_read`` on a text already decoded (a character is at least one byte).

    ``max_lines`` counts every line, the header included."""
    _size_check(len(text), max_bytes)
    _lines_check(text.count("\n") + (0 if text.endswith("\n") or not text else 1), max_lines)


def csv_text_read(path: Path, *, max_bytes: int | None = None, max_lines: int | None = None) -> str:
    """Read a UTF-8 CSV file (BOM tolerated) after checking its size and its number of lines.

    The size comes from the file system and the lines are counted on the raw bytes, one
    megabyte at a time, stopping at the limit: a file over its limits is refused before it is
    decoded or parsed, in constant memory. A line is a physical line (a quoted value spanning
    two lines counts twice), the header included. Undecodable bytes give a French message
    naming the line, never the codec's own English one."""
    if not path.exists():
        raise CsvReadError(line=0, message="fichier introuvable")
    _size_check(path.stat().st_size, max_bytes)
    with path.open("rb") as stream:
        lines, last = 0, b"\n"
        while block := stream.read(1024 * 1024):
            lines += block.count(b"\n")
            last = block[-1:]
            _lines_check(lines, max_lines)
        _lines_check(lines + (last != b"\n"), max_lines)
        stream.seek(0)
        # No more than the limit allows, in case the file grew since stat().
        raw = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    _size_check(len(raw), max_bytes)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CsvReadError(
            line=line, message="encodage invalide (UTF-8 attendu : enregistrez le fichier en « CSV UTF-8 »)"
        ) from None


class ReferenceImportError(Exception):
    """A malformed reference file. Nothing of the import is written when it is raised."""

    def __init__(self, *, file: str, line: int, column: str | None, message: str) -> None:
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        where = f"fichier « {file} », ligne {line}"
        if column is not None:
            where += f", colonne « {column} »"
        super().__init__(f"{where} : {message}")


def pattern(regex: str, what: str) -> Validator:
    compiled = re.compile(regex)

    def check(value: str) -> str | None:
        if compiled.fullmatch(value):
            return None
        return f"{what} invalide : « {value} »" if value else f"{what} manquant"

    return check


def required(what: str) -> Validator:
    def check(value: str) -> str | None:
        return None if value.strip() else f"{what} manquant"

    return check


def integer(what: str, *, optional: bool = False) -> Validator:
    def check(value: str) -> str | None:
        if optional and value == "":
            return None
        if value.isdigit():
            return None
        return f"{what} : nombre entier attendu, « {value} » reçu"

    return check


def one_of(choices: set[str], what: str) -> Validator:
    def check(value: str) -> str | None:
        if value in choices:
            return None
        return f"{what} : « {value} » n'est pas une valeur admise ({', '.join(sorted(choices))})"

    return check


def semicolon_list(item: Validator, *, optional: bool = False) -> Validator:
    def check(value: str) -> str | None:
        if value == "":
            return None if optional else "liste vide"
        for part in value.split(";"):
            error = item(part)
            if error:
                return error
        return None

    return check


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.values[key]


class CsvFile:
    """Reads a whole file, checking its header and every field before anything is written."""

    def __init__(self, path: Path, schema: dict[str, Validator]) -> None:
        self.path = path
        self.name = path.name
        self.schema = schema

    def error(self, row: Row | int, column: str | None, message: str) -> ReferenceImportError:
        line = row.line if isinstance(row, Row) else row
        return ReferenceImportError(file=self.name, line=line, column=column, message=message)

    def read(self) -> list[Row]:
        try:
            text = csv_text_read(self.path)
        except CsvReadError as exc:
            raise ReferenceImportError(file=self.name, line=exc.line, column=None, message=exc.message) from None
        return list(self._rows(text))

    def _rows(self, text: str) -> Iterator[Row]:
        reader = csv.reader(text.splitlines(keepends=True), strict=True)
        try:
            header = next(reader)
        except StopIteration:
            raise self.error(1, None, "fichier vide") from None
        missing = [name for name in self.schema if name not in header]
        if missing:
            raise self.error(1, missing[0], "colonne absente de l'en-tête")
        width = len(header)
        start = 1
        try:
            for fields in reader:
                line = start + 1
                start = reader.line_num
                if not fields:
                    continue
                if len(fields) != width:
                    column = header[min(len(fields), width - 1)]
                    raise self.error(
                        line, column, f"{len(fields)} champs au lieu de {width} (séparateur ou guillemet en trop ?)"
                    )
                values = dict(zip(header, fields, strict=True))
                for column, validate in self.schema.items():
                    message = validate(values[column])
                    if message:
                        raise self.error(line, column, message)
                yield Row(line=line, values=values)
        except csv.Error as exc:
            raise self.error(reader.line_num, None, f"CSV mal formé ({exc})") from exc
