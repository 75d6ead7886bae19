"""Strict CSV reading with French errors that name the file, the line and the column."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

Validator = Callable[[str], str | None]
"""Returns a French error message, or None when the value is valid."""


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
        if not self.path.exists():
            raise ReferenceImportError(file=self.name, line=0, column=None, message="fichier introuvable")
        raw = self.path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise ReferenceImportError(
                file=self.name, line=line, column=None, message="encodage invalide (UTF-8 attendu)"
            ) from exc
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
