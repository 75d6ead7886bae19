"""The campaign clock: run the reminder sweep as of a given date (demonstration, training).

``python manage.py reminders_sweep`` runs one sweep on the real clock (what beat does).
``--as-of <day>`` replays the campaign as if that day had come; ``--dry-run``
lists what would be sent and changes nothing. Production always uses the real clock: the
beat task takes no date, and ``--as-of`` is refused outside debug mode unless ``--force``
(a training copy of production).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from notifications.campaign import campaign_today
from notifications.reminders import reminders_due_preview, reminders_sweep
from notifications.tasks import reminders_send_task


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (format attendu : AAAA-MM-JJ).") from exc


class Command(BaseCommand):
    help = "Calcule les relances dues (à la date du jour, ou --as-of AAAA-MM-JJ) et les envoie."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=_date, help="Date de la campagne à rejouer (AAAA-MM-JJ).")
        parser.add_argument("--dry-run", action="store_true", help="Liste ce qui serait envoyé, sans rien changer.")
        parser.add_argument("--force", action="store_true", help="Autorise --as-of hors mode débogage (recette).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of: dt.date | None = options["as_of"]
        if as_of and not settings.DEBUG and not options["force"]:
            raise CommandError("--as-of est réservé à la démonstration et à la formation (mode débogage ou --force).")
        if options["dry_run"]:
            with transaction.atomic():
                preview = reminders_due_preview(today=as_of or campaign_today())
                transaction.set_rollback(True)  # even the deadline generation is not kept
            for item in preview:
                department = item.deadline.department.code if item.deadline.department else "national"
                self.stdout.write(
                    f"{item.send_on:%d/%m/%Y}  {item.deadline.due_on:%d/%m/%Y}  {department:<4} "
                    f"{item.rule.name:<38} {item.address}  {item.deadline.title}"
                )
            self.stdout.write(self.style.SUCCESS(f"{len(preview)} relance(s) seraient envoyées (simulation)."))
            return
        result = reminders_sweep(today=as_of, enqueue=lambda ids: reminders_send_task.delay(ids))
        if not result.locked:
            raise CommandError("Un autre balayage est en cours ; réessayez dans un instant.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Relances créées : {result.reminders_created}, remises en file : {result.reconciled}, "
                f"envoyées aux workers : {result.queued}."
            )
        )
