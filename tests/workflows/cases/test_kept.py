"""What pages keep in the cache (``workflows.cases.kept``) with a cache that does not answer:
a miss, never an error — the inbox counts, the early warning estimates, the page renders."""

from __future__ import annotations

import socket
from typing import Any

from django.test import Client

import pytest

from accounts.models import Role
from reference.models import CityContract
from tests.conftest import MakeUser
from workflows.cases.kept import kept_get, kept_set, version_move, versions_of
from workflows.cases.risk import risks
from workflows.inbox import selectors
from workflows.models import Renewal
from workflows.renewal.services import renewal_launch

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nobody listens there once closed


@pytest.fixture
def redis_down(settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "config.cache.SharedClientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def test_a_cache_that_does_not_answer_is_a_miss(redis_down: None) -> None:
    kept_set("quartiers:test", 1, timeout=10)
    assert kept_get("quartiers:test") is None
    version_move("quartiers:test:v")
    assert versions_of(["quartiers:test:v"]) == [None]


def test_pages_count_and_estimate_without_the_cache(redis_down: None, make_user: MakeUser) -> None:
    agent = make_user(Role.AGENT, "59")
    contract = CityContract.objects.filter(department__code="59").order_by("code")[0]
    renewal, _ = renewal_launch(city_contract=contract, user=agent)  # its task's save moves nothing
    fresh = type(agent).objects.get(pk=agent.pk)
    assert selectors.tab_counts(user=fresh)["file"] == 1
    assert risks("renewal", [Renewal.objects.get(pk=renewal.pk)])[renewal.pk].state == "evaluation"
    client = Client()
    client.force_login(agent)
    assert client.get("/").status_code == 302  # home: to the inbox
    for path in ("/taches/", "/taches/file/", "/taches/tous/", f"/renovations/{renewal.pk}/"):
        assert client.get(path).status_code == 200, path


def test_a_cache_in_one_process_s_memory_keeps_nothing(settings: Any) -> None:
    """The embedded default without Redis: its Celery worker is another process, whose moves the
    web process's memory would never see."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    kept_set("quartiers:test", 1, timeout=10)
    assert kept_get("quartiers:test") is None
    assert versions_of(["quartiers:test:v"]) == [None]
