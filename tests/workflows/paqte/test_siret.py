"""SIRET checks: 14 digits, Luhn key, La Poste's exception, French messages, one company per SIRET."""

from __future__ import annotations

from django.core.exceptions import ValidationError

import pytest

from tests.workflows.paqte.helpers import company_of, make_siret
from workflows.paqte.services import PaqteError
from workflows.paqte.siret import siret_clean

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "value",
    [
        "73282932000074",  # a well-known valid SIRET
        "732 829 320 00074",  # spaces are tolerated
        "35600000000048",  # La Poste, head office: Luhn applies
        "35600000049837",  # La Poste establishment: Luhn fails, sum of digits multiple of 5
    ],
)
def test_valid_siret(value: str) -> None:
    assert siret_clean(value) == value.replace(" ", "")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7328293200007", "doit comporter 14 chiffres"),
        ("732829320000745", "doit comporter 14 chiffres"),
        ("7328293200007A", "ne doit contenir que des chiffres"),
        ("73282932000075", "clé de contrôle est fausse"),
        ("35600000049838", "clé de contrôle est fausse"),  # La Poste, digit sum not a multiple of 5
        ("", "ne doit contenir que des chiffres"),
    ],
)
def test_invalid_siret_gets_a_french_error(value: str, message: str) -> None:
    with pytest.raises(ValidationError) as error:
        siret_clean(value)
    assert message in " ".join(error.value.messages)


def test_la_poste_establishment_passes_although_luhn_fails() -> None:
    from stdnum import luhn

    assert not luhn.is_valid("35600000049837")
    assert sum(map(int, "35600000049837")) % 5 == 0
    company_of(siret="35600000049837", name="La Poste – bureau")


def test_no_duplicate_company_for_one_siret() -> None:
    siret = make_siret()
    company_of(siret=siret)
    with pytest.raises(PaqteError, match="existe déjà"):
        company_of(siret=siret[:3] + " " + siret[3:])


def test_company_with_a_bad_siret_is_refused() -> None:
    with pytest.raises(ValidationError, match="clé de contrôle"):
        company_of(siret="73282932000075")
