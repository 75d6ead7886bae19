"""The sweep: which reminders are due, written to the outbox set-based, then queued.

``reminders_sweep`` runs under a PostgreSQL advisory lock (a second beat started by mistake
skips), and does, in one transaction:

1. ``deadlines_generate``: département deadlines of the active campaigns (idempotent upsert);
2. one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` per active reminder rule: the join of the
   open deadlines whose date falls in the rule's window (``notifications.calendar.rule_window``,
   working days already accounted for) with the active users of the rule's role who may see
   the deadline's département (guardian grant table, the same grants as
   ``accounts.selectors.department_scope``; national roles see everything). No Python loop
   over deadlines; the unique key (deadline, rule, recipient) makes reruns and concurrent
   sweeps harmless;
   A « per party » rule (``ReminderRule.Kind.PARTY``) joins the open case deadlines in its window
   with the parties of their case (``workflows.cases.parties.Party``, same content type and id)
   that have not signed nor refused and have a contact address: one row per (deadline, rule,
   party), under its own unique key. The party is the recipient; no user, no grant;
3. reconciliation: rows left in ``sending`` past their lease (worker killed) go back to
   ``ready``;
4. queueing, after commit: ``ready`` rows never queued or queued more than
   ``NOTIFICATIONS_REQUEUE_AFTER`` seconds ago are sent to Celery by chunks of ids. So if Redis
   was flushed, a message was lost or a worker died, the next sweeps send them again; the
   conditional claim in ``notifications.sending`` makes duplicate messages harmless.
"""

from __future__ import annotations

import datetime as dt
import logging
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import NATIONAL_ROLES, DepartmentUserObjectPermission, User
from notifications.calendar import rule_window, send_date
from notifications.campaign import campaign_today
from notifications.models import (
    Deadline,
    DeadlineDefinition,
    NotificationPreference,
    Reminder,
    ReminderRule,
    party_model,
    party_table,
)
from notifications.services import deadlines_generate

logger = logging.getLogger(__name__)

# One stable 32-bit key for pg_try_advisory_xact_lock (released with the transaction).
SWEEP_LOCK_KEY = zlib.crc32(b"quartiers.notifications.sweep")
CHUNK = 50


@dataclass(frozen=True)
class SweepResult:
    locked: bool
    deadlines_created: int = 0
    reminders_created: int = 0
    reconciled: int = 0
    queued: int = 0


def _rules_with_windows(today: dt.date) -> Iterable[tuple[ReminderRule, tuple[dt.date | None, bool, dt.date]]]:
    rules = list(ReminderRule.objects.filter(is_active=True, campaign__is_active=True))
    for rule in rules:
        # Before-rules of the same recipients (a role, or the parties) hand over to the closer one.
        closer = [
            other.days
            for other in rules
            if other.kind == rule.kind
            and rule.kind != ReminderRule.Kind.AFTER
            and other.campaign_id == rule.campaign_id
            and other.recipient_role == rule.recipient_role
            and other.days < rule.days
        ]
        yield (
            rule,
            rule_window(
                kind=rule.kind,
                days=rule.days,
                closer_days=max(closer, default=None),
                today=today,
                catch_up_days=settings.NOTIFICATIONS_CATCH_UP_DAYS,
            ),
        )


def _deadlines_where(rule: ReminderRule, window: tuple[dt.date | None, bool, dt.date]) -> tuple[list[str], list[Any]]:
    """The conditions on the deadlines ``d`` (and their definitions ``def``) a rule reminds of in
    ``window``: open, of the rule's campaign, due in the window, of its definition and département."""
    low, low_inclusive, high = window
    where = ["d.met_at IS NULL", "def.campaign_id = %s", "d.due_on <= %s"]
    params: list[Any] = [rule.campaign_id, high]
    if low is not None:
        where.append("d.due_on >= %s" if low_inclusive else "d.due_on > %s")
        params.append(low)
    if rule.definition_id:
        where.append("d.definition_id = %s")
        params.append(rule.definition_id)
    if rule.department_id:
        where.append("d.department_id = %s")
        params.append(rule.department_id)
    return where, params


def _due_select(rule: ReminderRule, window: tuple[dt.date | None, bool, dt.date]) -> tuple[str, list[Any]]:
    """SELECT deadline_id, recipient_id of the reminders of ``rule`` due in ``window``."""
    deadline, definition = Deadline._meta.db_table, DeadlineDefinition._meta.db_table
    user, grant = User._meta.db_table, DepartmentUserObjectPermission._meta.db_table
    where, window_params = _deadlines_where(rule, window)
    params: list[Any] = [True, rule.recipient_role, *window_params]
    if rule.recipient_role not in NATIONAL_ROLES:
        # Prefecture roles: only the départements they are granted (department_scope's grants).
        view_department = Permission.objects.get(content_type__app_label="reference", codename="view_department")
        where.append(
            f"EXISTS (SELECT 1 FROM {grant} g WHERE g.user_id = u.id "  # noqa: S608 - metadata names only
            "AND g.content_object_id = d.department_id AND g.permission_id = %s)"
        )
        params.append(view_department.pk)
    sql = (
        f"SELECT d.id AS deadline_id, u.id AS recipient_id FROM {deadline} d "  # noqa: S608 - metadata names only
        f"JOIN {definition} def ON def.id = d.definition_id "
        f"JOIN {user} u ON u.is_active = %s AND u.role = %s "
        f"WHERE {' AND '.join(where)}"
    )
    return sql, params


UNSIGNED = ("to_request", "requested")  # ``Party.State``: neither signed nor refused


def _due_parties_select(rule: ReminderRule, window: tuple[dt.date | None, bool, dt.date]) -> tuple[str, list[Any]]:
    """SELECT deadline_id, party_id of the per-party reminders of ``rule`` due in ``window``:
    the open case deadlines of the window, each with the parties of its case still to sign."""
    deadline, definition = Deadline._meta.db_table, DeadlineDefinition._meta.db_table
    where, params = _deadlines_where(rule, window)
    where += ["p.state IN (%s, %s)", "p.contact_email <> ''"]
    params += [*UNSIGNED]
    sql = (
        f"SELECT d.id AS deadline_id, p.id AS party_id FROM {deadline} d "  # noqa: S608 - metadata names only
        f"JOIN {definition} def ON def.id = d.definition_id "
        f"JOIN {party_table()} p ON p.case_type_id = d.case_type_id AND p.case_id = d.case_id "
        f"WHERE {' AND '.join(where)}"
    )
    return sql, params


def _insert_due_parties(
    rule: ReminderRule, window: tuple[dt.date | None, bool, dt.date], now: dt.datetime, today: dt.date
) -> tuple[int, list[int]]:
    """Write the due rows of a per-party rule (sent at once: a party has no digest preference)."""
    select, params = _due_parties_select(rule, window)
    table = Reminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (deadline_id, rule_id, party_id, status, attempts, created_at, campaign_day, "  # noqa: S608
            "last_error, enqueued_at) "
            f"SELECT due.deadline_id, %s, due.party_id, %s, 0, %s, %s, '', %s FROM ({select}) due "
            "WHERE 1 = 1 ON CONFLICT (deadline_id, rule_id, party_id) DO NOTHING RETURNING id",
            [rule.pk, Reminder.Status.READY, now, today, now, *params],
        )
        ids = [row[0] for row in cursor.fetchall()]
        return len(ids), ids


def _insert_due(
    rule: ReminderRule, window: tuple[dt.date | None, bool, dt.date], now: dt.datetime, today: dt.date
) -> tuple[int, list[int]]:
    """Write the due rows of one rule; return how many, and the ids of those to send now. Rows of
    users who chose the immediate email are marked queued in the same INSERT (``enqueued_at``),
    so that the queueing costs no second pass over 100,000 fresh rows; digest rows wait."""
    if rule.kind == ReminderRule.Kind.PARTY:
        return _insert_due_parties(rule, window, now, today)
    select, params = _due_select(rule, window)
    table, preferences = Reminder._meta.db_table, NotificationPreference._meta.db_table
    with connection.cursor() as cursor:
        # "WHERE 1 = 1": SQLite needs a WHERE before an upsert's ON CONFLICT (embedded mode).
        cursor.execute(
            f"INSERT INTO {table} (deadline_id, rule_id, recipient_id, status, attempts, created_at, campaign_day, "  # noqa: S608
            "last_error, enqueued_at) "
            f"SELECT due.deadline_id, %s, due.recipient_id, %s, 0, %s, %s, '', "
            "CASE WHEN COALESCE(p.frequency, 'immediate') = 'immediate' THEN %s END "
            f"FROM ({select}) due LEFT JOIN {preferences} p ON p.user_id = due.recipient_id "
            "WHERE 1 = 1 ON CONFLICT (deadline_id, rule_id, recipient_id) DO NOTHING "
            "RETURNING id, enqueued_at",
            [rule.pk, Reminder.Status.READY, now, today, now, *params],
        )
        rows = cursor.fetchall()
        return len(rows), [row[0] for row in rows if row[1] is not None]


def _try_lock() -> bool:
    if connection.vendor != "postgresql":
        return True  # embedded SQLite: a single worker with beat; the unique key still holds
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SWEEP_LOCK_KEY])
        locked = bool(cursor.fetchone()[0])
        if locked:
            # The sweep is recomputable: if PostgreSQL crashed right after this commit and lost
            # it, the next sweep writes the same rows again (and a queued id that no longer
            # exists is skipped by the claim). So its commit need not wait for the WAL flush.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
        return locked


def reminders_reconcile(*, now: dt.datetime) -> int:
    """Rows stuck in ``sending`` past their lease: the worker died before finishing. Back to
    ``ready`` (and re-queued at once). A worker that is merely slow cannot then send a
    duplicate: its final UPDATE requires its own claim token (see ``notifications.sending``)."""
    return Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_until__lt=now).update(
        status=Reminder.Status.READY, claim_token=None, claimed_until=None, enqueued_at=None
    )


def _queue_ready(*, now: dt.datetime, digest_cutoff: dt.datetime | None) -> list[int]:
    """Mark the ready rows to (re)queue and return their ids, in one UPDATE … RETURNING."""
    table, preferences = Reminder._meta.db_table, NotificationPreference._meta.db_table
    requeue_before = now - dt.timedelta(seconds=settings.NOTIFICATIONS_REQUEUE_AFTER)
    # Digest rows only leave once a day (from NOTIFICATIONS_DIGEST_HOUR), grouped per user.
    digest_clause = "FALSE" if digest_cutoff is None else "r.created_at < %s"
    params: list[Any] = [now, Reminder.Status.READY, requeue_before, NotificationPreference.Frequency.IMMEDIATE]
    if digest_cutoff is not None:
        params.append(digest_cutoff)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET enqueued_at = %s WHERE id IN ("  # noqa: S608 - metadata names only
            f"SELECT r.id FROM {table} r LEFT JOIN {preferences} p ON p.user_id = r.recipient_id "
            "WHERE r.status = %s AND (r.enqueued_at IS NULL OR r.enqueued_at < %s) "
            f"AND (COALESCE(NULLIF(r.frequency, ''), p.frequency, %s) = 'immediate' OR {digest_clause})) RETURNING id",
            params,
        )
        return sorted(row[0] for row in cursor.fetchall())


def _digest_cutoff(now: dt.datetime) -> dt.datetime | None:
    local = timezone.localtime(now)
    cutoff = local.replace(hour=settings.NOTIFICATIONS_DIGEST_HOUR, minute=0, second=0, microsecond=0)
    return cutoff if local >= cutoff else None


def reminders_sweep(
    *, today: dt.date | None = None, now: dt.datetime | None = None, enqueue: Callable[[list[int]], None] | None = None
) -> SweepResult:
    """The beat entry point (real clock). ``today`` is only passed by the campaign clock
    command (demonstration and training). ``enqueue`` receives chunks of ids after commit."""
    now = now or timezone.now()
    today = today or campaign_today()
    with transaction.atomic():
        if not _try_lock():
            logger.info("reminders_sweep_skipped_locked")
            return SweepResult(locked=False)
        created_deadlines = deadlines_generate()
        fresh: list[int] = []
        created = 0
        for rule, window in _rules_with_windows(today):
            count, immediate = _insert_due(rule, window, now, today)
            created += count
            fresh.extend(immediate)
        reconciled = reminders_reconcile(now=now)
        ids = sorted(fresh + _queue_ready(now=now, digest_cutoff=_digest_cutoff(now)))
        if enqueue is not None:
            send = enqueue
            chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
            transaction.on_commit(lambda: [send(chunk) for chunk in chunks])
    logger.info(
        "reminders_sweep_done today=%s created=%s reconciled=%s queued=%s", today, created, reconciled, len(ids)
    )
    return SweepResult(
        locked=True,
        deadlines_created=created_deadlines,
        reminders_created=created,
        reconciled=reconciled,
        queued=len(ids),
    )


@dataclass(frozen=True)
class DueReminder:
    deadline: Deadline
    rule: ReminderRule
    recipient: User | None
    send_on: dt.date
    party: Any = None  # a per-party rule's party (``workflows.cases.parties.Party``)

    @property
    def address(self) -> str:
        return str(self.party.contact_email if self.party is not None else self.recipient.email)  # type: ignore[union-attr]


def reminders_due_preview(*, today: dt.date) -> list[DueReminder]:
    """What a sweep as of ``today`` would add to the outbox (dry run of the campaign clock)."""
    deadlines_generate()
    table = Reminder._meta.db_table
    pairs: list[tuple[int, int, int]] = []
    party_pairs: list[tuple[int, int, int]] = []
    with connection.cursor() as cursor:
        for rule, window in _rules_with_windows(today):
            per_party = rule.kind == ReminderRule.Kind.PARTY
            select, params = (_due_parties_select if per_party else _due_select)(rule, window)
            column = "party_id" if per_party else "recipient_id"
            cursor.execute(
                f"SELECT due.deadline_id, due.{column} FROM ({select}) due "  # noqa: S608
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} r WHERE r.deadline_id = due.deadline_id "
                f"AND r.rule_id = %s AND r.{column} = due.{column})",
                [*params, rule.pk],
            )
            found = party_pairs if per_party else pairs
            found.extend((deadline_id, rule.pk, other_id) for deadline_id, other_id in cursor.fetchall())
    deadlines = Deadline.objects.select_related("department").in_bulk({p[0] for p in pairs + party_pairs})
    rules = ReminderRule.objects.in_bulk({p[1] for p in pairs + party_pairs})
    users = User.objects.in_bulk({p[2] for p in pairs})
    parties = party_model().objects.in_bulk({p[2] for p in party_pairs})

    def due(d: int, r: int, user: User | None, party: Any) -> DueReminder:
        send_on = send_date(due_on=deadlines[d].due_on, kind=rules[r].kind, days=rules[r].days)
        return DueReminder(deadline=deadlines[d], rule=rules[r], recipient=user, send_on=send_on, party=party)

    preview = [due(d, r, users[u], None) for d, r, u in pairs] + [
        due(d, r, None, parties[p]) for d, r, p in party_pairs
    ]
    return sorted(preview, key=lambda p: (p.deadline.due_on, p.deadline.pk, p.rule.pk, p.address))
