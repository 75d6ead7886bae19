"""The synthesis's viewflow tasks follow its transitions and show in the shared queue of the
right role and département."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS, STATUS

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.synthesis.helpers import complete_parts
from workflows.cases.runner import transition_run
from workflows.cases.tasks import process_of
from workflows.inbox import selectors
from workflows.synthesis.flows import SynthesisFlow
from workflows.synthesis.models import Synthesis
from workflows.synthesis.services import synthesis_save

pytestmark = pytest.mark.django_db


def open_nodes(synthesis: Synthesis) -> list[str]:
    return [
        task.flow_task.name
        for task in Task.objects.filter(
            process__flow_class=SynthesisFlow,
            process__artifact_object_id=synthesis.pk,
            status__in=[STATUS.NEW, STATUS.ASSIGNED],
            flow_task_type="HUMAN",
        )
    ]


def queue_titles(user: User) -> list[str]:
    return [str(task.title) for task in selectors.task_queue(user=user)]


def test_tasks_follow_the_transitions(make_user: MakeUser, nord: Department) -> None:
    agent, validator, cget = (
        make_user(Role.AGENT, "59"),
        make_user(Role.PREFECT_VALIDATOR, "59"),
        make_user(Role.CGET_REFERENT),
    )
    other_agent = make_user(Role.AGENT, "62")
    synthesis = synthesis_save(user=agent, department=nord, year=2019, **complete_parts())
    assert open_nodes(synthesis) == ["prepare"]
    prepare = "Rédiger la synthèse et la soumettre à la validation préfectorale"
    assert prepare in queue_titles(agent)
    assert prepare not in queue_titles(other_agent) and prepare not in queue_titles(validator)

    synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
    assert open_nodes(synthesis) == ["validate"]
    assert "Valider la synthèse au nom du préfet et la transmettre au CGET" in queue_titles(validator)
    synthesis = transition_run(user=validator, case=synthesis, name="send_back", comment="Reprenez la partie 2.")
    assert open_nodes(synthesis) == ["prepare"]
    synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
    synthesis = transition_run(user=validator, case=synthesis, name="validate")
    assert open_nodes(synthesis) == ["review"]
    assert "Examiner la synthèse (CGET)" in queue_titles(cget)
    synthesis = transition_run(user=cget, case=synthesis, name="return_to_prefecture", comment="À revoir.")
    # Returned: the prefecture's correction task, then the CGET's review again (every submission).
    assert open_nodes(synthesis) == ["correct"]
    synthesis = transition_run(user=agent, case=synthesis, name="resubmit")
    assert open_nodes(synthesis) == ["review"]
    synthesis = transition_run(user=cget, case=synthesis, name="approve")
    assert open_nodes(synthesis) == []
    process = SynthesisFlow.process_class.objects.get(artifact_object_id=synthesis.pk, flow_class=SynthesisFlow)
    assert process.status == PROCESS.DONE and process_of(synthesis) is None


def test_queue_page_links_to_the_synthesis(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    synthesis_save(user=agent, department=nord, year=2019, **complete_parts())
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/file/").content.decode()
    assert 'href="/pilotage/syntheses/59/2019/?liste=' in body and "Synthèse du préfet</span><br>Synthèse 2019" in body


def test_cget_queue_constant_queries_in_the_number_of_syntheses(make_user: MakeUser) -> None:
    cget = make_user(Role.CGET_REFERENT)
    client = Client()
    client.force_login(cget)

    def submitted(code: str) -> None:
        department = Department.objects.get(code=code)
        agent, validator = make_user(Role.AGENT, code), make_user(Role.PREFECT_VALIDATOR, code)
        synthesis = synthesis_save(user=agent, department=department, year=2019, **complete_parts())
        synthesis = transition_run(user=agent, case=synthesis, name="send_to_validation")
        transition_run(user=validator, case=synthesis, name="validate")

    def count() -> int:
        client.get("/taches/file/")
        with CaptureQueriesContext(connection) as captured:
            body = client.get("/taches/file/").content.decode()
        assert "Examiner la synthèse (CGET)" in body
        return len(captured)

    submitted("59")
    few = count()
    for code in ("62", "80", "02"):
        submitted(code)
    assert count() == few


def test_department_filter_matches_each_case_kind_by_content_type(
    make_user: MakeUser, pas_de_calais: Department
) -> None:
    """A synthesis of the Pas-de-Calais whose id equals a Nord renovation's id is not listed
    under the Nord filter: processes are matched on the artifact's content type too."""
    from accounts.services import department_grant
    from tests.workflows.renewal.helpers import nord_contract
    from workflows.renewal.services import renewal_launch

    agent_59, agent_62 = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "62")
    department_grant(user=agent_62, department=Department.objects.get(code="59"))  # works both
    renewal, _ = renewal_launch(city_contract=nord_contract(), user=agent_59)
    with connection.cursor() as cursor:  # the next synthesis gets the renovation's id
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [Synthesis._meta.db_table, renewal.pk]
        )
    synthesis = synthesis_save(user=agent_62, department=pas_de_calais, year=2019, **complete_parts())
    assert synthesis.pk == renewal.pk
    prepare = "Rédiger la synthèse et la soumettre à la validation préfectorale"
    assert prepare not in [str(task.title) for task in selectors.task_queue(user=agent_62, department="59")]
    assert prepare in [str(task.title) for task in selectors.task_queue(user=agent_62, department="62")]
