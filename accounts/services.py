"""Writes on accounts: users, roles, organisations and their département grants."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import PREFECTURE_ROLES, Organisation, Role, User
from reference.models import Department

# The two object permissions that make a département "one's own".
DEPARTMENT_PERMISSIONS = ("reference.view_department", "reference.work_in_department")


class AccountError(ValueError):
    """A user/role/organisation combination that makes no sense (message in French)."""


def organisations_ensure(*, cget_name: str = "CGET") -> int:
    """One préfecture per département and the CGET. Idempotent; returns how many were created."""
    existing = set(
        Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE).values_list("department_id", flat=True)
    )
    missing = [
        Organisation(
            kind=Organisation.Kind.PREFECTURE,
            name=f"Préfecture – {department.name} ({department.code})",
            department=department,
        )
        for department in Department.objects.exclude(pk__in=existing)
    ]
    Organisation.objects.bulk_create(missing)
    _, cget_created = Organisation.objects.get_or_create(kind=Organisation.Kind.CGET, defaults={"name": cget_name})
    return len(missing) + int(cget_created)


def role_group(role: Role | str) -> Group:
    """The Django group of a role. Its permissions are data (data migration
    ``accounts/0003_role_groups_and_permissions``, through ``accounts.role_permissions``), not code."""
    return Group.objects.get(name=Role(role).label)


def department_grant(*, user: User, department: Department) -> None:
    for perm in DEPARTMENT_PERMISSIONS:
        assign_perm(perm, user, department)


def department_revoke(*, user: User, department: Department) -> None:
    for perm in DEPARTMENT_PERMISSIONS:
        remove_perm(perm, user, department)


def role_check(*, role: Role | str, organisation: Organisation | None) -> Role:
    """Refuse, in French, a role held outside the kind of organisation it belongs to."""
    role = Role(role)
    if role in PREFECTURE_ROLES:
        if organisation is None or organisation.kind != Organisation.Kind.PREFECTURE:
            raise AccountError(f"Le rôle « {role.label} » s'exerce dans une préfecture.")
    elif organisation is None or organisation.kind != Organisation.Kind.CGET:
        raise AccountError(f"Le rôle « {role.label} » s'exerce au CGET.")
    return role


@transaction.atomic
def user_assign(*, user: User, role: Role | str, organisation: Organisation | None) -> User:
    """Give a user a role in an organisation: group membership and département grants follow.

    Prefecture roles need a préfecture and receive object permissions on its département only;
    national roles need the CGET and get their national reach from their group's global
    permissions.
    """
    role = role_check(role=role, organisation=organisation)
    assert organisation is not None  # role_check refuses a role without its organisation
    previous = user.organisation if user.pk else None
    user.role = role
    user.organisation = organisation
    user.is_staff = role == Role.NATIONAL_ADMIN or user.is_superuser
    user.save()
    user.groups.set([role_group(role)])
    if previous is not None and previous.department_id and previous != organisation:
        department_revoke(user=user, department=previous.department)  # type: ignore[arg-type]
    if organisation.department_id:
        department_grant(user=user, department=organisation.department)  # type: ignore[arg-type]
    return user


@transaction.atomic
def user_create(
    *,
    email: str,
    password: str | None,
    role: Role | str,
    organisation: Organisation | None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    user = User.objects.create_user(email=email, password=password, first_name=first_name, last_name=last_name)
    return user_assign(user=user, role=role, organisation=organisation)
