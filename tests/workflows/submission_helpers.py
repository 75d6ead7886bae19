"""Building the submissions to the CGET for the tests, through the real services: the PAQTE
référent's designation, the semestrial PAQTE report (annex 2's format), the prefect's synthesis;
the people they pass through (the Nord's agent and valideur,
the référent CGET) and the open task of a case's flow. The inbox's conftest gives the people as
the ``people`` fixture; browser tests call ``submission_people`` with the demo password."""

from __future__ import annotations

from typing import Any

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import make_user_in
from tests.workflows.synthesis.helpers import complete_parts
from workflows.cases.registry import kind_of
from workflows.cases.runner import transition_run
from workflows.cases.tasks import process_of
from workflows.paqte import services as paqte
from workflows.paqte.models import ReferentDesignation, SemesterReport
from workflows.synthesis import services as synthesis_services

# The référent's contact, each of its fields required to send it (paqte.models.ReferentDesignation).
DESIGNATION = {
    "name": "Camille Martin",
    "function": "Chargée de mission PAQTE",
    "email": "camille.martin@nord.gouv.fr",
    "phone": "03 20 30 59 59",
}
# Every rubric of annex 2's format (workflows/paqte/compliance.py), strategy and obstacles included.
REPORT = {
    "organisation": "Chargé de mission",
    "partners": "FACE Nord",
    "examples": "Stages de 3e",
    "strategy": "Mobiliser les ETI ; obstacle : la mobilité",
    "pru_count": 3,
    "job_seekers_qpv": 1200,
}


def submission_people(*, password: str | None = None) -> dict[str, User]:
    """The Nord's agent and valideur and the référent CGET, each with an address of his own (the
    notices' and emails' tests read them); with ``password``, they can log in through the form."""
    people = {
        "agent": make_user_in(Role.AGENT, "59", email="agent@nord.gouv.fr"),
        "validator": make_user_in(Role.PREFECT_VALIDATOR, "59", email="valideur@nord.gouv.fr"),
        "cget": make_user_in(Role.CGET_REFERENT, email="cget@cget.gouv.fr"),
    }
    if password is not None:
        for user in people.values():
            user.set_password(password)
            user.save()
    return people


def department_of(agent: User) -> Department:
    department = agent.organisation.department if agent.organisation else None
    assert department is not None, f"{agent} works in no département's préfecture"
    return department


def referent_designation(agent: User, department: Department, **fields: str) -> ReferentDesignation:
    """The département's référent PAQTE, designated by ``agent`` (a draft): ``DESIGNATION`` but
    for ``fields``."""
    return paqte.referent_save(user=agent, department=department, **{**DESIGNATION, **fields})


def report_filled(
    agent: User, department: Department, *, year: int = 2019, semester: int = 1, **fields: Any
) -> SemesterReport:
    """A semestrial report with every rubric of annex 2 (``REPORT`` but for ``fields``) and the
    référent's contact it reports on (a draft)."""
    referent_designation(agent, department)
    report = paqte.report_create(user=agent, department=department, year=year, semester=semester)
    return paqte.report_update(user=agent, report=report, **{**REPORT, **fields})


def submission_draft(kind: str, agent: User, department: Department | None = None, /, **fields: Any) -> Any:
    """A draft of ``kind`` (``paqte-referent``, ``paqte-report``, ``synthesis``: the registry's
    codes) complete enough to be sent, prepared by ``agent`` for ``department`` (by default his
    own); ``fields`` change the designation's contact, the report's rubrics or the synthesis's parts."""
    department = department or department_of(agent)
    if kind == "paqte-referent":
        return referent_designation(agent, department, **fields)
    if kind == "paqte-report":
        return report_filled(agent, department, **fields)
    assert kind == "synthesis", kind
    parts = {**complete_parts(), **fields}
    return synthesis_services.synthesis_save(user=agent, department=department, year=2019, **parts)


def in_validation(kind: str, agent: User, department: Department | None = None, /, **fields: Any) -> Any:
    """A case of ``kind`` prepared by ``agent`` and sent to the prefect's validation."""
    case = submission_draft(kind, agent, department, **fields)
    case = transition_run(case=case, user=agent, name="send_to_validation")
    assert kind_of(case).code == kind and case.state == "prefect_validation"
    return case


def open_task(case: Any, node: str) -> Task:
    """The open task at ``node`` of the case's flow (any case kind)."""
    tasks = Task.objects.filter(process=process_of(case), status__in=[STATUS.NEW, STATUS.ASSIGNED])
    return next(task for task in tasks if task.flow_task.name == node)


def fresh(case: Any) -> Any:
    """The case as the database has it now."""
    return type(case)._default_manager.get(pk=case.pk)
