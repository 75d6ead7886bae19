"""The inbox's counts kept between requests, until something they count changes.

Every page shows the navigation's counts and every inbox page its tabs' and saved views':
counted on each request, they were half of an inbox page's time at 1,000,000 tasks
(benchmarks/RESULTS.md, "workspace's speed"). They are kept in the cache under a key made of
what they depend on, with the bell's unread count and the cases the user follows
(``selectors.notices_unread``, ``selectors.followed_cases``) and, beside them, the ids of his
scope's cases and processes, both read in one round trip:

- a **version per département** (and one for the whole country), moved whenever a task of a
  case of that département, or such a case, is saved or deleted — at once and again after the
  commit (a reader between the two would otherwise keep what he read before the commit);
- for the ids of the scope's cases and processes, kept apart from the counts, a **second version
  per département**, moved only when what they list changes: a case created, deleted or moved
  to another département, a process saved (started, finished) or deleted. A take or a
  completion moves the counts but not the ids: the page after it counts again without reading
  the ids again (a third of a count's work, benchmarks/RESULTS.md, twelfth pass);
- a **version per user**, moved when he follows or stops following a case, when notices are
  created for him or marked read (``notifications.notice_services.notices_changed``, or a
  notice saved one by one), or when an absence cover involving him is written;
- the user's permissions and départements (his role and grants), the campaign's day and dates
  (covers start and end with the day; the « échéance » filters of saved views read the dates),
  his id and when his account was created;
- at most ``COUNTS_TIMEOUT`` seconds, whatever happens.

A version missing from the cache (never written, or evicted) starts again from the clock, never
from a value an older key could have used; a cache that does not answer is a miss
(``workflows.cases.kept``): the counts are counted.

The versions move from the models' signals (``workflows.inbox.receivers``), so only writes that
send them move them. Every write of the product on a task, a process, a case, a user or an
organisation is a ``save()`` or a ``delete()``: viewflow's activations (take, release, hand
over, complete, cancel) save their task; the bulk actions (``bulk``), the national launch
(``renewal_launch_all``) and the charter import go through the kernel one item at a time, and
absence covers are saved one by one. Its set-based writes change nothing counted: a PAQTE
convention's ``renewal_offered_on`` (``conventions_offer_renewal``), a follow's ``seen_at``, the
préfectures ``organisations_ensure`` creates (nobody is in them yet); the deadlines the
« échéance » filters read move with the transition that saves their case, or with the
campaign's dates (in the key).
The reference import writes the départements by an upsert, which sends no ``post_save``: it
sends ``reference.signals.departments_moved`` when one changes région (saved views by région).

Not covered: a write that sends no signal — SQL by an operator, ``QuerySet.update()``,
``bulk_create`` or ``bulk_update`` in a shell or a data migration, on tasks, processes, cases,
users, organisations, notices or follows. The counts, the lists, the bell and the « Confier à »
select may then be wrong for up to ``COUNTS_TIMEOUT``; whoever writes so calls ``scope_changed``
with the départements concerned (``people_changed`` for users or organisations,
``user_changed`` for notices and follows) once his write is committed. A case
moved to another département that way also keeps, for the saves of its tasks, its processes'
former départements (``receivers.PROCESS_DEPARTMENTS_TIMEOUT``, a day): move a case by saving
it (the admin), which keeps them up to date.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction

from accounts.selectors import department_ids, sees_all_departments
from workflows.cases.kept import kept_get, kept_get_many, kept_set, version_move, versions_of

COUNTS_TIMEOUT = 600
PEOPLE_VERSION = "_inbox_people_version"  # read with the counts' versions (``counts_key``)
IDS_KEY = "_inbox_ids_key"  # where the scope's ids are kept, found with the counts' key
WHOLE_COUNTRY = "all"


def _prefix() -> str:
    # The database's name: test workers (one database each) share one Redis.
    return f"quartiers:{connection.settings_dict['NAME']}:inbox"


def _scope_key(part: int | str) -> str:
    return f"{_prefix()}:v:d{part}"


def _ids_scope_key(part: int | str) -> str:
    return f"{_prefix()}:v:i{part}"


def _user_key(user_id: int) -> str:
    return f"{_prefix()}:v:u{user_id}"


def _versions(keys: list[str]) -> list[Any]:
    return versions_of(keys)


def _bump_now(keys: Iterable[str]) -> None:
    for key in keys:
        version_move(key)


class _AfterCommit:
    """The versions a transaction moved, moved once more after its commit: one callback per
    transaction (a completion saves its case and two or three tasks, each moving the same
    versions). Rolled back, Django drops it with the transaction's other callbacks."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    def __call__(self) -> None:
        _bump_now(sorted(self.keys))


def _pending() -> _AfterCommit | None:
    for entry in connection.run_on_commit:  # (savepoint ids, callback, robust)
        callback = entry[1]
        if isinstance(callback, _AfterCommit):
            return callback
    return None


def _bump(keys: list[str]) -> None:
    # At once, for whoever reads in this transaction (the tests' readers included)...
    _bump_now(keys)
    if not connection.in_atomic_block:
        return
    # ...and after the commit, for whoever read the versions in between.
    pending = _pending()
    if pending is None:
        pending = _AfterCommit()
        transaction.on_commit(pending)
    pending.keys.update(keys)


def _parts(departments: Iterable[int]) -> list[int | str]:
    return [WHOLE_COUNTRY, *sorted(set(departments))]


def tasks_changed(departments: Iterable[int]) -> None:
    """Something counted in these départements changed, not which cases and processes are
    there: a task saved, a case's state."""
    _bump([_scope_key(part) for part in _parts(departments)])


def scope_changed(departments: Iterable[int]) -> None:
    """Something in these départements changed, the cases and processes there maybe too (a case
    created, deleted or moved, a process started or finished): the counts and the ids move."""
    parts = _parts(departments)
    _bump([*(_scope_key(part) for part in parts), *(_ids_scope_key(part) for part in parts)])


def ids_changed(departments: Iterable[int]) -> None:
    """The processes of these départements' cases changed (one started, finished or deleted)."""
    _bump([_ids_scope_key(part) for part in _parts(departments)])


def user_changed(*user_ids: int) -> None:
    """Something counted for these users only changed (what they follow, their covers)."""
    _bump([_user_key(pk) for pk in user_ids if pk])


def counts_key(user: Any, *, calendar: Any) -> str:
    """The key of ``user``'s counts as things stand."""
    national = sees_all_departments(user)
    scope: list[int | str] = [WHOLE_COUNTRY] if national else [*sorted(department_ids(user))]
    # The people's version in the same round trip, for the « Confier à » select of the list
    # pages (``colleagues_key``), kept on the request's user; it is not a part of this key.
    # The ids' versions too (``ids_key``).
    found = _versions(
        [
            *(_scope_key(part) for part in scope),
            _user_key(user.pk),
            _people_key(),
            *(_ids_scope_key(part) for part in scope),
        ]
    )
    versions, people, ids_versions = found[: len(scope) + 1], found[len(scope) + 1], found[len(scope) + 2 :]
    user.__dict__[PEOPLE_VERSION] = people
    joined = getattr(user, "date_joined", None)
    permissions = sorted(user.get_all_permissions())
    state = repr(
        (
            permissions,
            scope,
            versions,
            str(calendar.today),
            sorted(calendar.dates.items()),
            joined.isoformat() if joined is not None else "",
        )
    )
    digest = hashlib.sha256(state.encode()).hexdigest()[:32]
    ids_digest = hashlib.sha256(repr((permissions, scope, ids_versions)).encode()).hexdigest()[:32]
    user.__dict__[IDS_KEY] = f"{_prefix()}:ids:{user.pk}:{ids_digest}"
    return f"{_prefix()}:counts:{user.pk}:{digest}"


def counts_kept(key: str) -> dict[str, int]:
    return _as_counts(kept_get(key))


def _as_counts(found: Any) -> dict[str, int]:
    return dict(found) if isinstance(found, dict) else {}


def _as_ids(found: Any) -> dict[str, list[int]] | None:
    return {str(code): list(ids) for code, ids in found.items()} if isinstance(found, dict) else None


def ids_key(user: Any) -> str:
    """Where the ids of the user's scope are kept: found by ``counts_key`` (called first) from
    the ids' versions of his départements, his permissions and his départements."""
    key: str = user.__dict__[IDS_KEY]
    return key


def counts_and_ids_kept(key: str, ids_at: str) -> tuple[dict[str, int], dict[str, list[int]] | None]:
    """The counts kept under ``key`` and the scope's ids kept under ``ids_at`` (``ids_key``), in
    one round trip: every page reads the first, every list page the second (two before)."""
    found = kept_get_many([key, ids_at])
    return _as_counts(found.get(key)), _as_ids(found.get(ids_at))


def counts_keep(key: str, counts: dict[str, int]) -> None:
    kept_set(key, counts, timeout=COUNTS_TIMEOUT)


def ids_kept(key: str) -> dict[str, list[int]] | None:
    """The ids of the cases in the user's scope, by kind, kept under his counts' key."""
    return _as_ids(kept_get(key))


def ids_keep(key: str, ids: dict[str, list[int]]) -> None:
    kept_set(key, ids, timeout=COUNTS_TIMEOUT)


# --- The colleagues of the « Confier à » select, kept until a user or an organisation changes -----
# Written on every list page: 500 agents of a département read and escaped on each request were
# a tenth of the page's time at the benchmark's size (benchmarks/RESULTS.md).


def _people_key() -> str:
    return f"{_prefix()}:v:people"


def people_changed() -> None:
    """A user or an organisation saved or deleted: the hand-over lists move."""
    _bump([_people_key()])


def colleagues_key(user: Any) -> str:
    """The key of the colleagues ``user`` may hand a task to, as things stand: who he is, the
    départements he sees (or his organisation, for a national user), the people's version."""
    national = sees_all_departments(user)
    scope: list[int | str] = [f"o{user.organisation_id}"] if national else [*sorted(department_ids(user))]
    version = user.__dict__[PEOPLE_VERSION] if PEOPLE_VERSION in user.__dict__ else _versions([_people_key()])[0]
    digest = hashlib.sha256(repr((user.pk, national, scope, version)).encode()).hexdigest()[:32]
    return f"{_prefix()}:colleagues:{user.pk}:{digest}"
