"""What a user may see: the one place every list, page, export and queue goes through."""

from __future__ import annotations

from typing import TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet

from guardian.shortcuts import get_objects_for_user

from accounts.models import User
from reference.models import Department

M = TypeVar("M", bound=Model)


def sees_all_departments(user: User | AnonymousUser) -> bool:
    """National reach: superuser, or the global ``view_department`` permission (CGET groups)."""
    return bool(user.is_active and (user.is_superuser or user.has_perm("reference.view_department")))


def department_scope(user: User | AnonymousUser) -> QuerySet[Department]:
    """The départements a user may see: all for national roles, else their guardian grants."""
    if not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if sees_all_departments(user):
        return Department.objects.all()
    return get_objects_for_user(user, "reference.view_department", klass=Department, accept_global_perms=False)


def scoped(queryset: QuerySet[M], user: User | AnonymousUser, *, department_field: str = "department") -> QuerySet[M]:
    """Restrict any queryset whose rows belong to a département to what ``user`` may see.

    Rows with no département (the Saint-Martin and Papeete contracts) are national only.
    """
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if sees_all_departments(user):
        return queryset
    return queryset.filter(**{f"{department_field}__in": department_scope(user).values("pk")})
