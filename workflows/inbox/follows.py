"""« Modifié depuis votre dernière visite »: the followed cases whose history moved after the
follower last opened them (démarches-simplifiées' ``dossier_notification.rb`` badges; the visit
is ``services.follow_seen``, written when the case page is opened)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Max, QuerySet

from config.statements import Compiled, Ids, any_of_registered
from workflows.cases.registry import CaseKind
from workflows.inbox.models import Follow
from workflows.inbox.selectors import AnyUser, TaskRow, followed_cases


def _last_changes(kind: CaseKind, case_ids: list[int]) -> dict[int, Any]:
    """The time of the last history row of each case (one query per kind)."""
    history = kind.history._default_manager
    if kind.history_link is None:
        link = "object_id"
        rows = history.filter(content_type=ContentType.objects.get_for_model(kind.model), object_id__in=case_ids)
    else:
        link = f"{kind.history_link}_id"
        rows = history.filter(**{f"{link}__in": case_ids})
    return {int(row[link]): row["last"] for row in rows.values(link).annotate(last=Max("at")).order_by()}


def _follows(user_id: int, case_types: Ids, case_ids: Ids) -> QuerySet[Any]:
    return Follow.objects.filter(user_id=user_id, case_type__any_of=case_types, case_id__any_of=case_ids).values_list(
        "case_type_id", "case_id", "seen_at"
    )


any_of_registered(Follow._meta.get_field("case_type"))
any_of_registered(Follow._meta.get_field("case_id"))
_FOLLOWS = Compiled(_follows, int, Ids, Ids)  # a list page's follows, compiled once


def changed_since_seen(*, user: AnyUser, rows: list[TaskRow]) -> dict[int, bool]:
    """For each task row whose case the user follows: whether its case changed since his last
    visit (a constant number of queries: the follows, then one per case kind on the page)."""
    if not user.is_authenticated or not rows:
        return {}
    by_kind: dict[str, list[TaskRow]] = defaultdict(list)
    for row in rows:
        if row.kind is not None and row.case is not None:
            by_kind[row.kind.code].append(row)
    if not by_kind:
        return {}
    content_types = {
        code: ContentType.objects.get_for_model(kind_rows[0].kind.model)  # type: ignore[union-attr]
        for code, kind_rows in by_kind.items()
    }
    # The cases he follows are kept with his counts (``selectors.followed_cases``): a page of
    # none of them reads no follow.
    followed_keys = followed_cases(user=user)
    if not any(
        (content_types[code].pk, row.case.pk) in followed_keys
        for code, kind_rows in by_kind.items()
        for row in kind_rows
    ):
        return {}
    seen = {
        (case_type_id, case_id): seen_at
        for case_type_id, case_id, seen_at in _FOLLOWS.all(
            user.pk,
            Ids(content_type.pk for content_type in content_types.values()),
            Ids(row.case.pk for kind_rows in by_kind.values() for row in kind_rows),
        )
    }
    if not seen:
        return {}
    changed: dict[int, bool] = {}
    for code, kind_rows in by_kind.items():
        content_type = content_types[code]
        followed = [row for row in kind_rows if (content_type.pk, row.case.pk) in seen]
        if not followed:
            continue
        kind = followed[0].kind
        assert kind is not None
        last = _last_changes(kind, sorted({row.case.pk for row in followed}))
        for row in followed:
            moved = last.get(row.case.pk)
            changed[row.task.pk] = moved is not None and moved > seen[(content_type.pk, row.case.pk)]
    return changed
