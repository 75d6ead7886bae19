"""Every form the app shows to its users, fed adversarial text by hypothesis.

The forms are found, not listed: each HTML page of the URL walk (``tests/security/urls.py``) is
opened as the first role that gets it, and each ``<form method="post">`` in it is posted back
with its text fields replaced by very long text, control characters, NUL bytes, right-to-left
marks, HTML and JavaScript. Never a server error; the answer (or the page it redirects to) is
either a French error or the value saved and shown escaped, never as markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from django.test import Client

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from tests.conftest import MakeUser
from tests.security.urls import seed_nord, seed_roles, url_patterns

pytestmark = pytest.mark.django_db

VIEWERS = ["agent-59", "referent-paqte-59", "valideur-59", "referent-cget", "admin-national"]
# Markup that must never come back unescaped.
TAG = "<fz-x onmouseover=alert(1)>"
ADVERSARIAL = [
    TAG,
    f'"><script>alert("fz")</script>{TAG}',
    "\x00",
    f"a\x00b{TAG}",
    "\u202eRTL\u202c \u200f\u05e9\u05dc\u05d5\u05dd",
    "\x01\x02\x1b[31m\x7f",
    "x" * 100_000,
    "é" * 5_000,
    "{{ 7*7 }} {% debug %} ${7*7}",
    "' OR 1=1 --",
    "\r\n\r\nSet-Cookie: x=1",
    "../../etc/passwd",
    "",
    " ",
    "2019-02-30",
    "-1",
    "1e309",
]
TEXT = st.one_of(
    st.sampled_from(ADVERSARIAL),
    st.text(max_size=300),
    st.builds(lambda a, b: a + TAG + b, st.text(max_size=50), st.text(max_size=50)),
)
ENGLISH = re.compile(r"This field is required|Enter a valid|Ensure this value|Select a valid choice")
SKIPPED_ACTIONS = ("/deconnexion/", "/admin/", "/connexion/")
TEXT_TYPES = {"text", "email", "search", "url", "tel", "number", "date", "textarea", "password", ""}


@dataclass
class Form:
    page: str
    role: str
    action: str
    fixed: list[tuple[str, str]] = field(default_factory=list)  # hidden fields, choices, one button
    text: list[str] = field(default_factory=list)  # what the fuzzer fills


class FormParser(HTMLParser):
    def __init__(self, page: str, role: str) -> None:
        super().__init__()
        self.page, self.role = page, role
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None
        self.button = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self.current = Form(self.page, self.role, a.get("action") or self.page)
            self.button = False
            return
        form = self.current
        if form is None or not a.get("name"):
            return
        name = a["name"]
        kind = a.get("type", "text" if tag == "input" else "").lower()
        if tag == "textarea" or (tag == "input" and kind in TEXT_TYPES):
            form.text.append(name)
        elif tag == "input" and kind == "hidden":
            form.fixed.append((name, a.get("value", "")))
        elif tag == "input" and kind in ("checkbox", "radio") and ("checked" in a or kind == "radio"):
            if not any(existing == name for existing, _ in form.fixed):
                form.fixed.append((name, a.get("value", "on")))
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and a.get("value"):
            form.fixed.append((self.select, a["value"]))
            self.select = None
        elif tag in ("button", "input") and kind == "submit" and not self.button:
            form.fixed.append((name, a.get("value", "")))
            self.button = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.current is not None:
            self.forms.append(self.current)
            self.current = None
        if tag == "select":
            self.select = None


def discover(clients: dict[str, Client], paths: list[str]) -> list[Form]:
    forms: dict[tuple[str, tuple[str, ...]], Form] = {}
    for path in paths:
        for role in VIEWERS:
            response = clients[role].get(path)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            parser = FormParser(path, role)
            parser.feed(response.content.decode())
            for form in parser.forms:
                if form.text and not form.action.startswith(SKIPPED_ACTIONS):
                    forms.setdefault((form.action, tuple(form.text)), form)
            break
    return list(forms.values())


def test_every_form_survives_adversarial_text(make_user: MakeUser) -> None:
    users = seed_roles(make_user)
    seed = seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
    clients: dict[str, Client] = {}
    for role in VIEWERS:
        user = users[role]
        assert isinstance(user, User)
        clients[role] = Client()
        clients[role].force_login(user)
    paths = [url.path for url in url_patterns(seed) if not url.is_admin and not url.is_api]
    forms = discover(clients, paths)
    assert len(forms) >= 8, [f.action for f in forms]
    problems: list[str] = []

    for form in forms:
        problems.extend(fuzz(form, clients[form.role]))
    assert not problems, f"{len(problems)} formulaire(s) en défaut sur {len(forms)} :\n" + "\n".join(problems)


def fuzz(form: Form, client: Client) -> list[str]:
    """Post adversarial text into one form; what went wrong (the failure hypothesis shrank to)."""

    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(values=st.lists(TEXT, min_size=len(form.text), max_size=len(form.text)))
    def post(values: list[str]) -> None:
        data: dict[str, Any] = {}
        for name, value in form.fixed:
            data.setdefault(name, value)
        data.update(dict(zip(form.text, values, strict=True)))
        response = client.post(form.action, data)
        where = f"{form.role} POST {form.action} (formulaire de {form.page}) {data!r:.300}"
        assert response.status_code < 500, where
        body = response.content.decode("utf-8", "replace")
        if response.status_code in (301, 302, 303) and response["Location"].startswith("/"):
            body = client.get(response["Location"]).content.decode("utf-8", "replace")
        assert TAG not in body, f"{where} : balise non échappée"
        assert not ENGLISH.search(body), f"{where} : message en anglais"

    try:
        post()
    except AssertionError as error:
        return [str(error).splitlines()[0][:600]]
    return []
