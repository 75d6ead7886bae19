"""« Mot de passe oublié »: a link by email (Django's views, French DSFR pages), the same answer
whether the address exists or not, the link sets a new password once."""

from __future__ import annotations

import re
from typing import Any

from django.core import mail
from django.test import Client

import pytest

from accounts.models import Role
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


def test_the_login_page_offers_the_password_toggle_and_the_reset_link() -> None:
    body = Client().get("/connexion/").content.decode()
    assert 'class="fr-password' in body and 'for="mot-de-passe-afficher">Afficher</label>' in body
    assert 'href="/mot-de-passe-oublie/"' in body and "Mot de passe oublié ?" in body


def test_a_reset_link_by_email_sets_a_new_password(make_user: MakeUser, settings: Any) -> None:
    user = make_user(Role.AGENT, "59", email="agent.oubli@example.gouv.fr")
    client = Client()
    page = client.get("/mot-de-passe-oublie/")
    assert page.status_code == 200 and "<h1>Mot de passe oublié</h1>" in page.content.decode()
    known = client.post("/mot-de-passe-oublie/", {"email": "Agent.Oubli@example.gouv.fr"})
    unknown = client.post("/mot-de-passe-oublie/", {"email": "personne@example.gouv.fr"})
    # the same answer: nothing tells whether the address has an account
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/mot-de-passe-oublie/envoye/"
    assert "Si un compte actif existe pour cette adresse" in client.get(known["Location"]).content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email] and message.subject == "[Quartiers] Choisir un nouveau mot de passe"
    match = re.search(r"(https?://\S+)/mot-de-passe/(\S+)/", str(message.body))
    assert match and match.group(1) == settings.SITE_URL
    link = match.group(0).removeprefix(settings.SITE_URL)
    form = client.get(link, follow=True)
    body = form.content.decode()
    assert "<h1>Nouveau mot de passe</h1>" in body and "Enregistrer le mot de passe" in body
    new = "un tout nouveau mot de passe"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == "/mot-de-passe/modifie/"
    user.refresh_from_db()
    assert user.check_password(new)
    again = client.get(link, follow=True).content.decode()
    assert "Ce lien n'est plus valable" in again  # once only
