"""Changes made in the Django admin are recorded by django-auditlog: who, when, which object,
before and after (OWASP ASVS 5.0 16.2.1), never a secret (16.2.5); national administrators
read the log, nobody edits it."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.test import Client

import pytest
from auditlog.models import LogEntry  # type: ignore[import-untyped]

from accounts.models import Organisation, Role, User
from tests.clients import logged
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"  # tests/factories.py


@pytest.fixture
def national_admin(make_user: MakeUser) -> User:
    return make_user(Role.NATIONAL_ADMIN)


def test_an_organisation_renamed_in_the_admin_is_recorded(national_admin: User) -> None:
    organisation = Organisation.objects.get(department__code="59")
    old_name = organisation.name
    response = logged(national_admin).post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "kind": organisation.kind,
            "name": "Préfecture du Nord (Lille)",
            "department": organisation.department_id,
            "head_title": organisation.head_title,
        },
        REMOTE_ADDR="192.0.2.40",
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.actor == national_admin  # who (AuditlogMiddleware)
    assert entry.timestamp is not None  # when
    assert entry.object_repr == "Préfecture du Nord (Lille)"  # which object
    assert entry.changes_dict == {"name": [old_name, "Préfecture du Nord (Lille)"]}  # before and after
    assert entry.remote_addr == "192.0.2.40"


def test_a_user_changed_in_the_admin_is_recorded_without_secrets(national_admin: User, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59", first_name="Claire")
    client = logged(national_admin)
    response = client.post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "email": agent.email,
            "first_name": "Clara",
            "last_name": agent.last_name,
            "role": agent.role,
            "organisation": agent.organisation_id,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    entry = LogEntry.objects.get_for_object(agent).filter(actor=national_admin).get()
    assert entry.action == LogEntry.Action.UPDATE
    assert entry.changes_dict == {"first_name": ["Claire", "Clara"]}
    # A new password, then a login: neither the hash nor the last login reach the log.
    new_password = "cheval agrafe batterie correcte"
    response = client.post(
        f"/admin/accounts/user/{agent.pk}/password/", {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    assert Client().post("/connexion/", {"username": agent.email, "password": new_password}).status_code == 302
    agent.refresh_from_db()
    assert agent.last_login is not None
    for entry in LogEntry.objects.get_for_object(agent):
        assert "password" not in entry.changes_dict and "last_login" not in entry.changes_dict
        assert agent.password not in str(entry.changes)
    assert LogEntry.objects.get_for_object(agent).filter(actor=national_admin).count() == 1
    # That the password was reset, and by whom, stays in Django's own admin history.
    assert AdminLogEntry.objects.filter(user=national_admin, object_id=str(agent.pk)).count() == 2


def test_a_role_change_records_the_groups(national_admin: User, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    logged(national_admin).post(
        f"/admin/accounts/user/{agent.pk}/change/",
        {
            "email": agent.email,
            "first_name": agent.first_name,
            "last_name": agent.last_name,
            "role": Role.PAQTE_REFERENT,
            "organisation": agent.organisation_id,
            "is_active": "on",
        },
    )
    changes = [entry.changes_dict for entry in LogEntry.objects.get_for_object(agent).filter(actor=national_admin)]
    assert {"role": ["agent", "paqte_referent"]} in changes
    groups = [change["groups"] for change in changes if "groups" in change]
    assert groups and {group["operation"] for group in groups} >= {"add", "delete"}


def test_the_national_admin_reads_the_audit_log(national_admin: User) -> None:
    organisation = Organisation.objects.get(department__code="62")
    client = logged(national_admin)
    client.post(
        f"/admin/accounts/organisation/{organisation.pk}/change/",
        {
            "kind": organisation.kind,
            "name": "Préfecture du Pas-de-Calais (Arras)",
            "department": organisation.department_id,
            "head_title": organisation.head_title,
        },
    )
    entry = LogEntry.objects.get_for_object(organisation).get()
    assert "auditlog/logentry" in client.get("/admin/").content.decode()
    listing = client.get("/admin/auditlog/logentry/")
    assert listing.status_code == 200 and "Préfecture du Pas-de-Calais (Arras)" in listing.content.decode()
    detail = client.get(f"/admin/auditlog/logentry/{entry.pk}/change/")
    assert detail.status_code == 200 and 'type="submit" value="Enregistrer"' not in detail.content.decode()
    # Read-only: no change, no addition, no deletion, even by a forged POST.
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/change/", {"object_repr": "x"}).status_code == 403
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_repr == "Préfecture du Pas-de-Calais (Arras)"


@pytest.mark.parametrize("role", [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR, Role.CGET_REFERENT])
def test_other_roles_cannot_read_the_audit_log(make_user: MakeUser, role: Role) -> None:
    user = make_user(role, None if role == Role.CGET_REFERENT else "59")
    response = logged(user).get("/admin/auditlog/logentry/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_staff_without_the_permission_cannot_read_the_audit_log(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    User.objects.filter(pk=user.pk).update(is_staff=True)
    assert logged(User.objects.get(pk=user.pk)).get("/admin/auditlog/logentry/").status_code == 403
