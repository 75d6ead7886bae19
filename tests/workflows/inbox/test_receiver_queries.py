"""Who may take a task that arrived in a queue, found in a number of queries that does not grow
with the département's people (their permissions and grants read in one query), and the same
people as the transition table's rule says: the département's valideurs, not its agents, not
another département's."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import fresh, renewal_in
from workflows.inbox.receivers import recipients_for
from workflows.models import RenewalState

pytestmark = pytest.mark.django_db


def _takers(renewal_pk: int) -> tuple[set[str], int]:
    from workflows.models import Renewal

    case = Renewal.objects.get(pk=renewal_pk)
    with CaptureQueriesContext(connection) as captured:
        people = recipients_for(case=case, event="submitted")
    return {user.email for user in people}, len(captured)


def test_takers_are_found_in_constant_queries(make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59", email="agent@nord.gouv.fr")
    validator = make_user(Role.PREFECT_VALIDATOR, "59", email="valideur@nord.gouv.fr")
    referent = make_user(Role.CGET_REFERENT, email="cget@cget.gouv.fr")
    make_user(Role.PREFECT_VALIDATOR, "62", email="valideur@pas-de-calais.gouv.fr")
    renewal = renewal_in(RenewalState.PREFECT_VALIDATION, agent=agent, validator=validator, referent=referent)
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION

    takers, few = _takers(renewal.pk)
    assert takers == {"valideur@nord.gouv.fr"}

    more: list[User] = [make_user(Role.PREFECT_VALIDATOR, "59", email=f"valideur{i}@nord.gouv.fr") for i in range(4)]
    more += [make_user(Role.AGENT, "59", email=f"agent{i}@nord.gouv.fr") for i in range(4)]
    more.append(make_user(Role.CGET_REFERENT, email="cget2@cget.gouv.fr"))
    takers, many = _takers(renewal.pk)
    assert takers == {"valideur@nord.gouv.fr", *(f"valideur{i}@nord.gouv.fr" for i in range(4))}
    assert many == few, (few, many)
