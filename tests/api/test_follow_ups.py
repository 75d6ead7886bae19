"""Recording a follow-up through the API meets its deadline; every error is French with a
stable code (validation, 404 on unknown addresses, 429, 500); lists keep constant queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from api import views
from notifications.models import Deadline
from tests.api.conftest import ApiAs, Seeded
from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
from workflows.renewal.followup.models import CommitmentFollowUp
from workflows.renewal.followup.services import follow_ups_generate

pytestmark = pytest.mark.django_db


def test_recording_meets_the_deadline(api_as: ApiAs, seeded: Seeded) -> None:
    follow_up, deadline = seeded.follow_ups["59"], seeded.deadlines["59"]
    assert deadline.met_at is None
    response = api_as(Role.AGENT).post(
        f"/api/suivis/{follow_up.pk}/releve/", {"value": "7", "comment": "Sept commerces."}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["value"] == "7" and body["comment"] == "Sept commerces." and body["is_recorded"] is True
    assert body["due_on"] == follow_up.due_on.isoformat() and body["commitment"]["unit"] == "count"
    assert body["is_late"] is False  # recorded
    deadline.refresh_from_db()
    assert deadline.met_at is not None
    # A correction keeps it met; PATCH may change the comment alone.
    response = api_as(Role.AGENT).patch(f"/api/suivis/{follow_up.pk}/", {"comment": "Corrigé."}, format="json")
    assert response.status_code == 200 and response.json()["value"] == "7" and response.json()["comment"] == "Corrigé."
    deadline.refresh_from_db()
    assert deadline.met_at is not None


def test_follow_up_is_late_once_due_and_not_recorded(api_as: ApiAs, seeded: Seeded) -> None:
    body = api_as(Role.AGENT).get(f"/api/suivis/{seeded.follow_ups['59'].pk}/").json()
    # Due in January 2020, long past: late until recorded.
    assert body["due_on"] == "2020-01-12" and body["is_recorded"] is False and body["is_late"] is True


def test_deadlines_endpoint_shows_the_follow_up_deadline(api_as: ApiAs, seeded: Seeded) -> None:
    body = api_as(Role.AGENT).get(f"/api/echeances/{seeded.deadlines['59'].pk}/").json()
    assert body["definition"] == "commitment-follow-up" and body["department"] == "59"
    assert body["due_on"] == seeded.follow_ups["59"].due_on.isoformat() and body["is_met"] is False
    assert body["link_path"] == f"/renovations/suivis/{seeded.follow_ups['59'].pk}/"


@pytest.mark.parametrize(
    ("payload", "field", "code"),
    [
        ({"value": "douze"}, "value", "nombre_attendu"),
        ({"value": "2,5"}, "value", "entier_attendu"),
        ({"value": "-1"}, "value", "valeur_negative"),
        ({"value": ""}, "value", "blank"),
        ({}, "value", "required"),
        ({"value": "x" * 101}, "value", "max_length"),
    ],
)
def test_validation_errors_in_french_with_codes(
    api_as: ApiAs, seeded: Seeded, payload: dict[str, Any], field: str, code: str
) -> None:
    response = api_as(Role.AGENT).put(f"/api/suivis/{seeded.follow_ups['59'].pk}/", payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "donnees_invalides" and body["detail"] == "Les données envoyées ne sont pas valides."
    assert body["error_codes"][field] == [code]
    assert body["errors"][field][0]  # the French sentence (DRF's own messages are in French too)
    if code == "required":
        assert body["errors"][field] == ["Ce champ est obligatoire."]
    seeded.follow_ups["59"].refresh_from_db()
    assert not seeded.follow_ups["59"].is_recorded


def test_patch_without_value_on_an_unrecorded_follow_up_is_refused(api_as: ApiAs, seeded: Seeded) -> None:
    response = api_as(Role.AGENT).patch(f"/api/suivis/{seeded.follow_ups['59'].pk}/", {"comment": "?"}, format="json")
    assert response.status_code == 400
    assert response.json()["error_codes"] == {"non_field_errors": ["valeur_requise"]}
    assert response.json()["errors"] == {"non_field_errors": ["Renseignez la valeur de l'indicateur."]}


def test_percent_unit(api_as: ApiAs, seeded: Seeded) -> None:
    follow_up = CommitmentFollowUp.objects.filter(
        commitment__renewal=seeded.renewals["59"], commitment__unit="percent"
    ).first()
    assert follow_up is not None
    client = api_as(Role.AGENT)
    refused = client.patch(f"/api/suivis/{follow_up.pk}/", {"value": "101"}, format="json")
    assert refused.status_code == 400 and refused.json()["error_codes"]["value"] == ["pourcentage_invalide"]
    assert refused.json()["errors"]["value"] == ["Un pourcentage est compris entre 0 et 100."]
    accepted = client.patch(f"/api/suivis/{follow_up.pk}/", {"value": "42,5"}, format="json")
    assert accepted.status_code == 200 and accepted.json()["value"] == "42,5 %"


def test_unknown_address_and_malformed_body(api_as: ApiAs, seeded: Seeded) -> None:
    for client in (APIClient(), api_as(Role.AGENT)):
        response = client.get("/api/nulle-part/")
        assert response.status_code == 404 and response.json()["code"] == "introuvable"
    client = api_as(Role.AGENT)
    response = client.generic(
        "PATCH", f"/api/suivis/{seeded.follow_ups['59'].pk}/", "{pas du json", content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "requete_illisible"
    response = client.generic("PATCH", f"/api/suivis/{seeded.follow_ups['59'].pk}/", "a", content_type="text/csv")
    assert response.status_code == 415 and response.json()["code"] == "format_non_supporte"
    response = client.get("/api/suivis/", HTTP_ACCEPT="application/xml")
    assert response.status_code == 406 and response.json()["code"] == "format_non_accepte"


def test_writes_are_throttled(api_as: ApiAs, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views.FollowUpWriteThrottle, "rate", "2/min")
    # The counts in a cache of this test's own: the Redis cache is shared by the test processes,
    # and another process's ``cache.clear()`` (tests/api/conftest.py) between two writes erased
    # them (the third write was let through once in a full run).
    monkeypatch.setattr(views.FollowUpWriteThrottle, "cache", LocMemCache("test-throttle", {}))
    client = api_as(Role.AGENT)
    url = f"/api/suivis/{seeded.follow_ups['59'].pk}/"
    assert [client.patch(url, {"value": "1"}, format="json").status_code for _ in range(2)] == [200, 200]
    response = client.patch(url, {"value": "1"}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "trop_de_requetes" and body["detail"].startswith("Trop de requêtes")
    assert body["retry_after"] > 0
    assert client.get(url).status_code == 200  # reads are not counted


def test_unexpected_error_is_a_french_500(api_as: ApiAs, seeded: Seeded, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(**kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(views.notification_selectors, "deadline_list", broken)
    response = api_as(Role.AGENT).get("/api/echeances/")
    assert response.status_code == 500
    assert response.json()["code"] == "erreur_interne"


def test_docs_assets_are_served_locally() -> None:
    for url in ("/api/docs/", "/api/redoc/"):
        page = APIClient().get(url).content.decode()
        assert "cdn.jsdelivr.net" not in page and "unpkg.com" not in page
        assert "/static/drf_spectacular_sidecar/" in page


# --- Constant queries with few and many rows ----------------------------------------------------


def queries(client: APIClient, url: str) -> tuple[int, int]:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.json()["count"]


def add_cases(count: int, start: int) -> None:
    for index in range(start, start + count):
        renewal = signed_renewal("59", signed_on=dt.date(2019, 6, 30), index=index)
        commitment(renewal, "semestrial", unit="count")
        commitment(renewal, "annual")
        follow_ups_generate(renewal=renewal)


@pytest.mark.parametrize("url", ["/api/echeances/", "/api/renovations/", "/api/suivis/"])
def test_list_queries_constant(api_as: ApiAs, url: str) -> None:
    client = api_as(Role.AGENT)
    add_cases(1, 0)
    few, few_rows = queries(client, url)
    add_cases(4, 1)
    many, many_rows = queries(client, url)
    assert many_rows > few_rows
    assert many == few


def test_follow_up_deadlines_count(seeded: Seeded) -> None:
    case_type = ContentType.objects.get_for_model(CommitmentFollowUp)
    renewal = seeded.renewals["59"]
    assert Deadline.objects.filter(case_type=case_type, department=renewal.department).count() == (
        CommitmentFollowUp.objects.filter(commitment__renewal=renewal).count()
    )
