"""Creating notices exactly once, with their email in the outbox by each user's preference."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from notifications.campaign import campaign_today
from notifications.models import Reminder
from notifications.notices import Event, EventPreference, Frequency, Notice


def event_frequency(*, user: Any, event: str) -> str:
    found = EventPreference.objects.filter(user=user, event=event).values_list("frequency", flat=True).first()
    return found or Frequency.IMMEDIATE


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
    "never" for this event type). A key already noticed to a recipient creates nothing."""
    created: list[Notice] = []
    event_type = event if event in Event.values else Event.OTHER
    case_type = ContentType.objects.get_for_model(type(case)) if case is not None else None
    now = timezone.now()
    for recipient in {user.pk: user for user in recipients}.values():
        try:
            with transaction.atomic():
                notice, fresh = Notice.objects.get_or_create(
                    key=f"{key}:{recipient.pk}"[:160],
                    defaults={
                        "recipient": recipient,
                        "event": event_type,
                        "title": title[:250],
                        "body": body,
                        "link_path": link_path[:200],
                        "department": department,
                        "case_type": case_type,
                        "case_id": case.pk if case is not None else None,
                    },
                )
                if not fresh:
                    continue
                frequency = event_frequency(user=recipient, event=event_type)
                if frequency != Frequency.NEVER and recipient.email:
                    Reminder.objects.create(
                        notice=notice,
                        recipient=recipient,
                        frequency=frequency,
                        created_at=now,
                        campaign_day=campaign_today(),
                    )
        except IntegrityError:  # the same event noticed concurrently: the other one stands
            continue
        created.append(notice)
    return created


def notices_unread_count(*, user: Any) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_mark_read(*, user: Any, pks: list[int] | None = None) -> int:
    notices = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if pks is not None:
        notices = notices.filter(pk__in=pks)
    return notices.update(read_at=timezone.now())
