"""A user's permissions and département grants, read in one query per request.

Django's ``ModelBackend`` reads a user's role permissions in two queries (his own, his groups'),
and the département scope (``accounts.selectors.department_scope``) asks guardian in a third: a
task completion or an inbox page paid all three on each request (benchmarks/RESULTS.md).
``PermissionsAtOnce`` sits before ``ModelBackend`` and authenticates nobody: the first time a
permission is asked for a user object, it reads the user's and his groups' permissions and his
and his groups' ``view_department`` grants in one ``UNION ALL``, and leaves them on the user
object where ``ModelBackend`` (``_perm_cache``, ``_user_perm_cache``, ``_group_perm_cache``) and
the scope (``department_ids``) read them. The rules stay Django's and guardian's; a new user
object (the next request) reads them again, so a changed grant applies at the next request.
``permissions_loaded_many`` does the same for a list of users in one query (who may take a task
that arrived in a queue: ``workflows.inbox.receivers``).
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from config.statements import Compiled

DEPARTMENT_IDS = "_quartiers_department_ids"
VIEW_DEPARTMENT = "view_department"


@functools.cache
def _statement(users: int = 1) -> str:
    """The one ``UNION ALL``, written once from the models' tables (the ORM compiled a four-way
    union on every request: ~3 ms of Python, more than the query itself), for ``users`` users
    (``%(u0)s``, ``%(u1)s``…), each row with the user's id."""
    from django.contrib.auth.models import Group

    from accounts.models import DepartmentGroupObjectPermission, DepartmentUserObjectPermission, User

    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    def column(model: Any, name: str) -> str:
        return connection.ops.quote_name(model._meta.get_field(name).column)

    own = User.user_permissions.through
    member = User.groups.through
    granted = Group.permissions.through
    user_grant, group_grant = DepartmentUserObjectPermission, DepartmentGroupObjectPermission
    permission, content_type = table(Permission), table(ContentType)
    named = f"JOIN {content_type} ct ON ct.id = p.content_type_id"
    department = f"p.codename = '{VIEW_DEPARTMENT}' AND ct.app_label = 'reference'"
    among = "IN (" + ", ".join(f"%(u{i})s" for i in range(users)) + ")"
    return " UNION ALL ".join(
        [
            f"SELECT o.{column(own, 'user')}, 'u', ct.app_label, p.codename, 0 FROM {permission} p {named}"  # noqa: S608 (tables from the models, the users parameters)
            f" JOIN {table(own)} o ON o.{column(own, 'permission')} = p.id WHERE o.{column(own, 'user')} {among}",
            f"SELECT m.{column(member, 'user')}, 'g', ct.app_label, p.codename, 0 FROM {permission} p {named}"  # noqa: S608 (tables from the models, the users parameters)
            f" JOIN {table(granted)} gp ON gp.{column(granted, 'permission')} = p.id"
            f" JOIN {table(member)} m ON m.{column(member, 'group')} = gp.{column(granted, 'group')}"
            f" WHERE m.{column(member, 'user')} {among}",
            f"SELECT g.{column(user_grant, 'user')}, 'd', '', '', g.{column(user_grant, 'content_object')}"  # noqa: S608 (tables from the models, the users parameters)
            f" FROM {table(user_grant)} g"
            f" JOIN {permission} p ON p.id = g.{column(user_grant, 'permission')} {named}"
            f" WHERE g.{column(user_grant, 'user')} {among} AND {department}",
            f"SELECT m.{column(member, 'user')}, 'd', '', '', g.{column(group_grant, 'content_object')}"  # noqa: S608 (tables from the models, the users parameters)
            f" FROM {table(group_grant)} g"
            f" JOIN {permission} p ON p.id = g.{column(group_grant, 'permission')} {named}"
            f" JOIN {table(member)} m ON m.{column(member, 'group')} = g.{column(group_grant, 'group')}"
            f" WHERE m.{column(member, 'user')} {among} AND {department}",
        ]
    )


def _load(users: list[Any]) -> None:
    mine: dict[int, set[str]] = {user.pk: set() for user in users}
    of_groups: dict[int, set[str]] = {user.pk: set() for user in users}
    departments: dict[int, set[int]] = {user.pk: set() for user in users}
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(users)), {f"u{i}": user.pk for i, user in enumerate(users)})
        rows = cursor.fetchall()
    for user_id, source, app_label, codename, department_id in rows:
        if source == "d":
            departments[user_id].add(department_id)
        else:
            (mine if source == "u" else of_groups)[user_id].add(f"{app_label}.{codename}")
    for user in users:
        user._user_perm_cache = mine[user.pk]
        user._group_perm_cache = of_groups[user.pk]
        user._perm_cache = mine[user.pk] | of_groups[user.pk]
        setattr(user, DEPARTMENT_IDS, frozenset(departments[user.pk]))


def permissions_loaded(user: Any) -> None:
    """Read ``user``'s permissions and département grants once (no-op when already read)."""
    if not hasattr(user, "_perm_cache") or not hasattr(user, DEPARTMENT_IDS):
        _load([user])


def permissions_loaded_many(users: list[Any]) -> None:
    """The same for many user objects at once: one query for those not read yet (by chunks of
    500, to keep the statement's parameters few)."""
    missing = [user for user in users if not hasattr(user, "_perm_cache") or not hasattr(user, DEPARTMENT_IDS)]
    for start in range(0, len(missing), 500):
        _load(missing[start : start + 500])


class PermissionsAtOnce:
    """Loads the caches ``ModelBackend`` reads, plus the département grants, in one query. Grants
    nothing ``ModelBackend`` would not (active, not anonymous). It has no ``get_user``, so that
    no session is ever opened through it (``Client.force_login`` picks the first backend that
    has one)."""

    def authenticate(self, request: Any, **credentials: Any) -> None:
        return None

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous or user_obj.is_superuser:
            return set()  # objects are guardian's; a superuser's permissions are ModelBackend's
        permissions_loaded(user_obj)
        return set(user_obj._perm_cache)

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)


_BACKENDS: dict[tuple[str, ...], list[Any]] = {}


def permission_backends() -> list[Any]:
    """The authentication backends that answer ``has_perm``, each built once per list of
    ``AUTHENTICATION_BACKENDS`` (a test that changes the setting gets its own): they keep no
    state of a request (``User.has_perm``)."""
    from django.conf import settings
    from django.contrib.auth import load_backend

    paths = tuple(settings.AUTHENTICATION_BACKENDS)
    backends = _BACKENDS.get(paths)
    if backends is None:
        loaded = [load_backend(path) for path in paths]
        backends = _BACKENDS[paths] = [backend for backend in loaded if hasattr(backend, "has_perm")]
    return backends


def _user_with_organisation(pk: int) -> Any:
    from accounts.models import User

    return User._default_manager.select_related("organisation__department").filter(pk=pk)


_SESSION_USER = Compiled(_user_with_organisation, int)  # on every request: compiled once


def session_user(backend: ModelBackend, user_id: Any) -> Any:
    """The signed-in user of a session, read with his organisation and its département: every
    page asks for them (his scope, the menu, the saved views' sharing), two queries of their own
    on each request before (benchmarks/RESULTS.md). ``ModelBackend.get_user``'s rule otherwise: a
    deactivated account is signed out at its next request."""
    from accounts.sessions import read_user

    # Read with the session (``accounts.sessions``) when it is his; else by his id.
    known, user = read_user(user_id)
    if not known:
        user = _SESSION_USER.first(user_id)
    if user is None:
        return None
    return user if backend.user_can_authenticate(user) else None


class PasswordBackend(ModelBackend):
    """Django's ``ModelBackend`` (password logins, permissions), the session's user read by
    ``session_user``."""

    def get_user(self, user_id: Any) -> Any:
        return session_user(self, user_id)
