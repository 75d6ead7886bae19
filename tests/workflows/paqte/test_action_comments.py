"""The comment of a PAQTE case's action whose transition table requires one (the valideur's
« Renvoyer à l'agent », the CGET's « Renvoyer à la préfecture », a convention's « Résilier »), on
the case's own page, as on the decision screens: required for its button only, so never the
browser's own ``required`` (its bubble, in the browser's language, would come before the page's
French explanation); refused by the server in French, nothing written; and what was typed
comes back in its field after a refusal (a reason missing, the case changed meanwhile)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from accounts.models import User
from reference.models import Department
from tests.clients import logged
from tests.workflows.submission_helpers import fresh, in_validation
from workflows.cases.runner import transition_run

pytestmark = pytest.mark.django_db

REASON = "L'entreprise a cessé son activité dans le département."


def comment_fields(page: str) -> dict[str, str]:
    """Each action's comment textarea (its opening tag), by the action's name (its id's suffix)."""
    return {
        match.group("action"): match.group(0)
        for match in re.finditer(r'<textarea name="comment"[^>]*id="id_comment-(?P<action>[a-z_]+)"[^>]*>', page)
    }


def assert_required_by_the_server_only(tag: str) -> None:
    assert not re.search(r"\srequired(\s|>|=)", tag), tag  # no native bubble
    assert 'aria-required="true"' in tag, tag


def test_the_report_s_return_comments_have_no_native_required(
    agent: User, validator: User, cget: User, nord: Department
) -> None:
    report = in_validation("paqte-report", agent, nord)
    page = logged(validator).get(f"/paqte/bilans/{report.pk}/").content.decode()
    fields = comment_fields(page)
    assert set(fields) == {"send_back"}  # « Valider et transmettre au CGET » asks for none
    assert_required_by_the_server_only(fields["send_back"])
    assert "Obligatoire pour cette action. Il est transmis à l'agent et gardé dans l'historique." in page

    report = transition_run(case=fresh(report), user=validator, name="validate")
    page = logged(cget).get(f"/paqte/bilans/{report.pk}/").content.decode()
    fields = comment_fields(page)
    assert set(fields) == {"return_to_prefecture"}
    assert_required_by_the_server_only(fields["return_to_prefecture"])


def test_the_referent_s_return_comment_has_no_native_required(agent: User, validator: User, nord: Department) -> None:
    in_validation("paqte-referent", agent, nord)
    page = logged(validator).get("/paqte/departements/59/").content.decode()
    assert_required_by_the_server_only(comment_fields(page)["send_back"])


def test_a_return_without_its_reason_is_refused_in_french_by_the_server(
    agent: User, validator: User, nord: Department
) -> None:
    report = in_validation("paqte-report", agent, nord)
    client = logged(validator)
    refused = client.post(f"/paqte/bilans/{report.pk}/actions/send_back/", {"comment": "   "}, follow=True)
    body = refused.content.decode()
    assert "Un commentaire est obligatoire pour cette action." in body  # the page's message
    group = body[body.index('for="id_comment-send_back"') : body.index("Renvoyer à l&#x27;agent</button>")]
    assert "Ce champ est obligatoire." in group  # beside its field
    assert_required_by_the_server_only(comment_fields(body)["send_back"])
    assert fresh(report).state == "prefect_validation"


def test_a_convention_s_termination_comment_has_no_native_required(
    agent: User, nord: Department, make_convention: Any
) -> None:
    convention = make_convention(state="active")
    page = logged(agent).get(f"/paqte/conventions/{convention.pk}/").content.decode()
    assert_required_by_the_server_only(comment_fields(page)["terminate"])


def terminate_field(body: str) -> str:
    """The « Résilier » form's comment group, from its label to its button."""
    return body[body.index('for="id_comment-terminate"') : body.index(">Résilier</button>")]


def test_a_termination_refused_for_want_of_its_reason_shows_why_beside_the_field(
    agent: User, make_convention: Any
) -> None:
    convention = make_convention(state="active")
    client = logged(agent)
    response = client.post(
        f"/paqte/conventions/{convention.pk}/actions/terminate/", {"comment": "  ", "etat": "active"}, follow=True
    )
    body = response.content.decode()
    assert "Un commentaire est obligatoire pour cette action." in body
    assert "Ce champ est obligatoire." in terminate_field(body)
    assert fresh(convention).state == "active"
    # Once shown, the refused attempt is gone: the next visit starts from an empty form.
    assert "Ce champ est obligatoire." not in client.get(f"/paqte/conventions/{convention.pk}/").content.decode()


def test_a_termination_refused_because_the_convention_moved_meanwhile_keeps_its_reason(
    agent: User, make_user: Any, make_convention: Any
) -> None:
    """The agent's page showed the convention signed; a colleague put it into effect meanwhile:
    his « Résilier » is refused (nothing written), and his reason comes back in its field on the
    page, which now shows the convention in effect, still to be terminated if he confirms."""
    from accounts.models import Role

    convention = make_convention(state="signed")
    client = logged(agent)
    page = client.get(f"/paqte/conventions/{convention.pk}/").content.decode()
    assert '<input type="hidden" name="etat" value="signed">' in page
    transition_run(case=fresh(convention), user=make_user(Role.AGENT, "59"), name="activate")
    response = client.post(
        f"/paqte/conventions/{convention.pk}/actions/terminate/", {"comment": REASON, "etat": "signed"}, follow=True
    )
    body = response.content.decode()
    assert "Le dossier a changé d&#x27;étape depuis son ouverture." in body
    assert fresh(convention).state == "active"
    assert "L&#x27;entreprise a cessé son activité dans le département." in terminate_field(body)
    assert "cessé son activité" not in client.get(f"/paqte/conventions/{convention.pk}/").content.decode()
    # Confirmed from the page as it is now, it runs.
    client.post(f"/paqte/conventions/{convention.pk}/actions/terminate/", {"comment": REASON, "etat": "active"})
    assert fresh(convention).state == "terminated"
