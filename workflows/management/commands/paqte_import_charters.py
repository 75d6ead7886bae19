from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tqdm import tqdm

from workflows.paqte.charter_import import (
    COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    CharterImportError,
    charters_file_read,
    charters_read,
    charters_write,
)


class Command(BaseCommand):
    help = (
        "Importe les conventions départementales de la Charte entreprises et quartiers (CSV UTF-8, séparateur « ; », "
        f"colonnes : {', '.join(COLUMNS)} ; {MAX_FILE_BYTES // 1024 // 1024} Mo et {MAX_ROWS} lignes au plus). "
        "Idempotent ; une seule ligne fausse et rien n'est écrit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Fichier CSV (UTF-8).")
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        show = not options["no_progress"] and sys.stderr.isatty()
        try:
            # Size, line count and encoding are checked before any line is parsed.
            rows = charters_read(charters_file_read(path))
        except CharterImportError as exc:
            if exc.whole_file:
                raise CommandError(f"Import annulé, rien n'a été écrit : « {path} » : {exc.errors[0]}.") from None
            raise CommandError(
                f"Import annulé, rien n'a été écrit ({len(exc.errors)} ligne(s) en erreur) :\n" + "\n".join(exc.errors)
            ) from None
        with tqdm(total=len(rows), desc="Conventions", unit=" ligne(s)", disable=not show, leave=False) as bar:
            report = charters_write(rows=rows, progress=bar.update)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.lines} convention(s) lue(s) : {report.created} créée(s), {report.updated} mise(s) à jour, "
                f"{report.unchanged} inchangée(s) ; {report.companies_created} entreprise(s) créée(s)."
            )
        )
