from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.models import Organisation, Role, User
from accounts.services import organisations_ensure, user_assign

# (email, first name, last name, role, département code or None for the CGET)
DEMO_ACCOUNTS = [
    ("agent.nord@demo.quartiers.gouv.fr", "Amina", "Lefebvre", Role.AGENT, "59"),
    ("referent-paqte.nord@demo.quartiers.gouv.fr", "Julien", "Dubois", Role.PAQTE_REFERENT, "59"),
    ("valideur.nord@demo.quartiers.gouv.fr", "Claire", "Martin", Role.PREFECT_VALIDATOR, "59"),
    ("agent.pas-de-calais@demo.quartiers.gouv.fr", "Karim", "Bernard", Role.AGENT, "62"),
    ("referent-paqte.pas-de-calais@demo.quartiers.gouv.fr", "Nadia", "Roux", Role.PAQTE_REFERENT, "62"),
    ("valideur.pas-de-calais@demo.quartiers.gouv.fr", "Marc", "Fontaine", Role.PREFECT_VALIDATOR, "62"),
    ("referent.cget@demo.quartiers.gouv.fr", "Sophie", "Moreau", Role.CGET_REFERENT, None),
    ("admin.national@demo.quartiers.gouv.fr", "Thomas", "Laurent", Role.NATIONAL_ADMIN, None),
]


class Command(BaseCommand):
    help = (
        "Crée les organisations (une préfecture par département, le CGET) et un compte de "
        "démonstration par rôle, avec de nouveaux mots de passe affichés à chaque exécution."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force", action="store_true", help="Autorise l'exécution hors mode débogage (jamais en production)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("Comptes de démonstration refusés hors mode débogage (utilisez --force en recette).")
        created = organisations_ensure()
        rows = []
        with transaction.atomic():
            for email, first_name, last_name, role, department_code in DEMO_ACCOUNTS:
                if department_code:
                    organisation = Organisation.objects.get(department__code=department_code)
                else:
                    organisation = Organisation.objects.get(kind=Organisation.Kind.CGET)
                user, _ = User.objects.get_or_create(email=email)
                user.first_name, user.last_name = first_name, last_name
                password = secrets.token_urlsafe(12)
                user.set_password(password)
                user_assign(user=user, role=role, organisation=organisation)
                rows.append((role.label, organisation.name, email, password))
        self.stdout.write(f"Organisations créées : {created}")
        self.stdout.write(self.style.SUCCESS("Comptes de démonstration (nouveaux mots de passe à chaque lancement) :"))
        for label, organisation_name, email, password in rows:
            self.stdout.write(f"  {label:<24} {organisation_name:<40} {email:<46} {password}")
