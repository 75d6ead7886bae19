"""Launch the renovation of every contrat de ville, idempotent: a second run launches
nothing. ``python manage.py renewal_launch_all --par admin.national@…``"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tqdm import tqdm

from accounts.models import User
from reference.models import CityContract
from workflows.renewal.services import renewal_launch_all


class Command(BaseCommand):
    help = "Lance la rénovation de tous les contrats de ville qui ne l'ont pas encore été."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--par", dest="email", required=True, help="adresse de l'administrateur national")

    def handle(self, *args: Any, email: str, **options: Any) -> None:
        user = User.objects.filter(email__iexact=email).first()
        if user is None or not user.has_perm("workflows.launch_all_renewals"):
            raise CommandError(f"{email} n'est pas un administrateur national.")
        total = CityContract.objects.count()
        with tqdm(total=total, desc="Rénovations", unit="contrat", disable=options["verbosity"] == 0) as bar:
            launched = renewal_launch_all(user=user, progress=bar.update)
        self.stdout.write(f"{launched} rénovation(s) lancée(s) sur {total} contrats de ville.")
