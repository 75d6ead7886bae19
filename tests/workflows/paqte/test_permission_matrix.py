"""Every PAQTE page, action and download × every role × own / other département.

Prefecture roles belong to the Nord (59); "other" is the Pas-de-Calais (62). Outside one's
départements a page is a 404 (existence not disclosed); inside, an action the role may not
do is a 403. National roles see every département; the CGET référent only reviews.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import add_all_axes, company_of, convention_of
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.charter_import import charters_import
from workflows.paqte.models import CharterConvention, PaqteConvention, ReferentDesignation, SemesterReport
from workflows.steering.models import Meeting

pytestmark = pytest.mark.django_db

ANON = None
PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [ANON, *PREFECTURE, *NATIONAL]
WORKERS = {Role.AGENT, Role.PAQTE_REFERENT}


def role_id(role: Role | None) -> str:
    return str(role or "anonyme")


@pytest.fixture
def client_as(client_for: Callable[..., Client]) -> Callable[[Role | None], Client]:
    def make(role: Role | None) -> Client:
        return client_for(role, "59" if role in PREFECTURE else None)

    return make


@pytest.fixture
def worker_of(make_user: MakeUser) -> Callable[[str], User]:
    return lambda code: make_user(Role.AGENT, code)


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def make_convention(worker: User, code: str) -> PaqteConvention:
    convention = services.convention_create(user=worker, company=company_of(), department=department(code))
    add_all_axes(worker, convention)
    return convention


def make_report(worker: User, code: str, *, state: str = "draft", cget: User | None = None) -> SemesterReport:
    report = services.report_create(user=worker, department=department(code), year=2019, semester=1)
    report = services.report_update(user=worker, report=report, organisation="x", pru_count=1, job_seekers_qpv=2)
    if state in ("prefect_validation", "submitted"):
        report = transition_run(case=report, user=worker, name="send_to_validation")
    if state == "submitted":
        validator = User.objects.filter(role=Role.PREFECT_VALIDATOR, organisation__department__code=code).first()
        assert validator is not None
        report = transition_run(case=report, user=validator, name="validate")
    return report


def make_charter(code: str) -> CharterConvention:
    from tests.workflows.paqte.test_charter import csv_of, line

    charters_import(content=csv_of(line(f"P-{code}", department=code, date_fin="31/12/2030")))
    return CharterConvention.objects.get(reference=f"P-{code}")


def page_status(role: Role | None, *, own: bool) -> int:
    if role is None:
        return 302
    if role in PREFECTURE and not own:
        return 404
    return 200


def action_status(role: Role | None, *, own: bool, allowed: set[Role]) -> int:
    if role is None:
        return 302
    if role in PREFECTURE and not own:
        return 404
    return 302 if role in allowed else 403


# --- Pages and downloads -----------------------------------------------------------------------

CASE_PAGES = ["department", "convention", "charter", "report", "report_pdf", "report_xlsx"]


def case_url(page: str, code: str, worker: User) -> str:
    if page == "department":
        return f"/paqte/departements/{code}/"
    if page == "convention":
        return f"/paqte/conventions/{make_convention(worker, code).pk}/"
    if page == "charter":
        return f"/paqte/chartes/{make_charter(code).pk}/"
    report = make_report(worker, code)
    suffix = {"report": "", "report_pdf": "bilan.pdf", "report_xlsx": "bilan.xlsx"}[page]
    return f"/paqte/bilans/{report.pk}/{suffix}"


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("page", CASE_PAGES)
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_case_pages_and_downloads(
    client_as: Callable[[Role | None], Client],
    worker_of: Callable[[str], User],
    role: Role | None,
    page: str,
    own: bool,
) -> None:
    code = "59" if own else "62"
    url = case_url(page, code, worker_of(code))
    response = client_as(role).get(url)
    assert response.status_code == page_status(role, own=own), url
    if response.status_code == 302:
        assert response["Location"].startswith("/connexion/?next=")


COMMON = ["/paqte/", "/paqte/conventions/", "/paqte/chartes/", "/paqte/bilans/"]


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("url", COMMON)
def test_common_pages(client_as: Callable[[Role | None], Client], role: Role | None, url: str) -> None:
    assert client_as(role).get(url).status_code == (302 if role is None else 200)


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize(
    ("url", "allowed"),
    [("/taches/revue-cget/", {Role.CGET_REFERENT}), ("/paqte/conventions/nouvelle/", WORKERS)],
    ids=["review-queue", "new-convention"],
)
def test_role_pages(
    client_as: Callable[[Role | None], Client], role: Role | None, url: str, allowed: set[Role]
) -> None:
    expected = 302 if role is None else 200 if role in allowed else 403
    assert client_as(role).get(url).status_code == expected


def test_lists_show_only_the_own_department(
    client_as: Callable[[Role | None], Client], worker_of: Callable[[str], User]
) -> None:
    mine, theirs = make_convention(worker_of("59"), "59"), make_convention(worker_of("62"), "62")
    mine_report, their_report = make_report(worker_of("59"), "59"), make_report(worker_of("62"), "62")
    make_charter("59"), make_charter("62")
    agent = client_as(Role.AGENT)
    body = agent.get("/paqte/conventions/").content.decode()
    assert mine.company.name in body and theirs.company.name not in body
    body = agent.get("/paqte/bilans/").content.decode()
    assert f"/paqte/bilans/{mine_report.pk}/" in body and f"/paqte/bilans/{their_report.pk}/" not in body
    body = agent.get("/paqte/chartes/").content.decode()
    assert "P-59" in body and "P-62" not in body
    body = agent.get("/paqte/").content.decode()
    assert "/paqte/departements/59/" in body and "/paqte/departements/62/" not in body
    national = client_as(Role.CGET_REFERENT).get("/paqte/conventions/").content.decode()
    assert mine.company.name in national and theirs.company.name in national


# --- Actions -------------------------------------------------------------------------------------


def setup_action(action: str, code: str, worker: User) -> tuple[str, dict[str, Any], Callable[[], bool]]:
    """(url, POST data, did-it-happen check) for one action on a case of département ``code``."""
    if action == "convention_start_negotiation":
        convention = make_convention(worker, code)
        return (
            f"/paqte/conventions/{convention.pk}/actions/start_negotiation/",
            {},
            lambda: PaqteConvention.objects.get(pk=convention.pk).state == "negotiation",
        )
    if action == "objective_add":
        convention = services.convention_create(user=worker, company=company_of(), department=department(code))
        from workflows.paqte.models import KeyIndicator

        indicator = KeyIndicator.objects.first()
        assert indicator is not None
        return (
            f"/paqte/conventions/{convention.pk}/objectifs/",
            {"indicator": indicator.pk, "target": 3},
            lambda: convention.objectives.count() == 1,
        )
    if action == "result_record":
        convention = convention_of(worker, department(code), state="active")
        objective = convention.objectives.first()
        assert objective is not None and convention.signed_on is not None
        year = convention.signed_on.year
        return (
            f"/paqte/conventions/{convention.pk}/resultats/",
            {
                "objective": objective.pk,
                "year": year,
                "semester": 1 if convention.signed_on.month <= 6 else 2,
                "value": 7,
            },
            lambda: objective.results.filter(value=7).exists(),
        )
    if action == "charter_offer":
        charter = make_charter(code)
        return (
            f"/paqte/chartes/{charter.pk}/actions/offer/",
            {},
            lambda: CharterConvention.objects.get(pk=charter.pk).state == "offered",
        )
    if action == "referent_save":
        return (
            f"/paqte/departements/{code}/referent/",
            {"name": "Camille Martin", "function": "Chargée de mission", "email": "c@m.fr", "phone": "0320"},
            lambda: ReferentDesignation.objects.filter(department__code=code).exists(),
        )
    if action == "meeting_add":
        return (
            f"/paqte/departements/{code}/comite/reunions/",
            {"kind": "paqte_checkpoint", "held_on": "2019-05-02", "minutes": "Point d'étape"},
            lambda: Meeting.objects.filter(kind__in=Meeting.PAQTE_KINDS, department__code=code).exists(),
        )
    if action == "report_send_to_validation":
        report = make_report(worker, code)
        return (
            f"/paqte/bilans/{report.pk}/actions/send_to_validation/",
            {},
            lambda: SemesterReport.objects.get(pk=report.pk).state == "prefect_validation",
        )
    if action == "report_update":
        report = make_report(worker, code)
        return (
            f"/paqte/bilans/{report.pk}/",
            {"organisation": "Délégué du préfet", "pru_count": 4, "job_seekers_qpv": 10},
            lambda: SemesterReport.objects.get(pk=report.pk).organisation == "Délégué du préfet",
        )
    if action == "report_validate":
        report = make_report(worker, code, state="prefect_validation")
        return (
            f"/paqte/bilans/{report.pk}/actions/validate/",
            {},
            lambda: SemesterReport.objects.get(pk=report.pk).state == "submitted",
        )
    if action == "report_approve":
        report = make_report(worker, code, state="submitted")
        return (
            f"/paqte/bilans/{report.pk}/actions/approve/",
            {},
            lambda: SemesterReport.objects.get(pk=report.pk).state == "approved",
        )
    raise AssertionError(action)


ACTIONS = {
    "convention_start_negotiation": WORKERS,
    "objective_add": WORKERS,
    "result_record": WORKERS,
    "charter_offer": WORKERS,
    "referent_save": WORKERS,
    "meeting_add": WORKERS,
    "report_send_to_validation": WORKERS,
    "report_update": WORKERS,
    "report_validate": {Role.PREFECT_VALIDATOR},
    "report_approve": {Role.CGET_REFERENT},
}


@pytest.mark.parametrize("role", ROLES, ids=role_id)
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("own", [True, False], ids=["own", "other"])
def test_actions(
    client_as: Callable[[Role | None], Client],
    worker_of: Callable[[str], User],
    make_user: MakeUser,
    role: Role | None,
    action: str,
    own: bool,
) -> None:
    code = "59" if own else "62"
    make_user(Role.PREFECT_VALIDATOR, code)
    client = client_as(role)
    url, data, happened = setup_action(action, code, worker_of(code))
    response = client.post(url, data)
    expected = action_status(role, own=own, allowed=ACTIONS[action])
    assert response.status_code == expected, (url, response.status_code)
    assert happened() is (expected == 302 and role is not None)


def test_refused_transition_is_explained_in_french(client_as: Callable[[Role | None], Client], worker_of) -> None:
    convention = services.convention_create(user=worker_of("59"), company=company_of(), department=department("59"))
    client = client_as(Role.AGENT)
    response = client.post(f"/paqte/conventions/{convention.pk}/actions/start_negotiation/", follow=True)
    assert "La convention doit comporter au moins un objectif." in response.content.decode()
    response = client.post(f"/paqte/conventions/{convention.pk}/actions/activate/", follow=True)
    assert "Cette action n&#x27;est pas possible dans l&#x27;état « Brouillon »." in response.content.decode()
