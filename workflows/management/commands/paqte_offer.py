from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from workflows.paqte.deadlines import charter_migration_follow
from workflows.paqte.services import charters_offer_near_end, conventions_offer_renewal


class Command(BaseCommand):
    help = (
        "Propose le PAQTE aux entreprises dont la convention de la Charte arrive à échéance, et le "
        "renouvellement aux conventions PAQTE qui approchent de leur fin. Idempotent (à lancer chaque jour)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        charters = charters_offer_near_end()
        conventions = conventions_offer_renewal()
        charter_migration_follow()  # a département with no charter convention to migrate has met the migration deadline
        self.stdout.write(
            self.style.SUCCESS(
                f"PAQTE proposé à {len(charters)} convention(s) de la Charte ; "
                f"renouvellement proposé à {len(conventions)} convention(s) PAQTE."
            )
        )
