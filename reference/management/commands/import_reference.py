from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reference.services.csv_reader import ReferenceImportError
from reference.services.importer import reference_import


class Command(BaseCommand):
    help = (
        "Importe ou met à jour les données de référence (régions, départements, EPCI, QPV, "
        "contrats de ville, 40 mesures). Idempotent ; un fichier mal formé n'écrit rien."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=Path(settings.REFERENCE_DATA_DIR),
            help="Dossier des fichiers CSV (défaut : reference/data).",
        )
        parser.add_argument("--no-progress", action="store_true", help="Sans barre de progression.")

    def handle(self, *args: Any, **options: Any) -> None:
        show = not options["no_progress"] and sys.stderr.isatty()
        try:
            report = reference_import(data_dir=options["data_dir"], progress=show)
        except ReferenceImportError as exc:
            raise CommandError(f"Import annulé, rien n'a été écrit. {exc}") from exc
        for label, count in report.counts.items():
            self.stdout.write(f"  {label} : {count}")
        self.stdout.write(self.style.SUCCESS(f"Données de référence à jour en {report.seconds:.1f} s."))
