"""Measure the early warning (``workflows.cases.risk``) on a replayed campaign.

    python manage.py demo_campaign            # the living 2019 campaign (or a replayed copy)
    python manage.py early_warning_measure --as-of AAAA-MM-JJ   # a day of the campaign

Estimates each renovation's risk as it would have been estimated on ``--as-of`` (default: sixty
days before the campaign's signature date), reading only the histories up to that day, then
compares with what happened: a renovation « ended up late » when it was signed after the
signature date, or is still not signed on the campaign's today (after that date). Prints each
open renovation, then the precision (flags that were right) and the recall (late renovations
that were flagged). Renovations signed by ``--as-of`` are out of the measure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.campaign import campaign_calendar
from workflows.cases.risk import MODEL_TEXT, risks
from workflows.models import Renewal, RenewalState


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (format attendu : AAAA-MM-JJ).") from exc


def measure(*, as_of: dt.date) -> dict[str, Any]:
    calendar = campaign_calendar()
    deadline = calendar.renewal_signature
    if calendar.today <= deadline:
        raise CommandError(
            f"La date de la campagne ({calendar.today:%d/%m/%Y}) précède l'échéance de signature : "
            "on ne sait pas encore quels dossiers finiront en retard."
        )
    renewals = list(Renewal.objects.select_related("city_contract"))
    estimated = risks("renewal", renewals, as_of=as_of)
    rows = []
    for renewal in renewals:
        risk = estimated.get(renewal.pk)
        if risk is None:  # signed by then (or without deadline): out of the measure
            continue
        ended_late = not (renewal.state == RenewalState.SIGNED and renewal.signed_on and renewal.signed_on <= deadline)
        rows.append((renewal, risk, ended_late))
    flagged = [row for row in rows if row[1].flagged]
    late = [row for row in rows if row[2]]
    right = [row for row in flagged if row[2]]
    return {
        "as_of": as_of,
        "deadline": deadline,
        "rows": rows,
        "open": len(rows),
        "flagged": len(flagged),
        "late": len(late),
        "true_positives": len(right),
        "false_positives": len(flagged) - len(right),
        "missed": len(late) - len(right),
        "precision": len(right) / len(flagged) if flagged else None,
        "recall": len(right) / len(late) if late else None,
    }


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


class Command(BaseCommand):
    help = "Mesure l'alerte précoce des rénovations : précision et rappel à une date simulée."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of", type=_date, help="Date de l'estimation (défaut : J-60).")

    def handle(self, *args: Any, **options: Any) -> None:
        as_of = options["as_of"] or campaign_calendar().renewal_signature - dt.timedelta(days=60)
        result = measure(as_of=as_of)
        self.stdout.write(MODEL_TEXT)
        self.stdout.write(f"Estimation au {as_of:%d/%m/%Y}, échéance du {result['deadline']:%d/%m/%Y}.")
        self.stdout.write("contrat | étape à la date | niveau | fin estimée (j) | jours restants | finalement")
        for renewal, risk, late in sorted(result["rows"], key=lambda row: row[0].city_contract.code):
            expected = "—" if risk.expected_days is None else f"{risk.expected_days:.0f}"
            outcome = "en retard" if late else "signée à temps"
            self.stdout.write(
                f"{renewal.city_contract.code} | {risk.state} | {risk.label} | {expected} | "
                f"{risk.days_left} | {outcome}"
            )
        self.stdout.write(
            f"Ouverts : {result['open']} ; signalés à risque : {result['flagged']} ; finalement en retard : "
            f"{result['late']} ; bien signalés : {result['true_positives']} ; fausses alertes : "
            f"{result['false_positives']} ; retards manqués : {result['missed']}."
        )
        self.stdout.write(
            self.style.SUCCESS(f"Précision : {_pct(result['precision'])} ; rappel : {_pct(result['recall'])}.")
        )
