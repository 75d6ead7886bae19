"""The transitions of a steering meeting: to_schedule → convened → held.

Circular of 22 January 2019: a collège des chefs de service each semester in each département;
holding it meets the département's « service-heads-meeting » deadline of that semester, so its
reminders (and the escalation to the référents CGET) stop.
"""

from __future__ import annotations

from typing import Any

from workflows.cases.registry import CaseKind, CaseRefused, register
from workflows.cases.transitions import DeadlineEffect, Transition, TransitionTable
from workflows.steering.models import Meeting, MeetingHistory

SERVICE_HEADS_DEADLINE = "service-heads-meeting"


class SteeringError(CaseRefused):
    """A refused action on a meeting, with the French sentence to show."""


def _is_departmental_service_heads(meeting: Meeting) -> bool:
    return meeting.kind == Meeting.Kind.SERVICE_HEADS and meeting.department_id is not None


def _owning_departments(meeting: Any) -> list[int]:
    department = meeting.owning_department
    return [department.pk] if department is not None else []


TRANSITIONS = TransitionTable(
    Transition(
        "convene",
        "Convoquer la réunion",
        done="Réunion convoquée",
        refusals={"has_date": "Indiquez la date de la réunion avant de la convoquer."},
    ),
    Transition(
        "hold",
        "Déclarer la réunion tenue",
        done="Réunion tenue",
        refusals={"is_past": "Une réunion ne peut être déclarée tenue qu'à sa date ou après."},
        deadlines=(
            DeadlineEffect(
                "met",
                SERVICE_HEADS_DEADLINE,
                per="department",
                occurrence=lambda meeting: f"{meeting.year}-S{meeting.semester}",
                when=_is_departmental_service_heads,
            ),
        ),
        event="held",
    ),
)

KIND = register(
    CaseKind(
        code="meeting",
        label="Réunion de pilotage",
        model=Meeting,
        table=TRANSITIONS,
        history=MeetingHistory,
        history_link="meeting",
        error=SteeringError,
        denied="Vous n'organisez pas les réunions de pilotage de ce territoire.",
        departments=_owning_departments,
    )
)
