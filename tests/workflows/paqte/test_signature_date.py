"""A convention's « Enregistrer la signature » asks its date (the transition table's ``asks``) as
the product's other fields required for one action ask theirs: no browser ``required`` (its
bubble, in the browser's language, would come before the page's French explanation), the hint
says it is required for this action instead of « (Optionnel) », the server refuses a missing or
impossible date in French beside the field, nothing written, and the date typed comes back in
its field after a refusal (post/redirect/get), once."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

import pytest

from accounts.models import User
from tests.clients import logged
from tests.workflows.submission_helpers import fresh

pytestmark = pytest.mark.django_db

OPTIONAL = "(Optionnel)"


def date_input(body: str) -> str:
    """The sign form's date input (its opening tag)."""
    match = re.search(r'<input[^>]*id="id_signed_on-sign"[^>]*>', body)
    assert match is not None, "no signature date on the page"
    return match.group(0)


def date_group(body: str) -> str:
    """The sign form's date group, from its label to the button."""
    return body[body.index('for="id_signed_on-sign"') : body.index(">Enregistrer la signature</button>")]


def sign(client: Client, convention: Any, **data: str) -> str:
    url = f"/paqte/conventions/{convention.pk}/actions/sign/"
    return client.post(url, data, follow=True).content.decode()


def test_the_signature_date_is_required_by_the_server_only(agent: User, make_convention: Any) -> None:
    convention = make_convention(state="negotiation")
    body = logged(agent).get(f"/paqte/conventions/{convention.pk}/").content.decode()
    tag = date_input(body)
    assert not re.search(r"\srequired(\s|>|=)", tag), tag  # no native bubble
    assert 'aria-required="true"' in tag, tag
    label = date_group(body)[: date_group(body).index("</label>")]
    assert "Obligatoire pour cette action." in label and OPTIONAL not in label


def test_a_signature_without_its_date_is_refused_in_french_beside_the_field(agent: User, make_convention: Any) -> None:
    convention = make_convention(state="negotiation")
    client = logged(agent)
    body = sign(client, convention, signed_on="", etat="negotiation")
    assert "Indiquez la date de signature." in body  # the page's message
    assert "Ce champ est obligatoire." in date_group(body)  # beside its field
    assert fresh(convention).state == "negotiation" and fresh(convention).signed_on is None
    # Once shown, the refused attempt is gone: the next visit starts from today's date.
    assert "Ce champ est obligatoire." not in client.get(f"/paqte/conventions/{convention.pk}/").content.decode()


def test_an_impossible_date_comes_back_with_its_error(agent: User, make_convention: Any) -> None:
    convention = make_convention(state="negotiation")
    body = sign(logged(agent), convention, signed_on="2019-02-31", etat="negotiation")
    assert "Saisissez une date valide." in date_group(body)
    assert 'value="2019-02-31"' in date_input(body)  # what was typed, shown again
    assert fresh(convention).state == "negotiation"


def test_a_signature_refused_because_the_convention_moved_keeps_its_date(agent: User, make_convention: Any) -> None:
    """The page showed the convention as a draft (« etat »): the runner refuses the signature,
    nothing written, and the date typed comes back in its field, without an error of its own."""
    convention = make_convention(state="negotiation")
    body = sign(logged(agent), convention, signed_on="2019-03-01", etat="draft")
    assert "Le dossier a changé d&#x27;étape depuis son ouverture." in body
    assert fresh(convention).state == "negotiation"
    assert 'value="2019-03-01"' in date_input(body)
    assert "fr-error-text" not in date_group(body) and "errorlist" not in date_group(body)
