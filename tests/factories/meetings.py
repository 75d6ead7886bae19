"""Meetings (collèges des chefs de service, conférences des financeurs, PAQTE committees and
checkpoints), put directly in a state; the services are tested in tests/workflows/steering/."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory

from reference.models import Department
from workflows.steering.models import Meeting


class MeetingFactory(factory.django.DjangoModelFactory[Meeting]):
    """A collège des chefs de service of the Nord's first 2019 semester, to be scheduled, unless told otherwise."""

    class Meta:
        model = Meeting

    class Params:
        department_code = "59"

    kind = Meeting.Kind.SERVICE_HEADS
    department = factory.LazyAttribute(lambda o: Department.objects.get(code=o.department_code))
    year = 2019
    semester = 1


def held_service_heads(department: Department, year: int, semester: int, **kwargs: Any) -> Meeting:
    """The collège des chefs de service of a semester, held (mid-March or mid-October)."""
    return MeetingFactory.create(
        department=department,
        year=year,
        semester=semester,
        date=dt.date(year, 3 if semester == 1 else 10, 15),
        state=kwargs.pop("state", Meeting.State.HELD),
        **kwargs,
    )
