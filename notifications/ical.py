"""The iCalendar feed of a user's deadlines (``icalendar`` library, RFC 5545)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from icalendar import Calendar, Event

from notifications.models import Deadline
from notifications.sending import message_domain


def deadlines_calendar(deadlines: Iterable[Deadline]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Quartiers//Échéances//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Quartiers – mes échéances")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    stamp = timezone.now()
    domain = message_domain()
    for deadline in deadlines:
        event = Event()
        event.add("uid", f"echeance-{deadline.pk}@{domain}")
        event.add("dtstamp", stamp)
        event.add("summary", deadline.title)
        # All-day event on the due date (DTEND is exclusive).
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + dt.timedelta(days=1))
        where = f"{deadline.department.name} ({deadline.department.code})" if deadline.department else "national"
        event.add("description", f"Département : {where}\n{settings.SITE_URL}{deadline.link_path}")
        event.add("url", f"{settings.SITE_URL}{deadline.link_path}")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()
