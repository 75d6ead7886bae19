"""Roles, organisations and the département scope selector."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.test import Client

import pytest

from accounts.models import Organisation, Role
from accounts.selectors import department_scope, scoped, sees_all_departments
from accounts.services import AccountError, department_grant, organisations_ensure, user_assign
from reference.models import CityContract, Department
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_one_prefecture_per_department_and_one_cget() -> None:
    assert organisations_ensure() == 0  # already there: idempotent
    assert Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE).count() == 101
    assert Organisation.objects.filter(kind=Organisation.Kind.CGET).count() == 1


@pytest.mark.parametrize("role", [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR])
def test_prefecture_roles_see_their_department_only(make_user: MakeUser, role: Role) -> None:
    user = make_user(role, "59")
    assert list(department_scope(user).values_list("code", flat=True)) == ["59"]
    assert not sees_all_departments(user)
    assert user.has_perm("reference.work_in_department", Department.objects.get(code="59"))
    assert not user.has_perm("reference.work_in_department", Department.objects.get(code="62"))
    assert set(scoped(CityContract.objects.all(), user).values_list("department_code", flat=True)) == {"59"}


@pytest.mark.parametrize("role", [Role.CGET_REFERENT, Role.NATIONAL_ADMIN])
def test_national_roles_see_everything_including_overseas_collectivities(make_user: MakeUser, role: Role) -> None:
    user = make_user(role)
    assert department_scope(user).count() == 101
    assert scoped(CityContract.objects.all(), user).count() == 434
    assert sees_all_departments(user)


def test_anonymous_and_inactive_users_see_nothing(make_user: MakeUser) -> None:
    assert department_scope(AnonymousUser()).count() == 0
    user = make_user(Role.CGET_REFERENT)
    user.is_active = False
    user.save()
    assert department_scope(user).count() == 0
    assert scoped(CityContract.objects.all(), user).count() == 0


def test_an_extra_grant_widens_the_scope(make_user: MakeUser, pas_de_calais: Department) -> None:
    user = make_user(Role.AGENT, "59")
    department_grant(user=user, department=pas_de_calais)
    assert sorted(department_scope(user).values_list("code", flat=True)) == ["59", "62"]


def test_moving_an_agent_to_another_prefecture_moves_the_scope(make_user: MakeUser) -> None:
    user = make_user(Role.AGENT, "59")
    user_assign(user=user, role=Role.AGENT, organisation=Organisation.objects.get(department__code="62"))
    assert list(department_scope(user).values_list("code", flat=True)) == ["62"]
    assert list(user.groups.values_list("name", flat=True)) == ["Agent de préfecture"]


@pytest.mark.parametrize(
    ("role", "kind", "message"),
    [
        (Role.AGENT, "cget", "Le rôle « Agent de préfecture » s'exerce dans une préfecture."),
        (Role.CGET_REFERENT, "prefecture", "Le rôle « Référent CGET » s'exerce au CGET."),
    ],
)
def test_role_in_the_wrong_organisation_is_refused(make_user: MakeUser, role: Role, kind: str, message: str) -> None:
    user = make_user(Role.AGENT, "59")
    organisation = Organisation.objects.filter(kind=kind).first()
    with pytest.raises(AccountError, match=message):
        user_assign(user=user, role=role, organisation=organisation)


def test_login_is_by_email_case_insensitively(make_user: MakeUser, client: Client) -> None:
    user = make_user(Role.AGENT, "59", email="Claire.Dupont@Nord.gouv.fr")
    user.set_password("un mot de passe solide")
    user.save()
    assert user.email == "claire.dupont@nord.gouv.fr"
    response = client.post(
        "/connexion/", {"username": "Claire.DUPONT@nord.gouv.fr", "password": "un mot de passe solide"}
    )
    assert response.status_code == 302
    response = Client().post("/connexion/", {"username": "CLAIRE.dupont@nord.gouv.fr", "password": "faux"})
    assert "Adresse électronique ou mot de passe incorrect." in response.content.decode()
