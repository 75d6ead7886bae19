"""What one task completion costs the database, through the kernel (``task_complete``): the
task read once under the process lock, the user's permissions and département grants in one
query, each guard once, no gateway task row (benchmarks/RESULTS.md, "Case kernel")."""

from __future__ import annotations

from collections import Counter

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import User
from notifications.campaign import campaign_today
from tests.workflows.renewal.helpers import PROTOCOL, add_commitment, open_task, pdf, renewal_in
from workflows.models import RenewalDocument, RenewalState
from workflows.renewal.services import renewal_task_complete

# Transaction control (BEGIN/COMMIT, or SAVEPOINT/RELEASE inside the test's transaction) apart.
MAX_STATEMENTS = 10
CONTROL = ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT", "ROLLBACK")


def _complete(renewal_pk: int, node: str, user: User, **kwargs: object) -> tuple[int, int, list[str]]:
    from workflows.models import Renewal

    task_pk = open_task(Renewal.objects.get(pk=renewal_pk), node).pk
    fresh_user = User.objects.get(pk=user.pk)  # as in a request: no permission read yet
    with CaptureQueriesContext(connection) as captured:
        renewal_task_complete(task_pk=task_pk, user=fresh_user, **kwargs)  # type: ignore[arg-type]
    sql = [query["sql"] for query in captured.captured_queries]
    control = sum(1 for statement in sql if statement.split()[0].upper() in CONTROL)
    return len(sql) - control, control, sql


def _compliance_statements(renewal_pk: int) -> int:
    """What the renovation's blocking compliance rules read on their own (``workflows.cases.compliance``,
    asked by the runner for the transitions declared ``checklist=True``): the kind's rules, not
    the kernel's path."""
    from workflows.cases import compliance
    from workflows.models import Renewal

    renewal = Renewal.objects.get(pk=renewal_pk)
    with CaptureQueriesContext(connection) as captured:
        compliance.blocking_findings(renewal, kind_code="renewal")
    return len(captured)


@pytest.mark.parametrize(
    ("state", "node", "who", "kwargs"),
    [
        (RenewalState.NEGOTIATION, "build_protocol", "agent", {"fields": PROTOCOL}),
        (RenewalState.PREFECT_VALIDATION, "validate", "validator", {}),
        (RenewalState.CGET_REVIEW, "review", "referent", {"transition": "return_to_prefecture", "comment": "À revoir"}),
        (RenewalState.CGET_REVIEW, "review", "referent", {"transition": "approve"}),
    ],
)
def test_a_completion_runs_at_most_ten_statements(
    people: dict[str, User], state: str, node: str, who: str, kwargs: dict[str, object]
) -> None:
    renewal = renewal_in(state, agent=people["agent"], validator=people["validator"], referent=people["referent"])
    if state == RenewalState.NEGOTIATION:
        add_commitment(renewal)
    rules = _compliance_statements(renewal.pk) if node in ("build_protocol", "validate") else 0
    statements, control, sql = _complete(renewal.pk, node, people[who], **kwargs)
    kinds = Counter(statement.split()[0] for statement in sql)
    listing = "\n".join(statement[:160] for statement in sql)
    assert statements - rules <= MAX_STATEMENTS, (statements, rules, dict(kinds), listing)
    assert control <= 2, listing  # one transaction (a savepoint in a test), no nested savepoint


def test_each_guard_is_read_once(people: dict[str, User]) -> None:
    """django-fsm-2 asks a transition's guards again when its method runs: the runner's memo
    answers the second time (``workflows.cases.transitions.guard``)."""
    renewal = renewal_in(
        RenewalState.SIGNATURE, agent=people["agent"], validator=people["validator"], referent=people["referent"]
    )
    _, _, sql = _complete(
        renewal.pk,
        "sign",
        people["agent"],
        fields={"signed_on": campaign_today(), "signed_by": "Préfet du Nord, président de la MEL"},
        uploads=[(RenewalDocument.Kind.SIGNED_PROTOCOL, pdf("signé.pdf"))],
    )
    guard_reads = [
        s for s in sql if s.startswith('SELECT 1 AS "a" FROM "workflows_renewaldocument"') and "signed_protocol" in s
    ]
    assert len(guard_reads) == 1, guard_reads
