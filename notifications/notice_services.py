"""Creating notices exactly once, with their email in the outbox by each user's preference."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count
from django.dispatch import Signal
from django.utils import timezone

from accounts.covers import covers_redirect
from config.statements import Compiled
from notifications.campaign import campaign_today
from notifications.models import Reminder
from notifications.notices import Event, EventPreference, Frequency, Notice

# Sent with ``recipient_ids`` whenever notices are created or marked read in bulk (no
# ``post_save``: ``bulk_create``, ``update``): the inbox keeps each user's unread count with his
# tabs' counts and moves them (``workflows.inbox.receivers``).
notices_changed = Signal()


def event_frequency(*, user: Any, event: str) -> str:
    found = EventPreference.objects.filter(user=user, event=event).values_list("frequency", flat=True).first()
    return found or Frequency.IMMEDIATE


def event_preferences(*, user: Any) -> dict[str, str]:
    """The user's choice for each event type (immediately by default)."""
    chosen = dict(EventPreference.objects.filter(user=user).values_list("event", "frequency"))
    return {event.value: chosen.get(event.value, Frequency.IMMEDIATE) for event in Event}


def event_preferences_set(*, user: Any, choices: dict[str, str]) -> None:
    """Record the user's choice per event type; the notices to come follow it (those already
    in the outbox keep theirs)."""
    with transaction.atomic():
        for event, frequency in choices.items():
            if event in Event.values and frequency in Frequency.values:
                EventPreference.objects.update_or_create(user=user, event=event, defaults={"frequency": frequency})


def notices_create(
    *,
    recipients: list[Any],
    event: str,
    key: str,
    title: str,
    body: str = "",
    link_path: str = "",
    department: Any = None,
    case: Any = None,
) -> list[Notice]:
    """One notice per recipient for the event ``key`` (and one outbox row unless the user chose
    "never" for this event type). A key already noticed to a recipient creates nothing.

    A recipient absent today whose absence a colleague covers (``accounts.covers``, campaign
    clock) is replaced by that colleague: the notice, and its email by the colleague's own
    preference, are the colleague's, saying for whom."""
    event_type = event if event in Event.values else Event.OTHER
    case_type = ContentType.objects.get_for_model(type(case)) if case is not None else None
    now = timezone.now()
    today = campaign_today()
    unique = list({user.pk: user for user in recipients}.values())
    redirected: dict[int, tuple[Any, Any]] = {}
    for recipient, absent in covers_redirect(users=unique, today=today):
        if recipient.pk not in redirected or redirected[recipient.pk][1] is not None:
            redirected[recipient.pk] = (recipient, absent)  # his own notice wins over a covered one
    if not redirected:
        return []
    # In a few statements whatever the number of recipients (a return to a département of 500
    # agents wrote its notices one by one: ~3,000 statements in the request, benchmarks/RESULTS.md):
    # the keys already noticed, the new notices (a concurrent twin skipped by the unique key),
    # the recipients' preferences for this event type, their outbox rows (one per notice: the
    # notice is unique on the row, so a twin insert writes nothing).
    keys = {pk: f"{key}:{pk}"[:160] for pk in redirected}
    with transaction.atomic():
        noticed = set(Notice.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        fresh = [
            Notice(
                key=keys[pk],
                recipient=recipient,
                event=event_type,
                title=title[:250],
                body=f"En l'absence de {absent}, que vous remplacez. {body}".strip() if absent is not None else body,
                link_path=link_path[:200],
                department=department,
                case_type=case_type,
                case_id=case.pk if case is not None else None,
            )
            for pk, (recipient, absent) in redirected.items()
            if keys[pk] not in noticed
        ]
        if not fresh:
            return []
        Notice.objects.bulk_create(fresh, ignore_conflicts=True)
        created = list(Notice.objects.filter(key__in=[notice.key for notice in fresh]).order_by("pk"))
        chosen = dict(
            EventPreference.objects.filter(
                user_id__in=[notice.recipient_id for notice in created], event=event_type
            ).values_list("user_id", "frequency")
        )
        people = {pk: recipient for pk, (recipient, _absent) in redirected.items()}
        Reminder.objects.bulk_create(
            [
                Reminder(
                    notice=notice,
                    recipient_id=notice.recipient_id,
                    frequency=chosen.get(notice.recipient_id, Frequency.IMMEDIATE),
                    created_at=now,
                    campaign_day=today,
                )
                for notice in created
                if chosen.get(notice.recipient_id, Frequency.IMMEDIATE) != Frequency.NEVER
                and people[notice.recipient_id].email
            ],
            ignore_conflicts=True,
        )
        notices_changed.send(sender=Notice, recipient_ids=sorted({notice.recipient_id for notice in created}))
    return created


# The bell's count, on every page: compiled once (``config.statements``).
_UNREAD = Compiled(
    lambda recipient: (
        Notice.objects.filter(recipient_id=recipient, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(unread=Count("pk"))
        .values_list("unread", flat=True)
    ),
    int,
)


def notices_unread_count(*, user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return int(_UNREAD.first(user.pk) or 0)


def notices_mark_read(*, user: Any, pks: list[int] | None = None) -> int:
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        notices = notices.filter(pk__in=pks)
    marked = notices.update(read_at=timezone.now())
    if marked:
        notices_changed.send(sender=Notice, recipient_ids=[user.pk])
    return marked
