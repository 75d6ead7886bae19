"""Who may organise the steering meetings: the role permission ``workflows.work_steering``
(given to the role groups by the data migration ``0003_role_groups_and_permissions``) and the guardian grant
``reference.work_in_department`` on the meeting's département. National roles only read.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from reference.models import Department, Region

UserLike = Any  # accounts.User or AnonymousUser


def can_view(user: UserLike) -> bool:
    return bool(user.is_active and user.has_perm("workflows.view_steering"))


def can_work(user: UserLike, department: Department | None) -> bool:
    """Organise the meetings of ``department`` (prefecture roles, own département only)."""
    if isinstance(user, AnonymousUser) or not user.is_active or department is None:
        return False
    return bool(user.has_perm("workflows.work_steering") and user.has_perm("reference.work_in_department", department))


def can_work_in_region(user: UserLike, region: Region | None) -> bool:
    """The regional conference of funders is organised around the regional prefect: any
    prefecture of the région may record it (the data has no chef-lieu of région)."""
    if isinstance(user, AnonymousUser) or not user.is_active or region is None:
        return False
    if not user.has_perm("workflows.work_steering"):
        return False
    return any(user.has_perm("reference.work_in_department", d) for d in region.departments.all())
