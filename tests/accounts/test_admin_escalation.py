"""Nobody raises his own rights in the Django admin (OWASP ASVS 5.0 8.2.1, 8.2.3, 8.3.1).

Only a superuser changes ``is_superuser``, ``is_staff``, groups and permissions, or another
national account; a national administrator gives only the roles below his own; API tokens are
for superusers' eyes only. Driven through the real admin with the test client, forged POSTs
included."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

import pytest
from rest_framework.authtoken.models import Token

from accounts.admin import UserChangeForm
from accounts.models import Organisation, Role, User
from accounts.services import role_group
from tests.clients import logged
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test"  # tests/factories.py


def change_url(user: User) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def form_data(user: User, **changes: Any) -> dict[str, Any]:
    """What the change form posts for ``user``, with ``changes`` on top (as a browser would)."""
    data: dict[str, Any] = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "organisation": user.organisation_id or "",
        "is_active": "on" if user.is_active else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def snapshot(user: User) -> tuple[Any, ...]:
    user = User.objects.get(pk=user.pk)
    return (
        user.email,
        user.first_name,
        user.role,
        user.organisation_id,
        user.is_active,
        user.is_staff,
        user.is_superuser,
        user.password,
        sorted(user.groups.values_list("name", flat=True)),
        sorted(user.user_permissions.values_list("codename", flat=True)),
    )


@pytest.fixture
def national_admin(make_user: MakeUser) -> User:
    return make_user(Role.NATIONAL_ADMIN)


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser(email="super@quartiers.gouv.fr", password=PASSWORD)


@pytest.fixture
def cget() -> Organisation:
    return Organisation.objects.get(kind=Organisation.Kind.CGET)


def forged(user: User, **changes: Any) -> dict[str, Any]:
    """The change form of ``user`` plus every right a superuser could tick."""
    return form_data(
        user,
        is_superuser="on",
        is_staff="on",
        groups=role_group(Role.NATIONAL_ADMIN).pk,
        user_permissions=Permission.objects.get(codename="view_tokenproxy").pk,
        **changes,
    )


# --- Rights beyond a role: superusers only ---


def test_the_national_admin_does_not_see_the_advanced_rights(national_admin: User, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    body = logged(national_admin).get(change_url(agent)).content.decode()
    assert 'name="first_name"' in body  # he may change the agent…
    for field in ("is_superuser", "is_staff", "groups", "user_permissions"):
        assert f'name="{field}"' not in body, field  # … but not these


def test_a_forged_superuser_post_on_an_agent_changes_no_right(national_admin: User, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    response = logged(national_admin).post(change_url(agent), forged(agent, first_name="Renommé"))
    assert response.status_code == 302  # the allowed field is saved…
    agent.refresh_from_db()
    assert agent.first_name == "Renommé"
    # … the rights are not.
    assert not agent.is_superuser and not agent.is_staff
    assert list(agent.groups.all()) == [role_group(Role.AGENT)]
    assert not agent.user_permissions.exists()


def test_a_forged_superuser_post_on_his_own_account_is_refused(national_admin: User) -> None:
    before = snapshot(national_admin)
    response = logged(national_admin).post(change_url(national_admin), forged(national_admin))
    assert response.status_code == 403
    assert snapshot(national_admin) == before
    assert not User.objects.get(pk=national_admin.pk).is_superuser


def test_after_a_forged_post_the_token_admin_stays_closed(national_admin: User, make_user: MakeUser) -> None:
    """The whole chain of the report: tick is_superuser, then read the tokens."""
    Token.objects.create(user=make_user(Role.AGENT, "59"))
    client = logged(national_admin)
    client.post(change_url(national_admin), forged(national_admin))
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 403
    assert Token.objects.get().key not in response.content.decode()


# --- Roles: only those below one's own ---


def test_the_national_admin_role_is_not_offered_to_a_national_admin(national_admin: User, make_user: MakeUser) -> None:
    client = logged(national_admin)
    agent = make_user(Role.AGENT, "59")
    for url in (change_url(agent), "/admin/accounts/user/add/"):
        body = client.get(url).content.decode()
        assert 'value="cget_referent"' in body and 'value="agent"' in body, url
        assert 'value="national_admin"' not in body, url


def test_the_national_admin_cannot_grant_the_national_admin_role(
    national_admin: User, make_user: MakeUser, cget: Organisation
) -> None:
    agent = make_user(Role.AGENT, "59")
    before = snapshot(agent)
    client = logged(national_admin)
    response = client.post(change_url(agent), form_data(agent, role=Role.NATIONAL_ADMIN, organisation=cget.pk))
    assert response.status_code == 200  # the form again, with its error
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert snapshot(agent) == before
    # Nor by creating the account.
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nouvel.admin@quartiers.gouv.fr",
            "role": Role.NATIONAL_ADMIN,
            "organisation": cget.pk,
            "password1": "cheval agrafe batterie correcte",
            "password2": "cheval agrafe batterie correcte",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="nouvel.admin@quartiers.gouv.fr").exists()


def test_the_national_admin_gives_the_roles_below_his_own(
    national_admin: User, make_user: MakeUser, cget: Organisation
) -> None:
    agent = make_user(Role.AGENT, "59")
    client = logged(national_admin)
    response = client.post(change_url(agent), form_data(agent, role=Role.CGET_REFERENT, organisation=cget.pk))
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.role == Role.CGET_REFERENT and list(agent.groups.all()) == [role_group(Role.CGET_REFERENT)]
    assert not agent.is_staff
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": "nouvel.agent@quartiers.gouv.fr",
            "role": Role.AGENT,
            "organisation": Organisation.objects.get(department__code="62").pk,
            "password1": "cheval agrafe batterie correcte",
            "password2": "cheval agrafe batterie correcte",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()
    created = User.objects.get(email="nouvel.agent@quartiers.gouv.fr")
    assert created.role == Role.AGENT and not created.is_staff and not created.is_superuser


# --- Other national accounts: superusers only ---


@pytest.mark.parametrize("kind", ["other national admin", "superuser"])
def test_the_national_admin_cannot_change_an_account_at_or_above_his_own(
    national_admin: User, make_user: MakeUser, kind: str
) -> None:
    if kind == "superuser":
        target = User.objects.create_superuser(email="super@quartiers.gouv.fr", password=PASSWORD)
    else:
        target = make_user(Role.NATIONAL_ADMIN)
    before = snapshot(target)
    client = logged(national_admin)
    page = client.get(change_url(target))
    assert page.status_code == 200 and 'name="first_name"' not in page.content.decode()  # read-only
    assert client.post(change_url(target), form_data(target, first_name="Pris", is_active="")).status_code == 403
    password_url = f"/admin/accounts/user/{target.pk}/password/"
    assert client.get(password_url).status_code == 403
    new_password = {"password1": "cheval agrafe batterie correcte", "password2": "cheval agrafe batterie correcte"}
    assert client.post(password_url, new_password).status_code == 403
    assert client.post(f"/admin/accounts/user/{target.pk}/delete/", {"post": "yes"}).status_code == 403
    assert snapshot(target) == before


def test_even_with_delete_permission_a_national_admin_deletes_no_national_account(
    national_admin: User, make_user: MakeUser
) -> None:
    """``has_delete_permission`` is checked per object, so the "delete selected" action refuses too."""
    national_admin.user_permissions.add(Permission.objects.get(codename="delete_user"))
    other = make_user(Role.NATIONAL_ADMIN)
    agent = make_user(Role.AGENT, "59")
    client = logged(national_admin)
    assert client.post(f"/admin/accounts/user/{other.pk}/delete/", {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/accounts/user/", {"action": "delete_selected", "_selected_action": [other.pk, agent.pk], "post": "yes"}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=other.pk).exists()
    assert User.objects.filter(pk=agent.pk).exists()


def test_the_national_admin_manages_a_cget_referent(national_admin: User, make_user: MakeUser) -> None:
    referent = make_user(Role.CGET_REFERENT)
    response = logged(national_admin).post(change_url(referent), forged(referent, first_name="Référente"))
    assert response.status_code == 302
    referent.refresh_from_db()
    assert referent.first_name == "Référente" and not referent.is_superuser and not referent.is_staff


# --- API tokens: superusers only ---


def test_the_token_admin_is_closed_to_the_national_admin(national_admin: User, make_user: MakeUser) -> None:
    token = Token.objects.create(user=make_user(Role.AGENT, "59"))
    client = logged(national_admin)
    assert "authtoken" not in client.get("/admin/").content.decode()
    for url in (
        "/admin/authtoken/tokenproxy/",
        f"/admin/authtoken/tokenproxy/{token.user_id}/change/",
        "/admin/authtoken/tokenproxy/add/",
        "/admin/authtoken/",
    ):
        assert client.get(url).status_code in (403, 404), url
    # Even holding the model permissions (a group set up by mistake), he does not get in.
    national_admin.user_permissions.add(*Permission.objects.filter(content_type__app_label="authtoken"))
    client = logged(User.objects.get(pk=national_admin.pk))
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 403 and token.key not in response.content.decode()
    assert client.post("/admin/authtoken/tokenproxy/add/", {"user": national_admin.pk}).status_code == 403
    assert not Token.objects.filter(user=national_admin).exists()


# --- A superuser can do all of it ---


def test_a_superuser_can_do_all_of_it(superuser: User, make_user: MakeUser, cget: Organisation) -> None:
    client = logged(superuser)
    agent = make_user(Role.AGENT, "59")
    body = client.get(change_url(agent)).content.decode()
    assert 'name="is_superuser"' in body and 'value="national_admin"' in body
    data = form_data(agent, is_superuser="on")
    assert client.post(change_url(agent), data).status_code == 302
    assert User.objects.get(pk=agent.pk).is_superuser
    other = make_user(Role.AGENT, "62")
    response = client.post(change_url(other), form_data(other, role=Role.NATIONAL_ADMIN, organisation=cget.pk))
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.role == Role.NATIONAL_ADMIN and other.is_staff
    assert list(other.groups.all()) == [Group.objects.get(name=Role.NATIONAL_ADMIN.label)]
    national = make_user(Role.NATIONAL_ADMIN)
    assert client.post(change_url(national), form_data(national, first_name="Changé")).status_code == 302
    assert User.objects.get(pk=national.pk).first_name == "Changé"
    token = Token.objects.create(user=national)
    response = client.get("/admin/authtoken/tokenproxy/")
    assert response.status_code == 200 and token.key in response.content.decode()


# --- The guards behind the form ---


def test_the_form_refuses_a_role_above_the_actor_in_french(national_admin: User, make_user: MakeUser) -> None:
    """Without the admin's narrowed choices (another form built on it), ``clean_role`` refuses."""
    agent = make_user(Role.AGENT, "59")
    form_class = type("Form", (UserChangeForm,), {"actor": national_admin})
    data = form_data(agent, role=Role.NATIONAL_ADMIN, organisation=Organisation.objects.get(kind="cget").pk)
    form = form_class(data, instance=agent)
    assert not form.is_valid()
    assert form.errors["role"] == ["Vous ne pouvez pas attribuer le rôle « Administrateur national »."]


@pytest.mark.parametrize("field", ["is_superuser", "is_staff"])
def test_save_model_refuses_rights_set_by_another_way(national_admin: User, make_user: MakeUser, field: str) -> None:
    agent = make_user(Role.AGENT, "59")
    request = RequestFactory().post("/admin/accounts/user/")
    request.user = national_admin
    setattr(agent, field, True)
    with pytest.raises(PermissionDenied):
        admin.site._registry[User].save_model(request, agent, form=None, change=True)
    assert not getattr(User.objects.get(pk=agent.pk), field)
