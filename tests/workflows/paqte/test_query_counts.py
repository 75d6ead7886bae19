"""The SQL queries of the report and of every PAQTE list page do not grow with the number of
companies and conventions (measured with 1 and with 200)."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import make_siret
from workflows.paqte import services
from workflows.paqte.models import (
    CharterConvention,
    Company,
    KeyIndicator,
    Objective,
    PaqteConvention,
    SemesterReport,
    SemesterResult,
)

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2019, 3, 1)


def count(client: Client, url: str) -> int:
    client.get(url)  # warm per-process caches (content types) first
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def add_cases(department: Department, start: int, how_many: int) -> None:
    """``how_many`` companies, each with an active convention (four objectives with results, one
    specific commitment), a charter convention and a submitted report (bulk, for speed)."""
    companies = Company.objects.bulk_create(
        Company(
            siret=make_siret(),
            name=f"Entreprise {n:04d}",
            size=Company.Size.PME,
            sector="Commerce",
            address="Lille",
            signature_level="local",
        )
        for n in range(start, start + how_many)
    )
    conventions = PaqteConvention.objects.bulk_create(
        PaqteConvention(
            company=c, department=department, state="active", signed_on=SIGNED, ends_on=datetime.date(2022, 2, 28)
        )
        for c in companies
    )
    indicators = list(KeyIndicator.objects.order_by("position"))[::2]
    objectives = Objective.objects.bulk_create(
        [Objective(convention=c, axis=i.axis, indicator=i, target=10) for c in conventions for i in indicators]
        + [Objective(convention=c, axis="hiring", label="Job dating", target=2) for c in conventions]
    )
    SemesterResult.objects.bulk_create(SemesterResult(objective=o, year=2019, semester=1, value=3) for o in objectives)
    CharterConvention.objects.bulk_create(
        CharterConvention(
            department=department,
            reference=f"Q-{n}",
            company=c,
            signed_on=datetime.date(2016, 1, 1),
            ends_on=datetime.date(2019, 12, 31),
            state="migrated" if n % 2 else "active",
        )
        for n, c in enumerate(companies, start=start)
    )
    SemesterReport.objects.bulk_create(
        SemesterReport(department=department, year=2100 + n, semester=1, state="submitted", organisation="x")
        for n in range(start, start + how_many)
    )


@pytest.fixture
def agent_client(make_user: MakeUser) -> tuple[User, Client]:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    return agent, client


def report_url(agent: User, nord: Department, suffix: str = "") -> str:
    report = services.report_create(user=agent, department=nord, year=2019, semester=1)
    return f"/paqte/bilans/{report.pk}/{suffix}"


PAGES: dict[str, Callable[[User, Department], str]] = {
    "home": lambda a, d: "/paqte/",
    "department": lambda a, d: "/paqte/departements/59/",
    "conventions": lambda a, d: "/paqte/conventions/",
    "charters": lambda a, d: "/paqte/chartes/",
    "reports": lambda a, d: "/paqte/bilans/",
    "report": lambda a, d: report_url(a, d),
    "report_pdf": lambda a, d: report_url(a, d, "bilan.pdf"),
    "report_xlsx": lambda a, d: report_url(a, d, "bilan.xlsx"),
    "new_convention": lambda a, d: "/paqte/conventions/nouvelle/",
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_queries_constant_for_the_agent(agent_client: tuple[User, Client], nord: Department, page: str) -> None:
    agent, client = agent_client
    url = PAGES[page](agent, nord)
    add_cases(nord, 1, 1)
    with_one = count(client, url)
    add_cases(nord, 2, 199)
    assert PaqteConvention.objects.filter(department=nord).count() == 200
    assert count(client, url) == with_one


@pytest.mark.parametrize("url", ["/paqte/", "/paqte/conventions/", "/paqte/chartes/", "/paqte/bilans/"])
def test_queries_constant_for_the_cget(
    make_user: MakeUser, nord: Department, pas_de_calais: Department, url: str
) -> None:
    client = Client()
    client.force_login(make_user(Role.CGET_REFERENT))
    add_cases(nord, 1, 1)
    with_one = count(client, url)
    add_cases(pas_de_calais, 2, 199)
    body = client.get(url).content.decode()
    assert count(client, url) == with_one
    assert "Pas-de-Calais" in body or url != "/paqte/"


def test_report_figures_with_200_conventions(agent_client: tuple[User, Client], nord: Department) -> None:
    agent, client = agent_client
    add_cases(nord, 1, 200)
    body = client.get(report_url(agent, nord)).content.decode()
    # 200 conventions × a result of 3 on each of the retained indicators.
    assert 'data-figure="bilan-realise-' in body and ">600</a></td>" in body


@pytest.mark.parametrize("role", [Role.AGENT, Role.CGET_REFERENT])
def test_task_queue_queries_constant(make_user: MakeUser, nord: Department, role: Role) -> None:
    from workflows.cases.tasks import workflow_start

    client = Client()
    client.force_login(make_user(role, "59" if role == Role.AGENT else None))

    def start(start: int, how_many: int) -> None:
        add_cases(nord, start, how_many)
        for convention in PaqteConvention.objects.filter(company__name__gte=f"Entreprise {start:04d}").order_by("pk")[
            :how_many
        ]:
            workflow_start(case=convention)
        for report in SemesterReport.objects.filter(department=nord, year__gte=2100 + start)[:how_many]:
            process = workflow_start(case=report)
            from viewflow.workflow.models import Task

            # Bring the report's task to the CGET review without the service, for speed.
            Task.objects.filter(process=process).update(
                flow_task=process.flow_class.review, owner_permission="workflows.review_paqte"
            )

    start(1, 1)
    with_one = count(client, "/taches/file/")
    start(2, 199)
    body = client.get("/taches/file/").content.decode()
    assert "File du département (200)" in body
    assert count(client, "/taches/file/") == with_one
