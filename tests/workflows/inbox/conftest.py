"""Inbox fixtures: the people a submission to the CGET passes through (submission_helpers)."""

from __future__ import annotations

import pytest

from accounts.models import User
from tests.workflows.submission_helpers import submission_people


@pytest.fixture
def people(db: None) -> dict[str, User]:
    """The Nord's agent (``agent``) and valideur (``validator``), the référent CGET (``cget``)."""
    return submission_people()
