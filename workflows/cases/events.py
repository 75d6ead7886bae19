"""The events of the transition tables, sent once the transaction that moved the case commits.

Receivers (in-app notices, emails through the outbox) connect to ``case_event``; the sender is
the case model, with ``case``, ``transition`` (its ``Transition``), ``event`` (its name: "returned",
"approved", "submitted", …), ``actor`` and ``comment`` (and ``message`` for a message of the
case's thread).

``case_event_after_commit`` is how the kernel sends one: once the transaction commits, the
Celery worker (``case_event_deliver``) reads the case, the actor and the message again and sends
the signal there, so that a completion does not wait for its notices (who to tell, their rows
and outbox rows: 40 % of a completion's time, benchmarks/RESULTS.md). With Celery eager (the
tests, a development machine) the signal is sent at the commit with the objects themselves, as
it is when the broker cannot be reached (logged): a notice is never lost to the queue.
"""

from __future__ import annotations

import logging
from typing import Any

import django.dispatch
from django.apps import apps
from django.conf import settings
from django.db import transaction

from celery import shared_task

logger = logging.getLogger(__name__)

case_event = django.dispatch.Signal()


def _send(*, model: Any, case: Any, transition: Any, event: str, actor: Any, comment: str, message: Any) -> None:
    extra = {"message": message} if message is not None else {}
    case_event.send(sender=model, case=case, transition=transition, event=event, actor=actor, comment=comment, **extra)


def case_event_after_commit(
    *, case: Any, transition: Any, event: str, actor: Any, comment: str, message: Any = None
) -> None:
    """Send ``event`` of ``case`` once the current transaction commits (in the worker)."""
    model = type(case)
    payload = {
        "model": model._meta.label_lower,
        "case": case.pk,
        "transition": transition.name if transition is not None else "",
        "event": event,
        "actor": actor.pk if actor is not None else None,
        "comment": comment,
        "message": message.pk if message is not None else None,
    }

    def deliver() -> None:
        if not getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
            try:
                case_event_deliver.delay(payload)
                return
            except Exception:  # the broker is down: tell them now rather than never
                logger.exception("case_event_enqueue_failed event=%s case=%s", event, case.pk)
        _send(model=model, case=case, transition=transition, event=event, actor=actor, comment=comment, message=message)

    transaction.on_commit(deliver)


@shared_task(name="cases.case_event_deliver", ignore_result=True)
def case_event_deliver(payload: dict[str, Any]) -> None:
    """The worker's side of ``case_event_after_commit``: the committed rows read again."""
    from accounts.models import User
    from workflows.cases.notes import Message
    from workflows.cases.registry import kind_of

    model = apps.get_model(payload["model"])
    case = model._default_manager.filter(pk=payload["case"]).first()
    if case is None:  # deleted meanwhile: nobody to tell about it
        return
    name = payload["transition"]
    transition = kind_of(case).table[name] if name else None
    actor = User.objects.filter(pk=payload["actor"]).first() if payload["actor"] is not None else None
    message = Message.objects.filter(pk=payload["message"]).first() if payload["message"] is not None else None
    _send(
        model=model,
        case=case,
        transition=transition,
        event=payload["event"],
        actor=actor,
        comment=payload["comment"],
        message=message,
    )
