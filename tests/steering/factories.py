"""Meetings made directly in the database, in any state (the services are tested elsewhere)."""

from __future__ import annotations

import datetime
from typing import Any

from reference.models import Department
from workflows.steering.models import Meeting


def held_service_heads(department: Department, year: int, semester: int, **kwargs: Any) -> Meeting:
    day = datetime.date(year, 3 if semester == 1 else 10, 15)
    return Meeting.objects.create(
        kind=Meeting.Kind.SERVICE_HEADS,
        department=department,
        year=year,
        semester=semester,
        date=day,
        state=kwargs.pop("state", Meeting.State.HELD),
        **kwargs,
    )
