"""The dashboard's early warning and its deadline table say « en retard » of different sets, and
say which: the early warning divides the open renovations (not yet signed), the deadline table
counts the contrats de ville, the not started and the signed late ones too; the page says how
many of each, so that the two « en retard » add up. The early warning counts the départements
the dashboard counts (its filter, the user's scope)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from django.test import Client
from django.utils.html import strip_tags

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar, campaign_clock_set
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.renewal import RenewalFactory
from workflows.renewal.models.renewal import RenewalState

pytestmark = pytest.mark.django_db


@pytest.fixture
def after_the_signature_date() -> Iterator[dt.date]:
    day = campaign_calendar().renewal_signature + dt.timedelta(days=10)
    campaign_clock_set(day)
    yield day
    campaign_clock_set(None)


@pytest.fixture
def renovations(nord: Department, pas_de_calais: Department, after_the_signature_date: dt.date) -> None:
    deadline = campaign_calendar().renewal_signature
    RenewalFactory.create_batch(2, department_code="59", state=RenewalState.NEGOTIATION)
    RenewalFactory.create(department_code="59", signed=True, signed_on=deadline + dt.timedelta(days=3))
    RenewalFactory.create(department_code="59", signed=True, signed_on=deadline - dt.timedelta(days=3))
    RenewalFactory.create(department_code="62", state=RenewalState.CGET_REVIEW)


def words(client: Client, query: str = "") -> str:
    response = client.get(f"/pilotage/tableau-de-bord/{query}")
    assert response.status_code == 200
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def early_warning(*, open_cases: int) -> str:
    plural = "s" if open_cases > 1 else ""
    return (
        f"{open_cases} à risque sur {open_cases} dossier{plural} ouvert{plural} (pas encore terminés), "
        f"dont {open_cases} en retard et 0 à risque de retard"
    )


def deadline_table(*, late: int, not_started: int, signed_late: int) -> str:
    return (
        f"Le tableau des échéances compte les contrats de ville : ses {late} en retard comprennent les contrats "
        f"dont la rénovation n'est pas commencée ({not_started}) et ceux signés après l'échéance ({signed_late})."
    )


def test_the_two_en_retard_say_what_they_count_and_add_up(
    renovations: None, nord: Department, pas_de_calais: Department, make_user: MakeUser
) -> None:
    nord_contracts = CityContract.objects.filter(department=nord).count()
    # The Nord: 2 open renovations, 1 signed late, 1 signed in time, the others not started.
    late, not_started = nord_contracts - 1, nord_contracts - 4
    assert 2 + not_started + 1 == late  # the open ones, the not started, the signed late

    validator = Client()
    validator.force_login(make_user(Role.PREFECT_VALIDATOR, "59"))
    text = words(validator)
    assert f"{late} en retard" in text  # the deadline table's renovation line
    assert early_warning(open_cases=2) in text
    assert deadline_table(late=late, not_started=not_started, signed_late=1) in text

    # The CGET filtered on the Nord reads the same; unfiltered, the Pas-de-Calais's too.
    cget = Client()
    cget.force_login(make_user(Role.CGET_REFERENT))
    text = words(cget, "?departement=59")
    assert early_warning(open_cases=2) in text
    assert deadline_table(late=late, not_started=not_started, signed_late=1) in text
    assert early_warning(open_cases=3) in words(cget)

    # Another département's validator never counts the Nord's.
    other = Client()
    other.force_login(make_user(Role.PREFECT_VALIDATOR, "62"))
    text = words(other)
    pas_de_calais_contracts = CityContract.objects.filter(department=pas_de_calais).count()
    assert early_warning(open_cases=1) in text
    assert deadline_table(late=pas_de_calais_contracts, not_started=pas_de_calais_contracts - 1, signed_late=0) in text
