"""Who may do what on the prefect's synthesis: a role permission (given to the role groups by
data migration ``0003_role_groups_and_permissions``) and, for prefecture roles, the guardian grant
``reference.work_in_department`` on the synthesis's département. Reading goes with ``workflows.view_steering``.

- agent de préfecture: writes the draft and sends it to validation (``work_synthesis``);
- valideur préfectoral: sends it back or submits it to the CGET (``validate_synthesis``);
- référent CGET: approves it or returns it with a comment (``review_synthesis``, national).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser

from reference.models import Department

UserLike = Any  # accounts.User or AnonymousUser


def _active(user: UserLike) -> bool:
    return not isinstance(user, AnonymousUser) and bool(user.is_active)


def _in_department(user: UserLike, department: Department | None) -> bool:
    return department is not None and bool(user.has_perm("reference.work_in_department", department))


def can_view(user: UserLike) -> bool:
    return _active(user) and bool(user.has_perm("workflows.view_steering"))


def can_work(user: UserLike, department: Department | None) -> bool:
    return _active(user) and bool(user.has_perm("workflows.work_synthesis")) and _in_department(user, department)


def can_validate(user: UserLike, department: Department | None) -> bool:
    return _active(user) and bool(user.has_perm("workflows.validate_synthesis")) and _in_department(user, department)


def can_review(user: UserLike) -> bool:
    return _active(user) and bool(user.has_perm("workflows.review_synthesis"))
