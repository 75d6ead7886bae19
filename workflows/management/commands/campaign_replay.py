"""Replay the campaign day by day on its own clock (demonstration, training).

``python manage.py campaign_replay --from <first day> --to <last day>`` moves the campaign's
clock (``Campaign.clock``) to each day in turn and runs that day's jobs as beat would: the
PAQTE offers and the charter migration follow-up, the commitments' follow-ups, then the
reminder sweep with ``today`` set to the day, its emails sent in this process through the real
outbox. Each day prints what was sent (by kind of reminder) and how many deadlines are late.

Running it twice sends nothing twice: every reminder is one outbox row under a unique key
(deadline, rule, recipient), and the offers only take cases still in their first state. The
clock is left on the last day (``--restore`` puts back the date it had). Refused outside debug
mode unless ``--force`` (a training copy of production), like ``reminders_sweep --as-of``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, TextIO, cast

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tqdm import tqdm

from notifications.campaign import campaign_calendar, campaign_clock_set, campaign_scope_close, campaign_scope_open
from notifications.models import Deadline, Reminder
from notifications.reminders import reminders_sweep
from notifications.sending import reminders_dispatch


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Date invalide : « {value} » (format attendu : AAAA-MM-JJ).") from exc


def day_jobs(day: dt.date) -> dict[str, int]:
    """What beat runs each day, as of ``day`` (the clock is already on it)."""
    from workflows.paqte.deadlines import charter_migration_follow
    from workflows.paqte.services import charters_offer_near_end, conventions_offer_renewal
    from workflows.renewal.followup.services import follow_ups_generate_all

    charters = charters_offer_near_end(today=day)
    conventions = conventions_offer_renewal(today=day)
    charter_migration_follow()
    follow_ups_generate_all()
    result = reminders_sweep(today=day)
    if not result.locked:
        raise CommandError("Un autre balayage est en cours ; réessayez dans un instant.")
    # What the workers would send today, sent here: every row still ready (the day's immediate
    # reminders, and the digests as of the end of the day). A sent row is never ready again.
    ready = sorted(Reminder.objects.filter(status=Reminder.Status.READY).values_list("pk", flat=True))
    sent = reminders_dispatch(reminder_ids=ready).sent if ready else 0
    return {"charters": len(charters), "conventions": len(conventions), "sent": sent}


class Command(BaseCommand):
    help = "Rejoue la campagne jour par jour : date de la campagne, offres PAQTE, relances et résumé quotidien."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", type=_date, help="Premier jour (défaut : début de la campagne).")
        parser.add_argument("--to", dest="end", type=_date, help="Dernier jour (défaut : date de la campagne).")
        parser.add_argument("--restore", action="store_true", help="Remet ensuite la date de la campagne d'avant.")
        parser.add_argument(
            "--quiet-days", action="store_true", help="N'imprime que les jours où il se passe quelque chose."
        )
        parser.add_argument("--force", action="store_true", help="Autorise la commande hors mode débogage (recette).")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "campaign_replay est réservé à la démonstration et à la formation (mode débogage ou --force)."
            )
        calendar = campaign_calendar()
        start: dt.date = options["start"] or calendar.starts_on
        end: dt.date = options["end"] or calendar.today
        if end < start:
            raise CommandError("--to précède --from.")
        previous = calendar.clock
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        total: Counter[str] = Counter()
        for day in tqdm(days, desc="Campagne", unit="jour", file=cast(TextIO, self.stderr._out), dynamic_ncols=True):
            campaign_scope_open()
            try:
                campaign_clock_set(day)
                before = set(Reminder.objects.filter(status=Reminder.Status.SENT).values_list("pk", flat=True))
                jobs = day_jobs(day)
                sent = Reminder.objects.filter(status=Reminder.Status.SENT).exclude(pk__in=before)
                kinds = Counter(sent.values_list("rule__kind", flat=True))
                late = Deadline.objects.filter(due_on__lt=day, met_at__isnull=True).count()
            finally:
                campaign_scope_close()
            total.update(kinds)
            total["offers"] += jobs["charters"] + jobs["conventions"]
            if options["quiet_days"] and not (kinds or jobs["charters"] or jobs["conventions"]):
                continue
            tqdm.write(self._summary(day, kinds, jobs, late), file=cast(TextIO, self.stdout._out))
        if options["restore"]:
            campaign_clock_set(previous)
        clock = "remise à sa valeur d'avant" if options["restore"] else f"laissée au {end:%d/%m/%Y}"
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(days)} jour(s) rejoué(s) : {total['before']} relance(s) avant échéance, "
                f"{total['after']} escalade(s), {total['offers']} offre(s) PAQTE ; date de la campagne {clock}."
            )
        )

    @staticmethod
    def _summary(day: dt.date, kinds: Counter[str], jobs: dict[str, int], late: int) -> str:
        offers = jobs["charters"] + jobs["conventions"]
        return (
            f"{day:%d/%m/%Y}  courriels : {kinds['before']} avant échéance, {kinds['after']} escalade(s)"
            f"{f', {offers} offre(s) PAQTE' if offers else ''}  —  échéances en retard : {late}"
        )
