"""The OpenAPI schema is valid and schemathesis (v4) exercises every operation of it against
the WSGI application with a valid token, on seeded data, with no server error."""

from __future__ import annotations

from collections.abc import Iterator

from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.models import Role
from tests.api.conftest import Seeded
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db

# Two roles × 20 operations × 8 examples: about 40 s on the shared 2-core machine.
EXAMPLES_PER_OPERATION = 8


def test_schema_validates() -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


@pytest.fixture
def wsgi_in_test_transaction() -> Iterator[WSGIHandler]:
    """The WSGI app inside the test's transaction: like Django's test client, do not let the
    request signals close the connection (it would end the test transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", [Role.AGENT, Role.CGET_REFERENT])
def test_schemathesis_finds_no_server_error(
    seeded: Seeded, make_user: MakeUser, wsgi_in_test_transaction: WSGIHandler, role: Role
) -> None:
    # The agent may write (PUT/PATCH/POST on follow-ups); the référent CGET reads everything.
    user = make_user(role, "59" if role == Role.AGENT else None)
    headers = {"Authorization": f"Token {Token.objects.create(user=user).key}"}
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = wsgi_in_test_transaction
    # Half of the generated cases address a seeded object (random ids would mostly be 404s),
    # so the writes also run with generated bodies on real follow-ups.
    real = {
        "/api/suivis/": str(seeded.follow_ups["59"].pk),
        "/api/echeances/": str(seeded.deadlines["59"].pk),
        "/api/renovations/": str(seeded.renewals["59"].pk),
        "/api/reunions/": str(seeded.meetings["59"].pk),
        "/api/contrats-de-ville/": str(seeded.contracts["59"].pk),
        "/api/departements/": "59",
        "/api/regions/": "32",
        "/api/mesures/": "3",
    }
    operations = 0
    write_statuses: set[int] = set()
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result  # every operation of the schema loads
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(), use_real=st.booleans())
        def run(case: schemathesis.Case, use_real: bool) -> None:
            if use_real and case.path_parameters:
                prefix = next(p for p in real if case.path.startswith(p))
                name = next(iter(case.path_parameters))
                case.path_parameters = {**case.path_parameters, name: real[prefix]}
            response = case.call(headers=headers)
            if case.method.upper() in {"PUT", "PATCH", "POST"}:
                write_statuses.add(response.status_code)
            case.validate_response(response, checks=[not_a_server_error])
            if response.status_code == 200:
                case.validate_response(response, checks=[response_schema_conformance])

        run()
    assert operations >= 19
    # The writes reached the serializer on a real follow-up: accepted or refused with a 400
    # for the agent, refused with a 403 for the référent CGET (never a 5xx, checked above).
    assert (write_statuses & {200, 400}) if role == Role.AGENT else (403 in write_statuses)
