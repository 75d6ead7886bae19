"""Input PostgreSQL cannot store is a 400 or a 404, never a server error.

A NUL byte cannot be stored or even compared by PostgreSQL (``DataError``): in a path, a query
string, a form field, a header or a cookie it is refused with 400 before any view
(``config.middleware.RejectNulMiddleware``), with the French page, or the API's
``{code, detail}`` under /api/. Undecodable bytes, over-long and out-of-range values reach the
views and must give a 404 (or the page, when a filter ignores them), never a 500.

The URLs are those of the resolver walk (``tests/security/urls.py``, objects of the Nord): each
path argument and each filter the views read is tried, as four points of view.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from unittest import mock
from urllib.parse import unquote

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import Client
from django.urls import Resolver404, resolve

import pytest

from accounts.models import User
from config.env import BASE_DIR
from tests.conftest import make_user_in
from tests.security.test_url_enumeration import LOGOUT
from tests.security.urls import Seed, Url, seed_nord, seed_roles, url_patterns
from workflows.models import RenewalDocument

pytestmark = pytest.mark.django_db

ROLES = ["anonyme", "agent-59", "referent-cget", "admin-national"]
NUL = "%00"
NUL_PAGE = "Requête invalide"
NOT_FOUND_PAGE = "Page introuvable"
MIDDLEWARE_LOGGER = "config.middleware"

# Query parameters the framework reads: pagination (ListView, the API's ?page_size=), DRF's
# ?format=, drf-spectacular's ?lang= and ?version=, the login's ?next=, the admin's search,
# ordering, page, facets, popups, autocomplete and selections.
FRAMEWORK_FILTERS = {
    "page",
    "page_size",
    "format",
    "lang",
    "version",
    "next",
    "q",
    "o",
    "p",
    "all",
    "term",
    "app_label",
    "_to_field",
    "_changelist_filters",
    "_facets",
    "_popup",
    "_selected_action",
    # The inbox reads its list's filters, sort and columns, and a task its list position, from a
    # QueryDict it is handed (``params.get``), which the sources' pattern below does not see.
    "dossier",
    "etape",
    "echeance",
    "tri",
    "colonnes",
    "liste",
    "pos",
    "tache",
}
# The admin's lists read these from a copy of the query, which the spy below does not see.
ADMIN_LIST_FILTERS = {"q", "o", "p", "_to_field"}
# What the views read themselves, found in the sources so that a filter added later is tried too.
_READ = re.compile(r"""\b(?:GET|query_params)\.get(?:list)?\(\s*["'](\w+)["']""")
APPS = ("accounts", "api", "config", "notifications", "reference", "workflows")


def known_filters() -> set[str]:
    names = set(FRAMEWORK_FILTERS)
    for app in APPS:
        for source in (BASE_DIR / app).rglob("*.py"):
            names.update(_READ.findall(source.read_text(encoding="utf-8")))
    return names


@contextlib.contextmanager
def query_keys_read() -> Iterator[set[str]]:
    """The query parameters read while the block runs (``GET.get``, ``getlist``, ``[]``, ``in``)."""
    read: set[str] = set()

    def spy(name: str) -> Callable[..., Any]:
        original = getattr(QueryDict, name)

        def method(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                read.add(key)
            return original(self, key, *args, **kwargs)

        return method

    with contextlib.ExitStack() as stack:
        for name in ("get", "getlist", "__getitem__", "__contains__"):
            stack.enter_context(mock.patch.object(QueryDict, name, spy(name)))
        yield read


@dataclass
class World:
    users: dict[str, User | None]
    seed: Seed
    urls: list[Url]
    filters: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    clients: dict[str, Client] = field(default_factory=dict)

    def page_filters(self, role: str, url: Url) -> list[str]:
        """``page_filters`` for the role's client, measured once per module."""
        if (role, url.path) not in self.filters:
            self.filters[role, url.path] = page_filters(self.client(role), url)
        return self.filters[role, url.path]

    def client(self, role: str) -> Client:
        if role not in self.clients:
            client = Client(raise_request_exception=False)
            user = self.users[role]
            if user is not None:
                client.force_login(user)
            self.clients[role] = client
        return self.clients[role]

    def sign_in_again(self, role: str) -> None:
        user = self.users[role]
        if user is not None:
            self.client(role).force_login(user)


@dataclass
class Seeded:
    """The module's users and objects of the Nord, built once; what each role's client reads on
    each page, measured once (the same pages, the same sessions' roles: the same answer)."""

    users: dict[str, User | None]
    seed: Seed
    urls: list[Url]
    filters: dict[tuple[str, str], list[str]] = field(default_factory=dict)


@pytest.fixture(scope="module")
def seeded(django_db_setup: None, django_db_blocker: Any) -> Iterator[Seeded]:
    """Built in a transaction of the module's own, rolled back after its last test; each test
    runs in a savepoint inside it (Django's ``setUpTestData``)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = seed_roles(make_user_in)
            seed = seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
            yield Seeded(users=users, seed=seed, urls=url_patterns(seed))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def world(seeded: Seeded, db: None) -> World:
    return World(users=seeded.users, seed=seeded.seed, urls=seeded.urls, filters=seeded.filters)


@functools.cache
def pdf_with_nul_bytes() -> bytes:
    """A one-page PDF whose content stream holds NUL bytes (a comment): uploads are binary."""
    content = b"% \x00\x00\x00\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%b\nendstream" % (len(content), content),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj %b endobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- What a refusal looks like ------------------------------------------------------------------


def api_code(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data.get("code") if isinstance(data, dict) and data.get("detail") else None


def french_answer(path: str, status: int, body: bytes) -> str | None:
    """What is wrong with a 400/404 body, or None: the French page, or the API's {code, detail}."""
    expected = {400: ("caractere_nul", NUL_PAGE), 404: ("introuvable", NOT_FOUND_PAGE)}[status]
    if path.startswith("/api/"):
        code = api_code(body)
        return None if code == expected[0] else f"JSON {{code, detail}} « {expected[0]} » attendu (reçu {body[:120]!r})"
    text = body.decode("utf-8", "replace")
    if expected[1] not in text or '<html lang="fr"' not in text:
        return f"page française « {expected[1]} » attendue (reçu {text[:120]!r})"
    return None


def resolves(path: str) -> bool:
    try:
        resolve(unquote(path.split("?", 1)[0]))
    except Resolver404:
        return False
    return True


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    what: str  # which input carries the value, for the report
    data: Any = None
    multipart: bool = False

    def send(self, client: Client) -> Any:
        if self.method == "get":
            return client.get(self.path)
        if self.data is None:
            return client.post(self.path)
        if self.multipart:
            return client.post(self.path, self.data)
        return client.post(self.path, self.data, content_type="application/x-www-form-urlencoded")


def page_filters(client: Client, url: Url) -> list[str]:
    """The query parameters the page reads when the client opens it (none if it does not open)."""
    with query_keys_read() as read:
        opened = client.get(url.path).status_code == 200
    if not opened:
        return []
    return sorted(read | (ADMIN_LIST_FILTERS if url.name.endswith("_changelist") else set()))


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/taches/", {"departement", "page"}),
        ("/taches/file/", {"departement", "page"}),
        ("/paqte/conventions/", {"etat"}),
        ("/pilotage/tableau-de-bord/", {"region", "departement"}),
        ("/api/renovations/", {"page", "page_size", "format"}),
    ],
)
def test_the_walk_sees_the_filters_each_page_reads(world: World, path: str, expected: set[str]) -> None:
    """Guards the spy the walks rely on, with the reported filters; and the sources list them."""
    url = Url(name=path, route=path.lstrip("/"), path=path, kwargs=())
    read = set(page_filters(world.client("admin-national"), url))
    assert expected <= read
    assert read <= known_filters(), "ajoutez-les à FRAMEWORK_FILTERS"


def nul_probes(url: Url, read: list[str], known: set[str]) -> Iterator[Probe]:
    """A NUL byte in each path argument, in each filter the page reads, in every known filter at
    once (GET and POST), as a parameter name, and in form fields (urlencoded and multipart)."""
    for kwarg in url.kwargs:
        for method in ("get", "post"):
            yield Probe(method, url.with_argument(kwarg, NUL), f"chemin « {kwarg} »")
    for key in read:
        yield Probe("get", f"{url.path}?{key}={NUL}", f"filtre « {key} »")
    every = "&".join(f"{key}={NUL}" for key in sorted(known | set(read)))
    for method in ("get", "post"):
        yield Probe(method, f"{url.path}?{every}", "tous les filtres connus")
    yield Probe("get", f"{url.path}?{NUL}=1", "nom de paramètre")
    yield Probe("post", url.path, "champ de formulaire", data="comment=a%00b&title=x")
    yield Probe(
        "post",
        url.path,
        "champ de formulaire (multipart)",
        data={"comment": "a\x00b", "file": SimpleUploadedFile("annexe.pdf", pdf_with_nul_bytes())},
        multipart=True,
    )


SIGNED_IN = [role for role in ROLES if role != "anonyme"]


@pytest.mark.parametrize("who", ["anonyme", "connecté"])
def test_a_nul_byte_anywhere_is_a_400_on_every_url(world: World, who: str) -> None:
    """Every URL × a NUL byte in each path argument, filter and form field, GET and POST: 400
    (404 when the URL's converter does not take it), the French page or the API's JSON.

    The refusal is the middleware's ``process_view``, before any view: who is signed in does not
    change it, only the page the 400 draws. So the URLs are walked once anonymous and once signed
    in, each URL by one of the signed-in roles in turn, with the filters that any role's page reads
    (every URL, every parameter, every role's 400 page still met; a third of the requests)."""
    known = known_filters()
    problems: list[str] = []
    count = 0
    for index, url in enumerate(world.urls):
        roles = ["anonyme"] if who == "anonyme" else SIGNED_IN
        role = roles[index % len(roles)]
        client = world.client(role)
        read = sorted({key for each in roles for key in world.page_filters(each, url)})
        for probe in nul_probes(url, read, known):
            count += 1
            response = probe.send(client)
            if url.name in LOGOUT:
                world.sign_in_again(role)  # had the POST reached the view (without the middleware)
            status = response.status_code
            where = f"{role} {probe.method.upper()} {probe.path[:120]} ({url.name}, {probe.what})"
            expected = 400 if resolves(probe.path) else 404
            if status != expected:
                problems.append(f"{where} : {expected} attendu, reçu {status}")
                continue
            problem = french_answer(probe.path, status, response.content)
            if problem:
                problems.append(f"{where} : {problem}")
    print(f"{who} : {len(world.urls)} URL, {count} requêtes avec un octet nul")
    assert count > 5 * len(world.urls)
    assert not problems, f"{len(problems)} problème(s) sur {count} requêtes :\n" + "\n".join(problems[:200])


# Values that fit no column or no type: undecodable UTF-8, over-long, out of range, not a number.
PATH_VALUES = ["%FF", "%C3%28", "9" * 300]
FILTER_VALUES = ["abc", "-" + "9" * 30, "%FF" + "x" * 300]
# DRF answers an unknown ?format= with its view's first renderer (the schema's YAML, the docs' HTML).
OWN_FORMAT = ("/api/schema/?format=", "/api/docs/?format=", "/api/redoc/?format=")
# 401: the API, anonymous. A filter the view ignores leaves the page as it is (200).
ALLOWED = {200, 301, 302, 400, 401, 403, 404, 405}


@pytest.mark.parametrize("role", ROLES)
def test_values_that_do_not_fit_never_give_a_server_error(world: World, role: str) -> None:
    """Every path argument with undecodable, over-long and out-of-range values; each filter a
    page reads with those and with text where a number is expected: never a 500."""
    client = world.client(role)
    problems: list[str] = []
    count = 0
    for url in world.urls:
        probes = [
            Probe("get", url.with_argument(kwarg, value), f"chemin « {kwarg} »")
            for kwarg in url.kwargs
            for value in PATH_VALUES
        ]
        probes += [
            Probe("get", f"{url.path}?{key}={value}", f"filtre « {key} »")
            for key in world.page_filters(role, url)
            for value in FILTER_VALUES
        ]
        for probe in probes:
            count += 1
            response = probe.send(client)
            status = response.status_code
            where = f"{role} GET {probe.path[:120]} ({url.name}, {probe.what})"
            if status not in ALLOWED:
                problems.append(f"{where} : reçu {status}")
            elif status == 404 and not url.is_admin and not probe.path.startswith(OWN_FORMAT):
                problem = french_answer(probe.path, status, response.content)
                if problem:
                    problems.append(f"{where} : {problem}")
    print(f"{role} : {len(world.urls)} URL, {count} requêtes avec des valeurs hors format")
    assert count > len(world.urls)
    assert not problems, f"{len(problems)} problème(s) sur {count} requêtes :\n" + "\n".join(problems[:200])


# --- The reported probes, one by one ------------------------------------------------------------

# (path, the argument or filter that carries the NUL byte): each was a 500 (PostgreSQL DataError).
REPORTED = [
    ("/calendrier/%00.ics", "token"),
    ("/departements/%00/", "code"),
    ("/departements/%00/renovations/", "code"),
    ("/contrats-de-ville/%00/59/", "code"),
    ("/paqte/departements/%00/", "code"),
    ("/pilotage/departements/%00/", "code"),
    ("/pilotage/syntheses/%00/2019/", "code"),
    ("/taches/?departement=%00", "departement"),
    ("/taches/file/?departement=%00", "departement"),
    ("/paqte/conventions/?etat=%00", "etat"),
    ("/pilotage/tableau-de-bord/?region=%00", "region"),
    ("/pilotage/tableau-de-bord/?departement=%00", "departement"),
    ("/api/departements/%00/", "code"),
    ("/api/regions/%00/", "code"),
]


@pytest.mark.parametrize(("path", "argument"), REPORTED)
def test_each_reported_probe_is_a_400(world: World, path: str, argument: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=MIDDLEWARE_LOGGER)
    for role in ("agent-59", "referent-cget", "admin-national"):
        caplog.clear()
        response = world.client(role).get(path)
        assert response.status_code == 400, (role, path)
        assert french_answer(path, 400, response.content) is None
        # Django decoded %00 to a real NUL, which reached the URL's view arguments or query...
        request = response.wsgi_request
        if "?" in path:
            assert request.GET[argument] == "\x00"
            where = f"query:{argument!r}"
        else:
            assert request.resolver_match is not None
            assert request.resolver_match.kwargs[argument] == "\x00"
            where = "path"
        # ...and the middleware refused it before the view.
        assert [r.where for r in caplog.records if r.msg == "request_nul_refused"] == [where]  # type: ignore[attr-defined]


def test_the_api_answers_a_nul_byte_in_its_format(world: World) -> None:
    response = world.client("agent-59").get("/api/departements/%00/")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "caractere_nul",
        "detail": "La requête contient un caractère nul (%00), qui n'est pas accepté : rien n'a été fait.",
    }


def test_the_400_page_is_the_dsfr_page_of_the_signed_in_user(world: World) -> None:
    """Refused after the session and the CSP nonce are set: the header shows who is signed in,
    and the response carries the security headers of every page."""
    agent = world.users["agent-59"]
    assert agent is not None
    response = world.client("agent-59").get("/departements/%00/")
    body = response.content.decode()
    assert response.status_code == 400
    assert "fr-header" in body and "Revenir à l'accueil" in body
    assert agent.email in body or agent.get_full_name() in body
    assert "nonce-" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_nul_byte_in_a_cookie_is_refused_before_the_session_is_read(world: World) -> None:
    """A quoted cookie value decodes ``\\000`` to NUL (what gunicorn lets through): the session
    is not looked up with it (a DataError before), the request gets its 400."""
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "abcdefgh\x00ijkl"
    assert "\\000" in client.cookies.output()
    response = client.get("/")
    assert response.status_code == 400
    assert NUL_PAGE in response.content.decode()
    assert "Se connecter" in response.content.decode()  # went on without its cookies


def test_a_nul_byte_in_the_api_token_header_is_a_json_400(world: World) -> None:
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION="Token abc\x00def")
    response = client.get("/api/regions/")
    assert response.status_code == 400
    assert response.json()["code"] == "caractere_nul"


def test_uploaded_files_may_hold_nul_bytes_but_not_the_form_fields(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The middleware reads only the text fields of a multipart form, never the files."""
    caplog.set_level(logging.INFO, logger=MIDDLEWARE_LOGGER)
    renewal = world.seed.objects["renewal"]
    url = f"/renovations/{renewal.pk}/documents/"
    client = world.client("agent-59")
    before = RenewalDocument.objects.filter(renewal=renewal).count()

    refused = client.post(url, {"kind": "evaluation\x00", "file": SimpleUploadedFile("a.pdf", pdf_with_nul_bytes())})
    assert refused.status_code == 400
    assert NUL_PAGE in refused.content.decode()
    assert RenewalDocument.objects.filter(renewal=renewal).count() == before

    accepted = client.post(
        url, {"kind": RenewalDocument.Kind.EVALUATION, "file": SimpleUploadedFile("a.pdf", pdf_with_nul_bytes())}
    )
    assert NUL_PAGE not in accepted.content.decode()
    assert [r.where for r in caplog.records if r.msg == "request_nul_refused"] == ["form:'kind'"]  # type: ignore[attr-defined]
    assert accepted.status_code == 302, accepted.content.decode()[:500]
    assert RenewalDocument.objects.filter(renewal=renewal).count() == before + 1


def test_a_nul_byte_in_an_uploaded_file_name_is_dropped(world: World) -> None:
    """Django's multipart parser drops non-printable characters from file names."""
    renewal = world.seed.objects["renewal"]
    response = world.client("agent-59").post(
        f"/renovations/{renewal.pk}/documents/",
        {"kind": RenewalDocument.Kind.EVALUATION, "file": SimpleUploadedFile("an\x00nexe.pdf", pdf_with_nul_bytes())},
    )
    assert response.status_code == 302
    assert RenewalDocument.objects.filter(renewal=renewal).latest("pk").original_name == "annexe.pdf"


# Undecodable bytes and values that fit no column: Django and PostgreSQL already give a 404 or
# ignore them; kept here so that it stays true.
NOT_STORABLE = [
    ("/departements/%FF/", 404),  # Django re-percent-encodes invalid UTF-8 in the path: code "%FF"
    ("/api/departements/%FF/", 404),
    ("/taches/?departement=%FF", 200),  # U+FFFD in the query: no such département, empty list
    ("/departements/" + "9" * 300 + "/", 404),  # the code is 3 characters: PostgreSQL finds nothing
    ("/api/departements/" + "9" * 300 + "/", 404),
    ("/contrats-de-ville/" + "x" * 300 + "/59/", 404),
    ("/renovations/" + "9" * 30 + "/", 404),  # out of bigint: Django 5 matches nothing
    ("/api/renovations/" + "9" * 30 + "/", 404),
    ("/pilotage/syntheses/59/99999999999/", 404),
    ("/taches/?page=abc", 404),
    ("/taches/?page=" + "9" * 30, 404),
    ("/api/renovations/?page=abc", 404),
    ("/api/renovations/?page_size=abc", 200),  # ignored: the default page size
]


@pytest.mark.parametrize(("path", "status"), NOT_STORABLE)
def test_values_that_fit_no_column_are_a_404(world: World, path: str, status: int) -> None:
    response = world.client("admin-national").get(path)
    assert response.status_code == status
    if status == 404:
        assert french_answer(path, 404, response.content) is None


def test_an_undecodable_form_body_is_not_a_server_error(world: World) -> None:
    meeting = world.seed.objects["meeting"]
    response = world.client("agent-59").post(
        f"/pilotage/reunions/{meeting.pk}/convene/",
        b"comment=%FF%FE%C3%28",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


def test_django_own_400s_answer_in_french_and_in_json_under_the_api(world: World, settings: Any) -> None:
    """Too many form fields (Django's limit) is a 400 too: the same page, the same JSON."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    body = "&".join(f"f{i}=x" for i in range(20))
    client = world.client("agent-59")
    page = client.post("/taches/", body, content_type="application/x-www-form-urlencoded")
    assert page.status_code == 400 and NUL_PAGE in page.content.decode()
    api = client.post("/api/suivis/", body, content_type="application/x-www-form-urlencoded")
    assert api.status_code == 400
    assert api.json()["code"] == "requete_invalide"
