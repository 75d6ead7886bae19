"""Data every API test here uses: a signed renovation case with its follow-ups (and their
deadlines) in the Nord and in the Pas-de-Calais, a steering meeting in each, and token clients."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from notifications.models import Deadline
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.factories.meetings import MeetingFactory
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.models import Renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_ups_generate
from workflows.steering.models import Meeting

PREFECTURE = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR]
NATIONAL = [Role.CGET_REFERENT, Role.NATIONAL_ADMIN]
ROLES = [*PREFECTURE, *NATIONAL]

ApiAs = Callable[..., APIClient]


@pytest.fixture(autouse=True)
def _fresh_throttle_counts() -> None:
    cache.clear()


@pytest.fixture
def api_as(make_user: MakeUser) -> ApiAs:
    """``api_as(Role.AGENT)``: a client with the token of a Nord agent (national roles: CGET)."""

    def make(role: Role | None, department_code: str = "59") -> APIClient:
        client = APIClient()
        if role is not None:
            user = make_user(role, department_code if role in PREFECTURE else None)
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        return client

    return make


class Seeded:
    def __init__(self) -> None:
        self.renewals: dict[str, Renewal] = {}
        self.follow_ups: dict[str, CommitmentFollowUp] = {}
        self.deadlines: dict[str, Deadline] = {}
        self.meetings: dict[str, Meeting] = {}
        self.contracts: dict[str, CityContract] = {}


@pytest.fixture
def seeded() -> Seeded:
    data = Seeded()
    case_type = ContentType.objects.get_for_model(CommitmentFollowUp)
    for code in ("59", "62"):
        renewal = signed_renewal(code)
        commitment(renewal, "semestrial", unit="count")
        commitment(renewal, "annual", unit="percent", text="Taux de locaux occupés")
        commitment(renewal, "triennial", text="Appréciation qualitative")
        follow_ups_generate(renewal=renewal)
        follow_up = CommitmentFollowUp.objects.filter(commitment__renewal=renewal).order_by("due_on", "id").first()
        assert follow_up is not None
        data.renewals[code] = renewal
        data.follow_ups[code] = follow_up
        data.deadlines[code] = Deadline.objects.get(case_type=case_type, case_id=follow_up.pk)
        data.contracts[code] = renewal.city_contract
        data.meetings[code] = MeetingFactory.create(department=renewal.department)
    return data
