"""The accessibility statement: public, with its RGAA 4.1 status."""

from __future__ import annotations

from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


def test_accessibility_statement_gives_the_rgaa_status() -> None:
    response = Client().get("/accessibilite/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "RGAA" in body and "version 4.1" in body and "non conforme" in body
    assert "Voies de recours" in body and "Défenseur des droits" in body
