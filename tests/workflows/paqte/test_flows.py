"""The PAQTE work in viewflow: each case starts its process, its human tasks land in the
département's queue (for the right role) or in the CGET's, and the case transitions complete
them; another département never sees them."""

from __future__ import annotations

from typing import Any

from django.test import Client

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import add_all_axes, company_of, convention_of
from workflows.cases.runner import transition_run
from workflows.cases.tasks import process_of
from workflows.inbox import selectors as inbox
from workflows.paqte import services
from workflows.paqte.flows import PAQTE_FLOWS, PaqteConventionFlow, SemesterReportFlow

pytestmark = pytest.mark.django_db


def open_tasks(case: Any) -> list[str]:
    from django.contrib.contenttypes.models import ContentType

    from workflows.paqte.models import PaqteProcess

    process = PaqteProcess.objects.filter(
        artifact_content_type=ContentType.objects.get_for_model(case),
        artifact_object_id=case.pk,
    ).latest("pk")
    return [
        t.flow_task.name
        for t in Task.objects.filter(process=process, status__in=[STATUS.NEW, STATUS.ASSIGNED], flow_task_type="HUMAN")
    ]


def queue_names(user: User) -> list[str]:
    """The PAQTE tasks the user may take or has taken, in the one inbox."""
    tasks = [*inbox.task_queue(user=user), *inbox.task_inbox(user=user)]
    return [t.flow_task.name for t in tasks if t.process.flow_class in PAQTE_FLOWS]


def test_convention_tasks_follow_the_case(agent: User, nord: Department, make_user: MakeUser) -> None:
    other = make_user(Role.AGENT, "62")
    convention = services.convention_create(user=agent, company=company_of(), department=nord)
    process = process_of(convention)
    assert process is not None and process.flow_class is PaqteConventionFlow and process.artifact == convention
    assert open_tasks(convention) == ["negotiate"]
    assert queue_names(agent) == ["negotiate"] and queue_names(other) == []
    assert queue_names(make_user(Role.PREFECT_VALIDATOR, "59")) == []

    add_all_axes(agent, convention)
    transition_run(case=convention, user=agent, name="start_negotiation")
    done = Task.objects.get(process=process, flow_task=PaqteConventionFlow.negotiate)
    assert (done.status, done.owner) == (STATUS.DONE, agent)
    assert open_tasks(convention) == ["sign"]

    convention = transition_run(case=convention, user=agent, name="sign", signed_on=convention.created.date())
    convention = transition_run(case=convention, user=agent, name="activate")
    assert open_tasks(convention) == ["follow_up"]
    transition_run(case=convention, user=agent, name="terminate", reason="Fermeture", comment="Fermeture")
    process.refresh_from_db()
    assert open_tasks(convention) == [] and process.status == PROCESS.CANCELED


def test_report_flow_with_one_return(
    agent: User, validator: User, cget: User, nord: Department, make_user: MakeUser
) -> None:
    report = services.report_create(user=agent, department=nord, year=2019, semester=1)
    report = services.report_update(user=agent, report=report, organisation="x", pru_count=1, job_seekers_qpv=1)
    assert open_tasks(report) == ["prepare"]
    transition_run(case=report, user=agent, name="send_to_validation")
    assert open_tasks(report) == ["validate"]
    assert "validate" in queue_names(validator) and "validate" not in queue_names(agent)
    assert queue_names(make_user(Role.PREFECT_VALIDATOR, "62")) == []
    transition_run(case=report, user=validator, name="send_back", comment="Précisez les partenaires.")
    assert open_tasks(report) == ["prepare"]
    transition_run(case=report, user=agent, name="send_to_validation")
    transition_run(case=report, user=validator, name="validate")
    assert open_tasks(report) == ["review"] and queue_names(cget) == ["review"]
    # The CGET review lands in the national queue and the CGET's review queue.
    assert [t.flow_task.name for t in inbox.task_queue(user=cget)] == ["review"]
    assert [t.flow_task.name for t in inbox.cget_review_queue(user=cget)] == ["review"]
    services.submission_return(user=cget, submission=report, comment="Ajoutez des exemples.")
    assert open_tasks(report) == ["correct"] and queue_names(agent) == ["correct"]
    transition_run(case=report, user=agent, name="resubmit")
    transition_run(case=report, user=cget, name="approve")
    process = process_of(report)
    assert process is None  # finished
    finished = Task.objects.filter(process__flow_class=SemesterReportFlow, flow_task_type="END").get()
    assert finished.process.status == PROCESS.DONE


def test_other_departments_tasks_stay_out_of_the_shared_pages(
    agent: User, nord: Department, make_user: MakeUser
) -> None:
    services.convention_create(user=agent, company=company_of(), department=nord)
    for role in (Role.AGENT, Role.PREFECT_VALIDATOR, Role.PAQTE_REFERENT):
        stranger = make_user(role, "62")
        assert inbox.task_queue(user=stranger).count() == 0
        assert inbox.task_inbox(user=stranger).count() == 0


def test_charter_offer_and_migration_complete_the_charter_tasks(agent: User) -> None:
    from tests.workflows.paqte.test_charter import charter

    case = charter()
    assert open_tasks(case) == ["offer"]
    case = services.charter_offer(user=agent, charter=case)
    assert open_tasks(case) == ["conclude"]
    convention = services.charter_migrate(user=agent, charter=case)
    assert process_of(case) is None
    assert open_tasks(convention) == ["negotiate"]


def test_referent_flow_reaches_the_cget(agent: User, validator: User, cget: User, nord: Department) -> None:
    designation = services.referent_save(
        user=agent, department=nord, name="A B", function="Chargée de mission", email="a@b.fr", phone="0102030405"
    )
    transition_run(case=designation, user=agent, name="send_to_validation")
    transition_run(case=designation, user=validator, name="validate")
    assert queue_names(cget) == ["review"]
    transition_run(case=designation, user=cget, name="approve")
    assert queue_names(cget) == []


def test_task_page_lists_the_queue_with_links(agent: User, nord: Department) -> None:
    convention = convention_of(agent, nord, state="draft")
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/file/").content.decode()
    assert "File du département (1)" in body
    assert f'href="/paqte/conventions/{convention.pk}/?liste=file' in body and "ouvrir la négociation" in body
