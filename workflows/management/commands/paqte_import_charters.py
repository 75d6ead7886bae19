from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workflows.paqte.charter_import import COLUMNS, CharterImportError, charters_import


class Command(BaseCommand):
    help = (
        "Importe les conventions départementales de la Charte entreprises et quartiers (CSV, séparateur « ; », "
        f"colonnes : {', '.join(COLUMNS)}). Idempotent ; une seule ligne fausse et rien n'est écrit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Fichier CSV (UTF-8).")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            content = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Lecture impossible de « {path} » : {exc}") from exc
        try:
            report = charters_import(content=content)
        except CharterImportError as exc:
            raise CommandError(
                f"Import annulé, rien n'a été écrit ({len(exc.errors)} ligne(s) en erreur) :\n" + "\n".join(exc.errors)
            ) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.lines} convention(s) lue(s) : {report.created} créée(s), {report.updated} mise(s) à jour, "
                f"{report.unchanged} inchangée(s) ; {report.companies_created} entreprise(s) créée(s)."
            )
        )
