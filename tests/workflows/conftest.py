"""Workflow fixtures: the people a renovation passes through (renewal/helpers.py's
``renewal_in`` takes them as ``agent``, ``validator`` and ``referent``).

The inbox's conftest gives ``people`` otherwise, as the submissions to the CGET know them
(submission_helpers: ``agent``, ``validator``, ``cget``, each with an address of his own); a
module that needs someone more extends the fixture it sees (``{**people, ...}``)."""

from __future__ import annotations

import pytest

from accounts.models import Role, User
from tests.conftest import MakeUser


@pytest.fixture
def people(make_user: MakeUser) -> dict[str, User]:
    """The Nord's agent (``agent``) and valideur (``validator``), the référent CGET (``referent``)."""
    return {
        "agent": make_user(Role.AGENT, "59"),
        "validator": make_user(Role.PREFECT_VALIDATOR, "59"),
        "referent": make_user(Role.CGET_REFERENT),
    }
