"""Fixtures of the deploy/ tests: scratch PostgreSQL databases on the machine's
server, dropped afterwards even when the test fails."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

from django.db import connection

import psycopg
import pytest
from psycopg import sql

CreateDatabase = Callable[[str], str]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "smoke: starts the real processes of deploy/ (gunicorn, Celery worker and beat) on loopback"
    )


def server_url(name: str = "postgres") -> str:
    """The URL of a database on the server the test database lives on (same host, port, user)."""
    settings = connection.settings_dict
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"


@pytest.fixture
def scratch_database() -> Iterator[CreateDatabase]:
    """``scratch_database("restored")`` creates an empty database and returns its URL."""
    created: list[str] = []

    def create(label: str) -> str:
        name = f"quartiers_{label}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(server_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return server_url(name)

    yield create
    with psycopg.connect(server_url(), autocommit=True) as admin:
        for name in created:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
