"""The 40 measures: annex 3's summary computed from the data, level updates with a dated history."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role
from reference.models import Measure, MeasureLevelChange
from reference.selectors import measure_summary, percent_rounded
from reference.services.measures import MeasureError, measure_level_update
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

ROLES_403 = [Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR, Role.CGET_REFERENT]


def as_dict(summary: list) -> dict[str, tuple[int, int]]:
    return {row.level: (row.count, row.percent) for row in summary}


def test_summary_from_the_circular_data_matches_annex_3() -> None:
    summary, total = measure_summary()
    assert total == 40
    assert as_dict(summary) == {
        Measure.Level.ACHIEVED: (3, 8),
        Measure.Level.FINALISING: (1, 3),
        Measure.Level.DEPLOYING: (22, 55),
        Measure.Level.LAUNCHING: (14, 35),
    }


@pytest.mark.parametrize(("part", "total", "percent"), [(3, 40, 8), (1, 40, 3), (22, 40, 55), (14, 40, 35), (0, 0, 0)])
def test_percentages_are_rounded_half_up_as_in_annex_3(part: int, total: int, percent: int) -> None:
    assert percent_rounded(part=part, total=total) == percent


def test_an_update_changes_the_summary_and_adds_a_history_row(make_user: MakeUser) -> None:
    admin = make_user(Role.NATIONAL_ADMIN)
    measure = Measure.objects.get(number="3")
    assert measure.level == Measure.Level.DEPLOYING
    change = measure_level_update(
        measure=measure,
        level=Measure.Level.ACHIEVED,
        changed_on=datetime.date(2019, 6, 30),
        user=admin,
        comment="Conventions intercommunales conclues",
    )
    assert (change.from_level, change.to_level, change.changed_by, change.changed_on) == (
        Measure.Level.DEPLOYING,
        Measure.Level.ACHIEVED,
        admin,
        datetime.date(2019, 6, 30),
    )
    measure.refresh_from_db()
    assert measure.level == Measure.Level.ACHIEVED
    summary, _ = measure_summary()
    assert as_dict(summary)[Measure.Level.ACHIEVED] == (4, 10)
    assert as_dict(summary)[Measure.Level.DEPLOYING] == (21, 53)
    assert MeasureLevelChange.objects.filter(measure=measure).count() == 1


@pytest.mark.parametrize("role", ROLES_403)
def test_update_refused_to_other_roles(make_user: MakeUser, role: Role) -> None:
    user = make_user(role, "59" if role != Role.CGET_REFERENT else None)
    with pytest.raises(MeasureError):
        measure_level_update(
            measure=Measure.objects.get(number="3"),
            level=Measure.Level.ACHIEVED,
            changed_on=datetime.date(2019, 6, 30),
            user=user,
        )
    assert not MeasureLevelChange.objects.exists()


def test_same_level_and_sub_measure_are_refused(make_user: MakeUser) -> None:
    admin = make_user(Role.NATIONAL_ADMIN)
    day = datetime.date(2019, 6, 30)
    with pytest.raises(MeasureError, match="déjà"):
        measure_level_update(measure=Measure.objects.get(number="3"), level="deploying", changed_on=day, user=admin)
    with pytest.raises(MeasureError, match="sous-mesure"):
        measure_level_update(measure=Measure.objects.get(number="1.a"), level="achieved", changed_on=day, user=admin)
    assert not MeasureLevelChange.objects.exists()


@pytest.mark.parametrize("role", [None, *ROLES_403, Role.NATIONAL_ADMIN], ids=lambda r: r or "anonyme")
@pytest.mark.parametrize("method", ["get", "post"])
def test_update_page_permission_matrix(client_for: Callable[..., Client], role: Role | None, method: str) -> None:
    client = client_for(role, "59" if role in (Role.AGENT, Role.PAQTE_REFERENT, Role.PREFECT_VALIDATOR) else None)
    url = "/mesures/3/niveau/"
    data = {"level": "achieved", "changed_on": "2019-06-30", "comment": "fait"}
    response = client.get(url) if method == "get" else client.post(url, data)
    if role is None:
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    elif role == Role.NATIONAL_ADMIN:
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == 403
    assert Measure.objects.get(number="3").level == (
        "achieved" if role == Role.NATIONAL_ADMIN and method == "post" else "deploying"
    )


def test_measures_page_shows_the_summary_and_the_history(client_for: Callable[..., Client]) -> None:
    admin = client_for(Role.NATIONAL_ADMIN)
    body = admin.get("/mesures/").content.decode()
    assert "Aucun changement de niveau" in body and "/mesures/3/niveau/" in body
    admin.post(
        "/mesures/3/niveau/", {"level": "achieved", "changed_on": "2019-06-30", "comment": "Conventions conclues"}
    )
    body = client_for(Role.AGENT, "59").get("/mesures/").content.decode()
    assert "Conventions conclues" in body and "30 juin 2019" in body
    assert "<td>Objectif atteint</td><td>4</td><td>10 %</td>" in body
    assert "/mesures/3/niveau/" not in body  # no update link for an agent


def test_unknown_or_sub_measure_page_is_404(client_for: Callable[..., Client]) -> None:
    admin = client_for(Role.NATIONAL_ADMIN)
    assert admin.get("/mesures/99/niveau/").status_code == 404
    assert admin.get("/mesures/1.a/niveau/").status_code == 404


def test_measures_page_constant_queries(client_for: Callable[..., Client], make_user: MakeUser) -> None:
    client = client_for(Role.CGET_REFERENT)
    admin = make_user(Role.NATIONAL_ADMIN)
    measure_level_update(
        measure=Measure.objects.get(number="3"), level="achieved", changed_on=datetime.date(2019, 6, 1), user=admin
    )

    def count() -> int:
        client.get("/mesures/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/mesures/").status_code == 200
        return len(captured)

    with_one = count()
    for number in [str(n) for n in range(4, 40)]:
        measure = Measure.objects.get(number=number)
        level = "launching" if measure.level != "launching" else "deploying"
        measure_level_update(measure=measure, level=level, changed_on=datetime.date(2019, 6, 2), user=admin)
    assert MeasureLevelChange.objects.count() == 37
    assert count() == with_one
