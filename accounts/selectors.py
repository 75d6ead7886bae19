"""What a user may see: the one place every list, page, export and queue goes through."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from accounts.backends import DEPARTMENT_IDS, permissions_loaded
from accounts.models import Role, User
from reference.models import Department

M = TypeVar("M", bound=Model)


def sees_all_departments(user: User | AnonymousUser) -> bool:
    """National reach: superuser, or the global ``view_department`` permission (CGET groups)."""
    return bool(user.is_active and (user.is_superuser or user.has_perm("reference.view_department")))


def department_ids(user: User | AnonymousUser) -> frozenset[int]:
    """The ids of the départements a user's guardian grants (his own and his groups'
    ``view_department``) cover, read with his permissions in one query per user object
    (``accounts.backends``); empty for an anonymous or inactive user."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    permissions_loaded(user)
    ids: frozenset[int] = getattr(user, DEPARTMENT_IDS)
    return ids


def department_scope(user: User | AnonymousUser) -> QuerySet[Department]:
    """The départements a user may see: all for national roles, else their guardian grants."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if sees_all_departments(user):
        return Department.objects.all()
    return Department.objects.filter(pk__in=department_ids(user))


def sees_department(user: User | AnonymousUser, department_id: int | None) -> bool:
    """``scoped`` for one row already read: its département is one ``user`` may see (a row
    with no département is national only)."""
    if sees_all_departments(user):
        return True
    return department_id is not None and department_id in department_ids(user)


def scoped(queryset: QuerySet[M], user: User | AnonymousUser, *, department_field: str = "department") -> QuerySet[M]:
    """Restrict any queryset whose rows belong to a département to what ``user`` may see.

    Rows with no département (the Saint-Martin and Papeete contracts) are national only.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_all_departments(user):
        return queryset
    return queryset.filter(**{f"{department_field}__in": department_scope(user).values("pk")})


# --- Who may manage whom in the Django admin ---
# Ranks of the roles: an account manages only accounts of a lower rank and assigns only roles
# of a lower rank; superusers manage everything (OWASP ASVS 5.0 8.2.1 and 8.2.3).
ROLE_RANKS: dict[str, int] = {
    Role.AGENT: 1,
    Role.PAQTE_REFERENT: 1,
    Role.PREFECT_VALIDATOR: 1,
    Role.CGET_REFERENT: 2,
    Role.NATIONAL_ADMIN: 3,
}
SUPERUSER_RANK = 4

# Fields that give rights beyond a role: a superuser's to change, nobody else's.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def user_rank(user: User) -> int:
    if user.is_superuser:
        return SUPERUSER_RANK
    return ROLE_RANKS.get(user.role, 0)


def roles_assignable(*, actor: User) -> list[Role]:
    """The roles ``actor`` may give: those below his own (all of them for a superuser)."""
    rank = user_rank(actor)
    return [role for role in Role if ROLE_RANKS[role] < rank]


def user_is_manageable(*, actor: User, target: User) -> bool:
    """Whether ``actor`` may change or delete ``target``: only an account below his own rank.

    A national administrator therefore manages prefecture accounts and CGET référents, but not
    another national administrator, a superuser, nor his own account (his password stays his
    to change, through the admin's own "change password" page).
    """
    if actor.is_superuser:
        return True
    return user_rank(target) < user_rank(actor)
