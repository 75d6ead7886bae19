"""Create the follow-ups of the protocols signed before the follow-up existed, or
after a change of the campaign's end: idempotent, one transaction per case.
``python manage.py commitment_follow_ups``"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflows.renewal.followup.services import follow_ups_generate_all


class Command(BaseCommand):
    help = "Crée les suivis des engagements des protocoles signés (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        cases, created = follow_ups_generate_all()
        self.stdout.write(f"{created} suivi(s) créé(s) pour {cases} protocole(s) signé(s).")
