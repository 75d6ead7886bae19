"""Sending the outbox rows (or one user's digest) exactly once, as far as SMTP allows.

A queued Celery message carries a chunk of ids (``reminders.CHUNK``, 50). Protocol:

1. **Claim the chunk** (one statement, own transaction): ``UPDATE … SET status='sending',
   claim_token=T, claimed_until=now+lease, attempts=attempts+1 WHERE id IN (SELECT … WHERE
   id = ANY(chunk) AND status='ready' FOR UPDATE SKIP LOCKED) RETURNING id``; rows whose
   deadline was met meanwhile are cancelled by the same statement. A duplicated or
   redelivered Celery message, or a row another worker is claiming right now, is skipped
   here. The claimed rows, their deadlines, rules and recipients are then read in one query.
2. For each claimed row in turn, over **one SMTP connection per chunk**: MAIL, RCPT, DATA and
   the whole message *except* the final ``<CRLF>.<CRLF>``. Until that dot arrives the server
   has accepted nothing: if the worker dies here, the connection drops and the server
   discards the message (RFC 5321, 4.1.1.4); the row stays ``sending``, is reconciled after
   its lease by the sweep and sent again.
3. **Commit point, per row**: one round trip ``BEGIN; UPDATE … SET status='sent' WHERE id=…
   AND claim_token=T AND status='sending'`` (zero rows: our lease expired and the row was
   reclaimed: we hang up without the dot, nothing is delivered). Then ``COMMIT`` is written to
   the PostgreSQL socket without waiting (libpq ``send_query``) and the dot is written to the
   SMTP socket immediately after. Both are plain socket writes the kernel delivers even if
   the process is killed right after; the results are read afterwards.

Rows are deliberately **not** marked sent once per chunk: that would widen the window below
from two ``write`` calls to the whole chunk (an email accepted by the server but whose row is
not yet ``sent`` when the worker dies is sent again). The per-row commit point costs two
PostgreSQL round trips per email; everything else (claim, reads, SMTP session) is per chunk.

What remains: a ``kill -9`` landing in the few microseconds between the two ``write`` calls
of step 3 marks the row sent without the dot (one lost reminder); a PostgreSQL crash during
the COMMIT leaves the row ``sending`` while the mail left (a duplicate, with the same
deterministic ``Message-ID``, which most mail stores de-duplicate). That window is the
honest limit of two systems without a shared transaction. Then, if the server refuses the
message after the dot (5xx), the row is set back to ``ready`` (4xx) or ``failed``.

Rows of a chunk not yet attempted when the task stops on an exception (soft time limit, SMTP
server unreachable) go back to ``ready`` at once; the row being sent at that moment waits for
its lease (its state is unknown until then).

Non-SMTP backends (console in the embedded mode, locmem in unit tests) use Django's
``send_messages`` between claim and commit: at least once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import select
import smtplib
import socket
import uuid
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from psycopg import pq

from accounts.models import User
from notifications.calendar import send_date
from notifications.campaign import campaign_today
from notifications.models import Deadline, NotificationPreference, Reminder, ReminderRule, party_table

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


def message_domain() -> str:
    return re.sub(r"^https?://", "", settings.SITE_URL).split("/")[0].split(":")[0] or "quartiers.local"


@dataclass
class Outcome:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


# --- rendering ---------------------------------------------------------------------------------


def _notice_context(reminder: Reminder) -> dict[str, object]:
    """A case event's email (``notifications.notices``): what happened, where, the link."""
    notice = reminder.notice
    assert notice is not None
    return {
        "reminder": reminder,
        "notice": notice,
        "department": notice.department,
        "recipient": reminder.recipient,
        "link": f"{settings.SITE_URL}{notice.link_path}",
        "preferences_link": f"{settings.SITE_URL}/mes-notifications/",
    }


def _reminder_context(reminder: Reminder) -> dict[str, object]:
    """Counted from the sweep's day, so that a replayed campaign reads as it did that day."""
    if reminder.notice_id is not None:
        return _notice_context(reminder)
    deadline, rule = reminder.deadline, reminder.rule
    assert deadline is not None and rule is not None
    delta = (deadline.due_on - reminder.campaign_day).days
    return {
        "reminder": reminder,
        "deadline": deadline,
        "rule": rule,
        "department": deadline.department,
        "recipient": reminder.recipient,
        "is_escalation": rule.kind == ReminderRule.Kind.AFTER,
        "days_left": delta,
        "days_late": -delta,
        "link": f"{settings.SITE_URL}{deadline.link_path}",
        "preferences_link": f"{settings.SITE_URL}/mes-notifications/",
        "send_on": send_date(due_on=deadline.due_on, kind=rule.kind, days=rule.days),
    }


def _party_context(reminder: Reminder) -> dict[str, object]:
    """A party's reminder: the case (the deadline's title names it), the campaign's date, and whom
    to contact at the prefecture (the agent who added the party or asked for its signature)."""
    party, deadline = reminder.party, reminder.deadline
    assert party is not None and deadline is not None
    return {
        "reminder": reminder,
        "party": party,
        "deadline": deadline,
        "department": deadline.department,
        "contact": party.prefecture_contact,
        "days_left": (deadline.due_on - reminder.campaign_day).days,
    }


def reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    if reminder.party is not None:
        assert reminder.deadline is not None
        return _email(
            subject=f"[Quartiers] Signature attendue avant le {reminder.deadline.due_on:%d/%m/%Y} : "
            f"{reminder.deadline.title}",
            to=reminder.party.contact_email,
            template="notifications/email/party_reminder",
            context=_party_context(reminder),
            message_id=f"<relance-{reminder.pk}@{message_domain()}>",
        )
    assert reminder.recipient is not None
    context = _reminder_context(reminder)
    if reminder.notice is not None:
        return _email(
            subject=f"[Quartiers] {reminder.notice.title}",
            to=reminder.recipient.email,
            template="notifications/email/notice",
            context=context,
            message_id=f"<avis-{reminder.notice.pk}@{message_domain()}>",
        )
    assert reminder.deadline is not None
    prefix = "Escalade" if context["is_escalation"] else "Relance"
    subject = f"[Quartiers] {prefix} : {reminder.deadline.title} – échéance du {reminder.deadline.due_on:%d/%m/%Y}"
    return _email(
        subject=subject,
        to=reminder.recipient.email,
        template="notifications/email/reminder",
        context=context,
        message_id=f"<relance-{reminder.pk}@{message_domain()}>",
    )


def digest_email(user: User, reminders: list[Reminder], token: uuid.UUID) -> EmailMultiAlternatives:
    today = campaign_today()
    items = [_reminder_context(reminder) for reminder in reminders]
    return _email(
        subject=f"[Quartiers] Récapitulatif du {today:%d/%m/%Y} : {len(items)} relance(s)",
        to=user.email,
        template="notifications/email/digest",
        context={"recipient": user, "items": items, "preferences_link": f"{settings.SITE_URL}/mes-notifications/"},
        message_id=f"<recapitulatif-{token}@{message_domain()}>",
    )


def subject_fold(subject: str) -> str:
    """One line: runs of whitespace, line breaks included, become one space.

    Every email of the product is built by ``_email`` below, so every subject passes here. A
    title or a commitment text typed over several lines would otherwise reach the Subject
    header, which Django refuses to send (``BadHeaderError``: header injection guard)."""
    return " ".join(subject.split())


def _email(
    *, subject: str, to: str, template: str, context: dict[str, object], message_id: str
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=subject_fold(subject),
        body=render_to_string(f"{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    return message


# --- claim and finish ----------------------------------------------------------------------------


def _no_flush_wait() -> None:
    """Commits of this transaction do not wait for the WAL flush (PostgreSQL only).

    Safe for a claim: if PostgreSQL crashed and lost it, its connection is gone too, so the
    worker cannot reach the commit point and sends no dot; the row is simply ``ready`` again.
    Safe for the commit point: the dot is written right after COMMIT without waiting for its
    result anyway (see the module docstring). Two fsyncs less per email.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# Why a ready row is no longer worth sending, checked when it is claimed (``cancel_reason``).
MET = "Échéance respectée"
PARTY_SIGNED = "Le signataire a signé entre-temps"
PARTY_REFUSED = "Le signataire a refusé de signer entre-temps"
PARTY_NO_ADDRESS = "Le signataire n'a plus d'adresse électronique"

_CLAIM = """
WITH picked AS (
    SELECT r.id, CASE
        WHEN d.met_at IS NOT NULL THEN %s
        WHEN p.state = 'signed' THEN %s
        WHEN p.state = 'refused' THEN %s
        WHEN p.id IS NOT NULL AND p.contact_email = '' THEN %s
    END AS reason
    FROM {reminders} r LEFT JOIN {deadlines} d ON d.id = r.deadline_id
    LEFT JOIN {parties} p ON p.id = r.party_id
    WHERE r.id = ANY(%s) AND r.status = 'ready'
    ORDER BY r.id
    FOR UPDATE OF r SKIP LOCKED
)
UPDATE {reminders} r SET
    status = CASE WHEN picked.reason IS NOT NULL THEN 'cancelled' ELSE 'sending' END,
    cancel_reason = COALESCE(picked.reason, ''),
    claim_token = CASE WHEN picked.reason IS NOT NULL THEN NULL ELSE %s::uuid END,
    claimed_until = CASE WHEN picked.reason IS NOT NULL THEN NULL ELSE %s END,
    attempts = CASE WHEN picked.reason IS NOT NULL THEN r.attempts ELSE r.attempts + 1 END
FROM picked WHERE r.id = picked.id
RETURNING r.id, picked.reason IS NULL
"""


def _claim(*, reminder_ids: list[int], token: uuid.UUID, now: dt.datetime) -> list[int]:
    """Conditional claim of a chunk; cancels, with their reason, rows whose deadline has been met
    and a party's rows once it has signed or refused (or lost its address). Returns the claimed
    ids, sorted. Rows another transaction is claiming are skipped, not waited for."""
    claimed_until = now + dt.timedelta(seconds=settings.NOTIFICATIONS_SENDING_LEASE)
    with transaction.atomic():
        _no_flush_wait()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    _CLAIM.format(
                        reminders=Reminder._meta.db_table, deadlines=Deadline._meta.db_table, parties=party_table()
                    ),
                    [MET, PARTY_SIGNED, PARTY_REFUSED, PARTY_NO_ADDRESS, list(reminder_ids), str(token), claimed_until],
                )
                return sorted(pk for pk, claimed in cursor.fetchall() if claimed)
        # Embedded mode (SQLite): one writer at a time, conditional UPDATEs suffice.
        ready = Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.READY)
        for condition, reason in (
            (Q(deadline__met_at__isnull=False), MET),
            (Q(party__state="signed"), PARTY_SIGNED),
            (Q(party__state="refused"), PARTY_REFUSED),
            (Q(party__isnull=False, party__contact_email=""), PARTY_NO_ADDRESS),
        ):
            ready.filter(condition).update(status=Reminder.Status.CANCELLED, cancel_reason=reason)
        Reminder.objects.filter(pk__in=reminder_ids, status=Reminder.Status.READY).update(
            status=Reminder.Status.SENDING, claim_token=token, claimed_until=claimed_until, attempts=F("attempts") + 1
        )
        return sorted(Reminder.objects.filter(claim_token=token).values_list("pk", flat=True))


def _release(*, token: uuid.UUID, ids: list[int], error: str, permanent: bool) -> None:
    """Back to ``ready`` for the next sweep (bounded by NOTIFICATIONS_MAX_ATTEMPTS), or failed."""
    rows = Reminder.objects.filter(pk__in=ids, claim_token=token, status=Reminder.Status.SENDING)
    rows.filter(attempts__gte=settings.NOTIFICATIONS_MAX_ATTEMPTS).update(
        status=Reminder.Status.FAILED, last_error=error[:2000]
    )
    rows.update(
        status=Reminder.Status.FAILED if permanent else Reminder.Status.READY,
        claim_token=None,
        claimed_until=None,
        enqueued_at=None if permanent else timezone.now(),
        last_error=error[:2000],
    )


def _unclaim(*, token: uuid.UUID, ids: list[int]) -> None:
    """Rows claimed but never attempted (nothing was sent for them): ``ready`` again, with their
    attempt given back, queued again by the next sweep."""
    if ids:
        Reminder.objects.filter(pk__in=ids, claim_token=token, status=Reminder.Status.SENDING).update(
            status=Reminder.Status.READY,
            claim_token=None,
            claimed_until=None,
            enqueued_at=None,
            attempts=F("attempts") - 1,
        )


def _pg_results(pgconn: Any) -> list[Any]:
    """Every result of the query sent on ``pgconn``. Waits in ``select`` (which releases the GIL,
    so the other threads of a worker keep sending) rather than in a blocking PQgetResult."""
    results: list[Any] = []
    while True:
        pgconn.consume_input()
        while pgconn.is_busy():
            select.select([pgconn.socket], [], [])
            pgconn.consume_input()
        result = pgconn.get_result()
        if result is None:
            return results
        results.append(result)


def _mark_sent_sql(*, ids: list[int], token: uuid.UUID) -> bytes:
    # Integers and a UUID only, formatted from typed values: nothing to escape. One simple
    # query, so BEGIN and the UPDATE cost one round trip.
    id_list = ", ".join(str(int(pk)) for pk in ids)
    table, token_literal = Reminder._meta.db_table, uuid.UUID(str(token))
    update = (
        f"UPDATE {table} SET status = 'sent', sent_at = now(), claimed_until = NULL, last_error = '' "  # noqa: S608
        f"WHERE id IN ({id_list}) AND claim_token = '{token_literal}' AND status = 'sending'"
    )
    return f"BEGIN; SET LOCAL synchronous_commit TO OFF; {update}".encode()  # see _no_flush_wait


def _deliver_smtp(*, smtp: smtplib.SMTP, message: EmailMultiAlternatives, token: uuid.UUID, ids: list[int]) -> None:
    """Steps 2 and 3 of the module docstring. Raises smtplib errors; returns when committed."""
    payload = message.message().as_bytes(linesep="\r\n")
    payload = re.sub(rb"(?m)^\.", b"..", payload)  # dot-stuffing (RFC 5321, 4.5.2)
    if not payload.endswith(b"\r\n"):
        payload += b"\r\n"
    sender_address = parseaddr(message.from_email)[1]
    smtp.ehlo_or_helo_if_needed()
    code, reply = smtp.mail(sender_address)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender_address)
    for recipient in message.recipients():
        code, reply = smtp.rcpt(recipient)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(payload)  # everything but the final dot: nothing is accepted yet

    assert not connection.in_atomic_block, "the commit point drives its own transaction"
    connection.ensure_connection()
    pgconn = connection.connection.pgconn
    pgconn.send_query(_mark_sent_sql(ids=ids, token=token))
    results = _pg_results(pgconn)
    ok = len(results) == 3 and all(r.status == pq.ExecStatus.COMMAND_OK for r in results)
    if not ok or int(results[-1].command_tuples or 0) != len(ids):
        pgconn.send_query(b"ROLLBACK")
        _pg_results(pgconn)
        if not ok:  # pragma: no cover - the UPDATE failed: no dot, the lease will expire
            raise smtplib.SMTPException(f"commit point failed: {results[-1].error_message!r}")
        # Lease lost: the row belongs to another worker now. The caller drops the
        # connection without the dot, so the server delivers nothing.
        raise LeaseLost(token)
    pgconn.send_query(b"COMMIT")
    pgconn.flush()
    smtp.send(b".\r\n")  # right after COMMIT: the two commit points, back to back
    committed = all(result.status == pq.ExecStatus.COMMAND_OK for result in _pg_results(pgconn))
    code, reply = smtp.getreply()
    if not committed:  # pragma: no cover - PostgreSQL refused the COMMIT; the lease will expire
        logger.error("reminder_commit_failed token=%s", token)
    if code != 250:
        # The server refused after all: undo "sent" so the row is retried or marked failed.
        Reminder.objects.filter(pk__in=ids, claim_token=token, status=Reminder.Status.SENT).update(
            status=Reminder.Status.SENDING
        )
        raise smtplib.SMTPDataError(code, reply)


class LeaseLost(Exception):
    pass


class SMTPUnavailable(Exception):
    """The SMTP server could not be reached: the rest of the chunk goes back to ``ready``."""


def _deliver_backend(*, message: EmailMultiAlternatives, token: uuid.UUID, ids: list[int]) -> None:
    """Console / locmem backends: send, then mark sent (at least once)."""
    message.send()
    Reminder.objects.filter(pk__in=ids, claim_token=token, status=Reminder.Status.SENDING).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )


def _uses_smtp() -> bool:
    return settings.EMAIL_BACKEND == SMTP_BACKEND and connection.vendor == "postgresql"


def _open_smtp() -> smtplib.SMTP:
    klass = smtplib.SMTP_SSL if settings.EMAIL_USE_SSL else smtplib.SMTP
    smtp = klass(settings.EMAIL_HOST, int(settings.EMAIL_PORT), timeout=settings.EMAIL_TIMEOUT)
    # Without TCP_NODELAY the small writes that follow the body (the final dot, the next MAIL)
    # wait for the server's delayed ACK (Nagle): up to 40 ms per email on Linux.
    if smtp.sock is not None:
        with contextlib.suppress(OSError):
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if settings.EMAIL_USE_TLS:
        smtp.starttls()
    if settings.EMAIL_HOST_USER:
        smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
    return smtp


class _Sender:
    """One SMTP session reused for a chunk of rows."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def deliver(self, message: EmailMultiAlternatives, token: uuid.UUID, ids: list[int]) -> None:
        if not _uses_smtp():
            _deliver_backend(message=message, token=token, ids=ids)
            return
        if self.smtp is None:
            try:
                self.smtp = _open_smtp()
            except (smtplib.SMTPException, OSError) as exc:
                raise SMTPUnavailable(repr(exc)) from exc
        try:
            _deliver_smtp(smtp=self.smtp, message=message, token=token, ids=ids)
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code in (421, 451) or isinstance(exc, smtplib.SMTPServerDisconnected):
                self.abort()
            raise
        except BaseException:
            # Possibly in the middle of DATA: hang up without the final dot (and without QUIT,
            # which the server would read as body text); the server discards the message.
            self.abort()
            raise

    def abort(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.smtp.quit()
            self.smtp = None


def _send_one(sender: _Sender, message: EmailMultiAlternatives, token: uuid.UUID, ids: list[int]) -> bool:
    try:
        sender.deliver(message, token, ids)
    except LeaseLost:
        logger.warning("reminder_lease_lost token=%s", token)
        return False
    except smtplib.SMTPResponseException as exc:
        permanent = 500 <= exc.smtp_code < 600
        _release(token=token, ids=ids, error=f"{exc.smtp_code} {exc.smtp_error!r}", permanent=permanent)
        logger.warning("reminder_send_refused code=%s token=%s", exc.smtp_code, token)
        return False
    except (smtplib.SMTPException, OSError) as exc:
        _release(token=token, ids=ids, error=repr(exc), permanent=False)
        logger.warning("reminder_send_error error=%r token=%s", exc, token)
        return False
    return True


def reminders_send(*, reminder_ids: list[int]) -> Outcome:
    """Send the given outbox rows, one email each (immediate preference): one claim, one read
    and one SMTP session for the whole chunk, one commit point per email."""
    outcome = Outcome()
    token = uuid.uuid4()
    claimed = _claim(reminder_ids=sorted(set(reminder_ids)), token=token, now=timezone.now())
    outcome.skipped = len(set(reminder_ids)) - len(claimed)
    if not claimed:
        return outcome
    reminders = list(
        Reminder.objects.select_related(
            "deadline__department", "rule", "recipient", "notice__department", "party__prefecture_contact"
        )
        .filter(pk__in=claimed, claim_token=token)
        .order_by("pk")
    )
    untried = [reminder.pk for reminder in reminders]
    sender = _Sender()
    try:
        for reminder in reminders:
            untried.remove(reminder.pk)
            try:
                ok = _send_one(sender, reminder_email(reminder), token, [reminder.pk])
            except SMTPUnavailable as exc:
                _release(token=token, ids=[reminder.pk], error=str(exc), permanent=False)
                logger.warning("reminder_smtp_unavailable error=%s token=%s", exc, token)
                outcome.failed += 1 + len(untried)
                break
            if ok:
                outcome.sent += 1
                logger.info("reminder_sent reminder=%s", reminder.pk)
            else:
                outcome.failed += 1
    finally:
        # Not attempted (exception, soft time limit, unreachable server): nothing left for
        # them, so they need not wait for their lease.
        _unclaim(token=token, ids=untried)
        sender.close()
    return outcome


def digest_send(*, user_id: int) -> Outcome:
    """One email with every ready row of a digest user (claimed together under one token)."""
    token = uuid.uuid4()
    ids = list(Reminder.objects.filter(recipient_id=user_id, status=Reminder.Status.READY).values_list("pk", flat=True))
    claimed = _claim(reminder_ids=ids, token=token, now=timezone.now()) if ids else []
    if not claimed:
        return Outcome(skipped=len(ids))
    reminders = list(
        Reminder.objects.select_related("deadline__department", "rule", "recipient", "notice__department")
        .filter(claim_token=token)
        .order_by("deadline__due_on", "pk")
    )
    user = reminders[0].recipient
    assert user is not None  # a digest is a user's (a party's rows are never digested)
    sender = _Sender()
    try:
        ok = _send_one(sender, digest_email(user, reminders, token), token, [r.pk for r in reminders])
    except SMTPUnavailable as exc:
        _release(token=token, ids=[r.pk for r in reminders], error=str(exc), permanent=False)
        ok = False
    finally:
        sender.close()
    logger.info("reminder_digest_%s user=%s", "sent" if ok else "failed", user_id)
    return Outcome(sent=len(reminders)) if ok else Outcome(failed=len(reminders))


def reminders_dispatch(*, reminder_ids: list[int]) -> Outcome:
    """A queued chunk: immediate rows one email each, digest users one email each."""
    digest_rows = Q(frequency=NotificationPreference.Frequency.DIGEST) | Q(
        frequency="", recipient__notification_preference__frequency=NotificationPreference.Frequency.DIGEST
    )
    digest_users = set(
        Reminder.objects.filter(digest_rows, pk__in=reminder_ids, status=Reminder.Status.READY).values_list(
            "recipient_id", flat=True
        )
    )
    immediate = list(
        Reminder.objects.filter(pk__in=reminder_ids).exclude(recipient_id__in=digest_users).values_list("pk", flat=True)
    )
    outcome = reminders_send(reminder_ids=sorted(immediate)) if immediate else Outcome()
    for user_id in sorted(digest_users):
        digest = digest_send(user_id=user_id)
        outcome.sent += digest.sent
        outcome.skipped += digest.skipped
        outcome.failed += digest.failed
    return outcome
