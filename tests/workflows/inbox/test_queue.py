"""The one inbox: every case kind's tasks in Mes tâches, the département's queue and the CGET's
review queue, scoped by the case's département and the task's role, in a constant number of
queries."""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow import lock
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import renewal_in
from tests.workflows.synthesis.helpers import TEXT
from workflows.cases import registry
from workflows.cases.flows import QuartiersFlowMixin
from workflows.cases.runner import transition_run
from workflows.inbox import selectors
from workflows.paqte import services as paqte
from workflows.renewal.services import renewal_launch
from workflows.synthesis.services import synthesis_save

pytestmark = pytest.mark.django_db


def test_every_registered_flow_uses_the_select_for_update_lock() -> None:
    flows = registry.flows()
    assert len(flows) == 6  # renovation, four PAQTE kinds, synthesis
    for flow_class in flows:
        assert issubclass(flow_class, QuartiersFlowMixin)
        assert flow_class.lock_impl is lock.select_for_update_lock


def waiting_for_the_valideur(department: Department, agent: User, validator: User) -> None:
    """A renovation protocol, a PAQTE report and a synthesis, each waiting for the prefect."""
    renewal_in(
        "prefect_validation", agent=agent, validator=validator, contract_index=1 if department.code == "59" else 0
    )
    report = paqte.report_create(user=agent, department=department, year=2019, semester=1)
    report = paqte.report_update(user=agent, report=report, organisation="x", pru_count=1, job_seekers_qpv=1)
    transition_run(case=report, user=agent, name="send_to_validation")
    synthesis = synthesis_save(user=agent, department=department, year=2019, **TEXT)
    transition_run(user=agent, case=synthesis, name="send_to_validation")


def test_the_valideur_queue_holds_every_case_kind_of_his_departement_only(make_user: MakeUser) -> None:
    nord = Department.objects.get(code="59")
    agent, validator = make_user(Role.AGENT, "59"), make_user(Role.PREFECT_VALIDATOR, "59")
    waiting_for_the_valideur(nord, agent, validator)
    # The same in the Pas-de-Calais: none of it may show in the Nord.
    contract = CityContract.objects.filter(department__code="62").order_by("code").first()
    assert contract is not None
    renewal_launch(city_contract=contract, user=make_user(Role.AGENT, "62"))

    kinds = sorted(row.kind_label for row in selectors.task_rows(selectors.task_queue(user=validator)))
    assert kinds == ["Bilan semestriel PAQTE", "Rénovation du contrat de ville", "Synthèse du préfet"]
    # The agent's queue has none of the valideur's tasks; the Pas-de-Calais valideur none of the Nord's.
    assert not [t for t in selectors.task_queue(user=agent) if t.flow_task.name == "validate"]
    assert selectors.task_queue(user=make_user(Role.PREFECT_VALIDATOR, "62")).count() == 0
    # Filters: by kind, by département.
    assert selectors.task_queue(user=validator, kind="synthesis").count() == 1
    assert selectors.task_queue(user=validator, department="62").count() == 0

    client = Client()
    client.force_login(validator)
    body = client.get("/taches/file/").content.decode()
    assert "File du département (3)" in body
    assert "Valider le protocole (préfet)" in body and "Bilan semestriel PAQTE" in body and "Synthèse du préfet" in body


def test_the_cget_review_queue_holds_every_submission(make_user: MakeUser) -> None:
    nord = Department.objects.get(code="59")
    agent, validator, cget = (
        make_user(Role.AGENT, "59"),
        make_user(Role.PREFECT_VALIDATOR, "59"),
        make_user(Role.CGET_REFERENT),
    )
    renewal_in("cget_review", agent=agent, validator=validator)
    report = paqte.report_create(user=agent, department=nord, year=2019, semester=1)
    report = paqte.report_update(user=agent, report=report, organisation="x", pru_count=1, job_seekers_qpv=1)
    report = transition_run(case=report, user=agent, name="send_to_validation")
    transition_run(case=report, user=validator, name="validate")
    rows = selectors.task_rows(selectors.cget_review_queue(user=cget))
    assert sorted(row.kind_label for row in rows) == ["Bilan semestriel PAQTE", "Rénovation du contrat de ville"]
    assert selectors.cget_review_queue(user=agent).count() == 0
    client = Client()
    client.force_login(cget)
    assert "Revue CGET (2)" in client.get("/taches/revue-cget/").content.decode()
    # The former addresses lead there.
    assert client.get("/renovations/revue-cget/")["Location"] == "/taches/revue-cget/"
    assert client.get("/paqte/examen/")["Location"] == "/taches/revue-cget/"
    assert client.get("/paqte/taches/")["Location"] == "/taches/file/"
    agent_client = Client()
    agent_client.force_login(agent)
    assert agent_client.get("/taches/revue-cget/").status_code == 403


def test_inbox_lists_the_tasks_assigned_to_the_user(make_user: MakeUser) -> None:
    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    for index, owner in enumerate([agent, agent, colleague, None]):
        renewal, _ = renewal_launch(
            city_contract=CityContract.objects.filter(department__code="59").order_by("code")[index], user=agent
        )
        if owner is not None:
            Task.objects.filter(process__artifact_object_id=renewal.pk, status=STATUS.NEW).update(
                owner=owner, status=STATUS.ASSIGNED
            )
    assert selectors.task_inbox(user=agent).count() == 2
    assert selectors.task_queue(user=agent).count() == 1
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/").content.decode()
    assert "À traiter (2)" in body and "Enregistrer l&#x27;évaluation à mi-parcours" in body


def test_pages_are_empty_without_tasks(client_for: Callable[..., Client]) -> None:
    client = client_for(Role.AGENT, "59")
    assert "Aucune tâche ne vous est attribuée." in client.get("/taches/").content.decode()
    assert "Aucune tâche en attente" in client.get("/taches/file/").content.decode()


def count_queries(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", ["/taches/", "/taches/file/"])
def test_task_pages_queries_do_not_grow_with_rows(make_user: MakeUser, url: str) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)
    contracts = list(CityContract.objects.filter(department__code="59").order_by("code")[:12])

    def launch(chosen: list[CityContract]) -> None:
        for contract in chosen:
            renewal, _ = renewal_launch(city_contract=contract, user=agent)
            if url == "/taches/":
                Task.objects.filter(process__artifact_object_id=renewal.pk, status=STATUS.NEW).update(
                    owner=agent, status=STATUS.ASSIGNED
                )

    launch(contracts[:1])
    paqte.report_create(user=agent, department=Department.objects.get(code="59"), year=2019, semester=1)
    with_one = count_queries(client, url)
    launch(contracts[1:])
    paqte.report_create(user=agent, department=Department.objects.get(code="59"), year=2019, semester=2)
    with_many = count_queries(client, url)
    assert with_one == with_many
