"""Who may do what on PAQTE cases: a role permission (given to the role groups by data
migration) and, for prefecture roles, the guardian grant on the case's département.

National roles hold no département grant: they review (CGET) or read (national admin).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from reference.models import Department

UserLike = Any  # accounts.User or AnonymousUser


def _in_department(user: UserLike, department: Department | None) -> bool:
    return department is not None and bool(user.has_perm("reference.work_in_department", department))


def can_view(user: UserLike) -> bool:
    return bool(user.is_active and user.has_perm("workflows.view_paqte"))


def can_work(user: UserLike, department: Department | None) -> bool:
    """Instruct the PAQTE cases of ``department`` (agent, référent PAQTE)."""
    if isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return bool(user.has_perm("workflows.work_paqte")) and _in_department(user, department)


def can_validate(user: UserLike, department: Department | None) -> bool:
    """Validate on the prefect's behalf what leaves the prefecture of ``department``."""
    if isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return bool(user.has_perm("workflows.validate_paqte")) and _in_department(user, department)


def can_review(user: UserLike) -> bool:
    """Approve or return a submission to the CGET (national)."""
    if isinstance(user, AnonymousUser) or not user.is_active:
        return False
    return bool(user.has_perm("workflows.review_paqte"))
