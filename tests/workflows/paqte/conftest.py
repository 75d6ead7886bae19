"""PAQTE fixtures. The key indicators and permissions come from the PAQTE data migrations of
the (fresh) test database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import company_of, convention_of
from workflows.paqte.models import Company, PaqteConvention


@pytest.fixture
def agent(make_user: MakeUser) -> User:
    return make_user(Role.AGENT, "59")


@pytest.fixture
def validator(make_user: MakeUser) -> User:
    return make_user(Role.PREFECT_VALIDATOR, "59")


@pytest.fixture
def cget(make_user: MakeUser) -> User:
    return make_user(Role.CGET_REFERENT)


@pytest.fixture
def make_company(db: None) -> Callable[..., Company]:
    return company_of


@pytest.fixture
def make_convention(agent: User, nord: Department) -> Callable[..., PaqteConvention]:
    def make(size: str = Company.Size.PME, state: str = "draft", **kwargs: object) -> PaqteConvention:
        return convention_of(agent, nord, size=size, state=state, **kwargs)  # type: ignore[arg-type]

    return make
