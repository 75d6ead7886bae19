"""Django's admin over every case model (workflows.admin) for the administrateur national: each
change list and change page answers, with the case's history inline (read-only), search and
filters; the state stays read-only (transitions go through the runner); a prefecture agent gets
no admin; the change lists' query count does not grow with their rows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from accounts.models import Role
from reference.models import Department
from tests.conftest import MakeUser
from tests.factories.meetings import MeetingFactory
from tests.factories.paqte import (
    CharterConventionFactory,
    CompanyFactory,
    PaqteConventionFactory,
    ReferentDesignationFactory,
    SemesterReportFactory,
)
from tests.factories.renewal import CommitmentFactory, CommitmentFollowUpFactory, RenewalFactory
from tests.factories.synthesis import SynthesisFactory
from workflows.cases.registry import kind_of
from workflows.models import Renewal, RenewalState, SteeringCommittee

pytestmark = pytest.mark.django_db

# model name → (a factory of one case, what its search box finds it by)
CASES: dict[str, tuple[Callable[[int], Model], Callable[[Any], str]]] = {
    "renewal": (lambda i: RenewalFactory.create(), lambda c: c.city_contract.code),
    "commitment": (lambda i: CommitmentFactory.create(), lambda c: c.renewal.city_contract.code),
    "commitmentfollowup": (
        lambda i: CommitmentFollowUpFactory.create(),
        lambda c: c.commitment.renewal.city_contract.code,
    ),
    "referentdesignation": (
        lambda i: ReferentDesignationFactory.create(department_code=["59", "62", "80", "02", "60"][i]),
        lambda c: c.department.name,
    ),
    "paqteconvention": (lambda i: PaqteConventionFactory.create(), lambda c: c.company.siret),
    "charterconvention": (lambda i: CharterConventionFactory.create(), lambda c: c.reference),
    "semesterreport": (lambda i: SemesterReportFactory.create(year=2019 + i), lambda c: c.department.name),
    "company": (lambda i: CompanyFactory.create(), lambda c: c.siret),
    "steeringcommittee": (
        lambda i: SteeringCommittee.objects.create(department_id=_department_id(["59", "62", "80", "02", "60"][i])),
        lambda c: c.department.name,
    ),
    "synthesis": (lambda i: SynthesisFactory.create(year=2019 + i), lambda c: c.department.name),
    "meeting": (lambda i: MeetingFactory.create(semester=1 + i % 2, year=2019 + i // 2), lambda c: c.department.name),
}


def _department_id(code: str) -> int:
    return Department.objects.get(code=code).pk


def _with_history(case: Model, actor: Any) -> None:
    try:
        kind = kind_of(case)
    except LookupError:
        return
    kind.history_append(
        case=case, actor=actor, transition="admin-test", source="", target=getattr(case, "state", ""), comment="Vu"
    )


@pytest.fixture
def national_admin(make_user: MakeUser) -> Client:
    client = Client()
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    return client


@pytest.mark.parametrize("model", list(CASES))
def test_the_national_admin_sees_each_case_with_its_history_and_finds_it(
    national_admin: Client, make_user: MakeUser, model: str
) -> None:
    make, searched = CASES[model]
    case = make(0)
    _with_history(case, make_user(Role.AGENT, "59"))
    changelist = reverse(f"admin:workflows_{model}_changelist")
    response = national_admin.get(changelist)
    assert response.status_code == 200, response.content[:300]
    assert response.context["cl"].result_count == 1
    assert all(spec.title for spec in response.context["cl"].filter_specs)

    found = national_admin.get(changelist, {"q": searched(case)})
    assert found.status_code == 200 and found.context["cl"].result_count == 1
    nothing = national_admin.get(changelist, {"q": "zzzz-introuvable"})
    assert nothing.context["cl"].result_count == 0

    change = national_admin.get(reverse(f"admin:workflows_{model}_change", args=[case.pk]))
    assert change.status_code == 200
    assert "state" not in change.context["adminform"].form.fields  # the state only moves through the runner
    if hasattr(case, "state"):
        page = change.content.decode()
        assert "Historique (en lecture seule" in page and "Vu" in page  # the history inline
        history = next(
            f for f in change.context["inline_admin_formsets"] if "historique" in str(f.opts.verbose_name_plural)
        )
        assert (
            not history.has_add_permission and not history.has_change_permission and not history.has_delete_permission
        )
    # cases are created by the services, never added nor deleted here
    assert national_admin.get(reverse(f"admin:workflows_{model}_add")).status_code == 403
    assert national_admin.get(reverse(f"admin:workflows_{model}_delete", args=[case.pk])).status_code == 403


def test_the_state_cannot_be_posted_through_the_admin(national_admin: Client) -> None:
    renewal = RenewalFactory.create()
    url = reverse("admin:workflows_renewal_change", args=[renewal.pk])
    form = national_admin.get(url).context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "state": RenewalState.SIGNED,
            "evaluation_strengths": "Corrigé par l'administration nationale",
            **_empty_inlines("commitments", "documents", "transitions"),
        }
    )
    response = national_admin.post(url, data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    renewal = Renewal.objects.get(pk=renewal.pk)
    assert renewal.state == RenewalState.NOT_STARTED
    assert renewal.evaluation_strengths == "Corrigé par l'administration nationale"


def _empty_inlines(*prefixes: str) -> dict[str, str]:
    data = {}
    for prefix in prefixes:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "0"})
    return data


@pytest.mark.parametrize("role", [Role.AGENT, Role.PREFECT_VALIDATOR, Role.PAQTE_REFERENT, Role.CGET_REFERENT])
def test_no_admin_for_other_roles(make_user: MakeUser, role: Role) -> None:
    renewal = RenewalFactory.create()
    client = Client()
    client.force_login(make_user(role, None if role == Role.CGET_REFERENT else "59"))
    for url in (reverse("admin:index"), reverse("admin:workflows_renewal_change", args=[renewal.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", list(CASES))
def test_change_lists_take_the_same_queries_for_one_row_or_five(national_admin: Client, model: str) -> None:
    make, _ = CASES[model]
    changelist = reverse(f"admin:workflows_{model}_changelist")
    make(0)
    national_admin.get(changelist)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        assert national_admin.get(changelist).status_code == 200
    for index in range(1, 5):
        make(index)
    with CaptureQueriesContext(connection) as five:
        response = national_admin.get(changelist)
    assert response.context["cl"].result_count == 5
    assert len(five) == len(one), [q["sql"][:120] for q in five.captured_queries]


def _result_record(index: int, actor: Any = None) -> Any:
    """One recording of a PAQTE result (as ``paqte.services.result_record`` writes it)."""
    from workflows.models import KeyIndicator, Objective, SemesterResultRecord

    convention = PaqteConventionFactory.create(state="active")
    indicator = KeyIndicator.objects.order_by("position").first()
    assert indicator is not None
    objective = Objective.objects.create(convention=convention, axis=indicator.axis, indicator=indicator, target=10)
    return SemesterResultRecord.objects.create(
        objective=objective, year=2019, semester=1 + index % 2, value=index + 3, recorded_by=actor
    )


def test_the_national_admin_reads_the_history_of_the_paqte_results(national_admin: Client, make_user: MakeUser) -> None:
    """Each recording of a result is read, searched by its company, and never added, changed nor
    deleted: the history is written once (``SemesterResultRecord`` is ``AppendOnly``)."""
    from workflows.models import SemesterResultRecord

    record = _result_record(0, actor=make_user(Role.AGENT, "59"))
    company = record.objective.convention.company
    changelist = reverse("admin:workflows_semesterresultrecord_changelist")
    response = national_admin.get(changelist)
    assert response.status_code == 200 and response.context["cl"].result_count == 1
    assert all(spec.title for spec in response.context["cl"].filter_specs)
    assert national_admin.get(changelist, {"q": company.siret}).context["cl"].result_count == 1
    assert national_admin.get(changelist, {"q": "zzzz-introuvable"}).context["cl"].result_count == 0

    change = reverse("admin:workflows_semesterresultrecord_change", args=[record.pk])
    page = national_admin.get(change)
    assert page.status_code == 200 and company.name in page.content.decode()
    assert not page.context["adminform"].form.fields  # every field read only
    assert national_admin.post(change, {"value": "999"}).status_code == 403
    assert national_admin.get(reverse("admin:workflows_semesterresultrecord_add")).status_code == 403
    delete = reverse("admin:workflows_semesterresultrecord_delete", args=[record.pk])
    assert national_admin.get(delete).status_code == 403
    assert "delete_selected" not in response.content.decode()  # no bulk deletion on the list either
    assert SemesterResultRecord.objects.get(pk=record.pk).value == 3


@pytest.mark.parametrize("role", [Role.AGENT, Role.PAQTE_REFERENT, Role.CGET_REFERENT])
def test_no_admin_of_the_results_history_for_other_roles(make_user: MakeUser, role: Role) -> None:
    record = _result_record(0)
    client = Client()
    client.force_login(make_user(role, None if role == Role.CGET_REFERENT else "59"))
    response = client.get(reverse("admin:workflows_semesterresultrecord_change", args=[record.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_results_history_list_takes_the_same_queries_for_one_row_or_five(national_admin: Client) -> None:
    changelist = reverse("admin:workflows_semesterresultrecord_changelist")
    _result_record(0)
    national_admin.get(changelist)  # warm the session and content types
    with CaptureQueriesContext(connection) as one:
        assert national_admin.get(changelist).status_code == 200
    for index in range(1, 5):
        _result_record(index)
    with CaptureQueriesContext(connection) as five:
        response = national_admin.get(changelist)
    assert response.context["cl"].result_count == 5
    assert len(five) == len(one), [q["sql"][:120] for q in five.captured_queries]
