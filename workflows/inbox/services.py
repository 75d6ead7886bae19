"""Following a case ("Suivre ce dossier", démarches-simplifiées' ``app/models/follow.rb``)."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from workflows.inbox.models import Follow


def follow_set(*, user: Any, case: Any, follow: bool) -> None:
    """Follow or stop following ``case`` (a case the caller checked is in the user's scope)."""
    content_type = ContentType.objects.get_for_model(type(case))
    if follow:
        Follow.objects.get_or_create(user=user, case_type=content_type, case_id=case.pk)
    else:
        Follow.objects.filter(user=user, case_type=content_type, case_id=case.pk).delete()


def follow_seen(*, user: Any, case: Any) -> None:
    """The user opened the case: what changed before now is no longer new to him."""
    Follow.objects.filter(user=user, case_type=ContentType.objects.get_for_model(type(case)), case_id=case.pk).update(
        seen_at=timezone.now()
    )
