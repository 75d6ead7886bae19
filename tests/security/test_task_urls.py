"""Every task URL × an open task of every flow × the own and another département × every role.

Node names are shared between flows (``sign`` in the PAQTE convention flow and in the
renovation; ``validate`` in the synthesis, report and référent flows), so a task URL must
resolve the task through its own flow only. A task of another flow, or a renovation task of
another département, is not found (404) and nothing changes: not the task, not its process, not
the case, not a single row of the database.

The task URLs are read from the resolver (every pattern taking ``task_pk``), so a task URL added
later is tried as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.security.test_url_enumeration import changed, snapshot
from tests.workflows.paqte.helpers import add_all_axes, company_of
from tests.workflows.paqte.test_permission_matrix import make_charter
from tests.workflows.renewal.helpers import open_task
from tests.workflows.synthesis.helpers import TEXT
from workflows.cases.runner import transition_run
from workflows.paqte import services as paqte
from workflows.renewal.flows import RenewalFlow
from workflows.renewal.services import renewal_launch
from workflows.synthesis.services import synthesis_save

pytestmark = pytest.mark.django_db

ROLES = ["agent-59", "referent-paqte-59", "valideur-59", "agent-62", "referent-cget", "admin-national"]
ROLE_OF = {
    "agent-59": (Role.AGENT, "59"),
    "referent-paqte-59": (Role.PAQTE_REFERENT, "59"),
    "valideur-59": (Role.PREFECT_VALIDATOR, "59"),
    "agent-62": (Role.AGENT, "62"),
    "referent-cget": (Role.CGET_REFERENT, None),
    "admin-national": (Role.NATIONAL_ADMIN, None),
}


def task_url_names() -> list[str]:
    """Every URL name whose pattern takes a task (``task_pk``)."""
    names: list[str] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and "task_pk" in pattern.pattern.regex.groupindex and pattern.name:
                names.append(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return sorted(set(names) - EVERY_FLOW)


# The decision screen serves the decision tasks of every flow (``workflows.inbox.decisions``):
# it is held to the département scope instead (``test_the_decision_screen_keeps_to_the_scope``).
EVERY_FLOW = {"inbox:decision"}


def open_human_task(case: Any, *, node: str | None = None) -> Task:
    tasks = Task.objects.filter(
        process__artifact_object_id=case.pk,
        flow_task_type="HUMAN",
        status__in=[STATUS.NEW, STATUS.ASSIGNED],
    ).exclude(process__flow_class=RenewalFlow)
    task = next(task for task in tasks.order_by("-pk") if node is None or task.flow_task.name == node)
    return task


def flows_of(department: Department, agent: User, validator: User) -> dict[str, Task]:
    """One open human task of each flow in ``department``, brought by the real services."""
    contract = CityContract.objects.filter(department=department).order_by("code").first()
    assert contract is not None
    renewal, _ = renewal_launch(city_contract=contract, user=agent)
    convention = paqte.convention_create(user=agent, company=company_of(), department=department)
    add_all_axes(agent, convention)
    # The convention's ``sign`` task: the node name the renovation's last task shares.
    convention = transition_run(case=convention, user=agent, name="start_negotiation")
    report = paqte.report_create(user=agent, department=department, year=2019, semester=1)
    designation = paqte.referent_save(
        user=agent,
        department=department,
        name="Camille Martin",
        function="Sous-préfète",
        email=f"referent.{department.code}@example.gouv.fr",
        phone="03 20 00 00 00",
    )
    synthesis = synthesis_save(user=agent, department=department, year=2019, **TEXT)
    # The synthesis' ``validate`` task: the node name the renovation's prefect step shares.
    synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
    return {
        "renovation": open_task(renewal, "evaluate"),
        "paqte-convention": open_human_task(convention, node="sign"),
        "paqte-charte": open_human_task(make_charter(department.code)),
        "paqte-bilan": open_human_task(report),
        "paqte-referent": open_human_task(designation),
        "synthese": open_human_task(synthesis, node="validate"),
    }


@dataclass
class World:
    users: dict[str, User]
    colleagues: dict[str, User]
    tasks: dict[str, Task]  # "<flow> <département>" → task


@pytest.fixture
def world(make_user: MakeUser) -> Iterator[World]:
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
    try:
        users = {name: make_user(role, code) for name, (role, code) in ROLE_OF.items()}
        colleagues = {name: make_user(role, code) for name, (role, code) in ROLE_OF.items()}
        tasks: dict[str, Task] = {}
        for code, agent, validator in (
            ("59", users["agent-59"], users["valideur-59"]),
            ("62", users["agent-62"], make_user(Role.PREFECT_VALIDATOR, "62")),
        ):
            department = Department.objects.get(code=code)
            for flow, task in flows_of(department, agent, validator).items():
                tasks[f"{flow} {code}"] = task
        yield World(users=users, colleagues=colleagues, tasks=tasks)
    finally:
        user_logged_in.connect(update_last_login, dispatch_uid="update_last_login")


def url_for(name: str, task: Task) -> str:
    try:
        return reverse(name, kwargs={"task_pk": task.pk})
    except NoReverseMatch:  # the pattern takes the process too
        return reverse(name, kwargs={"task_pk": task.pk, "process_pk": task.process_id})


def state_of(task: Task) -> tuple[Any, ...]:
    """What a request on ``task`` could change: the task, its process, its case's state."""
    fresh = Task.objects.select_related("process").get(pk=task.pk)
    artifact = fresh.process.artifact
    return (
        fresh.status,
        fresh.owner_id,
        fresh.process.status,
        Task.objects.filter(process_id=fresh.process_id).count(),
        getattr(artifact, "state", None),
    )


def requests_for(name: str) -> list[str]:
    return ["get", "post"] if name == "workflows:renewal_task" else ["post"]


def post_data(name: str, colleague: User, task: Task) -> dict[str, Any]:
    if name == "workflows:task_reassign":
        return {"to": colleague.pk}
    # A signature, a decision and a comment: what the forms of the shared node names take.
    return {"decision": "approve", "comment": "Vu", "signed_on": "2019-07-01", "signatories": "Préfet"}


def must_be_refused(role: str, key: str) -> bool:
    """A task of another flow always; a renovation task of another département for a prefecture user."""
    flow, code = key.split(" ")
    if flow != "renovation":
        return True
    own = ROLE_OF[role][1]
    return own is not None and own != code


@pytest.mark.parametrize("role", ROLES)
def test_task_urls_resolve_tasks_of_their_own_flow_only(world: World, role: str) -> None:
    names = task_url_names()
    assert {"workflows:renewal_task", "workflows:task_assign", "workflows:task_unassign"} <= set(names)
    user, colleague = world.users[role], world.colleagues[role]
    client = Client()
    client.force_login(user)
    problems: list[str] = []
    before_all = snapshot()
    refused = 0
    for key, task in sorted(world.tasks.items()):
        if not must_be_refused(role, key):
            continue
        for name in names:
            url = url_for(name, task)
            for method in requests_for(name):
                before = state_of(task)
                data = post_data(name, colleague, task) if method == "post" else None
                response = getattr(client, method)(url, data) if data else getattr(client, method)(url)
                refused += 1
                if response.status_code != 404:
                    problems.append(f"{role} {method.upper()} {url} ({key}) : {response.status_code}, attendu 404")
                if state_of(task) != before:
                    problems.append(f"{role} {method.upper()} {url} ({key}) : la tâche ou le dossier a changé")
    tables = changed(before_all, snapshot())
    if tables:
        problems.append(f"{role} : la base a changé ({', '.join(tables)})")
    assert refused >= 5 * len(names)
    assert not problems, "\n".join(problems)


def test_the_renovation_task_is_still_served_to_its_département(world: World) -> None:
    """The refusals above are not a blanket 404: the renovation's own agent gets its task."""
    client = Client()
    client.force_login(world.users["agent-59"])
    task = world.tasks["renovation 59"]
    assert client.get(url_for("workflows:renewal_task", task)).status_code == 200
    response = client.post(reverse("workflows:task_assign", args=[task.pk]))
    assert response.status_code == 302
    assert Task.objects.get(pk=task.pk).owner_id == world.users["agent-59"].pk
    # The Pas-de-Calais agent cannot take it, nor put it back.
    other = Client()
    other.force_login(world.users["agent-62"])
    assert other.post(reverse("workflows:task_unassign", args=[task.pk])).status_code == 404
    assert Task.objects.get(pk=task.pk).owner_id == world.users["agent-59"].pk


@pytest.mark.parametrize("role", ROLES)
def test_the_decision_screen_keeps_to_the_scope(world: World, role: str) -> None:
    """Another département's task is not found (404); a task in scope that the role may not decide
    is refused (403, or 400 for a decision the task does not offer); nothing ever changes."""
    client = Client()
    client.force_login(world.users[role])
    own = ROLE_OF[role][1]
    problems: list[str] = []
    before_all = snapshot()
    for key, task in sorted(world.tasks.items()):
        code = key.split(" ")[1]
        url = reverse("inbox:decision", kwargs={"task_pk": task.pk})
        before = state_of(task)
        response = client.post(url, {"decision": "approve", "comment": "Vu"})
        expected = {404} if own is not None and own != code else {400, 403, 404}
        if response.status_code not in expected:
            problems.append(f"{role} POST {url} ({key}) : {response.status_code}, attendu {sorted(expected)}")
        if state_of(task) != before:
            problems.append(f"{role} POST {url} ({key}) : la tâche ou le dossier a changé")
    tables = changed(before_all, snapshot())
    if tables:
        problems.append(f"{role} : la base a changé ({', '.join(tables)})")
    assert not problems, "\n".join(problems)
