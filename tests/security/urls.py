"""Every URL of the project, built from the resolver, with sample arguments from seeded data of
the Nord (59).

Whoever adds a URL whose pattern takes an argument must say here how to get a value for it:
``url_patterns()`` fails, naming the pattern, when it meets an argument it does not know. The
security suite (``tests/security/test_url_enumeration.py``) and the accessibility suite
(``tests/e2e/test_every_page.py``) both walk this list, so pages added later are covered.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Role, User
from notifications.models import Deadline
from notifications.services import calendar_token_regenerate
from reference.models import Department, Measure
from tests.factories.meetings import MeetingFactory
from tests.workflows.renewal.helpers import open_task, pdf, renewal_in
from workflows.cases.parties import Party
from workflows.cases.party_services import party_add, party_sign
from workflows.models import RenewalDocument, RenewalState
from workflows.paqte import services as paqte
from workflows.renewal.services import renewal_document_add

# Text that only the Nord's seeded objects carry: a user of another département must never see it.
MARKER = "Marqueur-Nord-7f3a"


@dataclass
class Seed:
    """Objects of the Nord (59) that URLs point at."""

    objects: dict[str, Any] = field(default_factory=dict)
    calendar_token: str = ""


def seed_nord(*, agent: User, validator: User, referent: User) -> Seed:
    """One object of each kind the URLs take, in the Nord, through the real services."""
    from tests.workflows.paqte.helpers import add_all_axes, company_of
    from tests.workflows.paqte.test_permission_matrix import make_charter

    nord = Department.objects.get(code="59")
    renewal = renewal_in(RenewalState.EVALUATION, agent=agent, validator=validator, referent=referent)
    document = renewal_document_add(
        renewal=renewal, user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf(f"{MARKER}.pdf")
    )
    task = open_task(renewal, "evaluate")
    party = party_add(case=renewal, user=agent, role=Party.Role.MAYOR, name=f"Maire {MARKER}")
    party = party_sign(party=party, user=agent, on=datetime.date(2019, 7, 1), upload=pdf(f"{MARKER}.pdf"))
    convention = paqte.convention_create(user=agent, company=company_of(name=f"Entreprise {MARKER}"), department=nord)
    add_all_axes(agent, convention)
    report = paqte.report_create(user=agent, department=nord, year=2019, semester=1)
    report = paqte.report_update(user=agent, report=report, organisation=MARKER, pru_count=1, job_seekers_qpv=2)
    meeting = MeetingFactory.create(department=nord, date=datetime.date(2019, 3, 15), minutes=f"Compte rendu {MARKER}")
    # a signed renovation with its follow-ups, the prefect's synthesis, a deadline.
    from tests.workflows.renewal.followup.helpers import commitment, signed_renewal
    from tests.workflows.synthesis.helpers import synthesis_in
    from workflows.renewal.followup.models import CommitmentFollowUp
    from workflows.renewal.followup.services import follow_ups_generate

    signed = signed_renewal("59", index=1)
    commitment(signed, text=f"Engagement {MARKER}")
    follow_ups_generate(renewal=signed)
    synthesis = synthesis_in(nord)
    type(synthesis).objects.filter(pk=synthesis.pk).update(steps_taken=f"Démarches {MARKER}")
    return Seed(
        objects={
            "signed_renewal": signed,
            "follow_up": CommitmentFollowUp.objects.filter(commitment__renewal=signed).order_by("pk").first(),
            "synthesis": synthesis,
            "deadline": Deadline.objects.filter(department=nord).order_by("pk").first(),
            "renewal": renewal,
            "document": document,
            "task": task,
            "party": party,
            "convention": convention,
            "charter": make_charter("59"),
            "report": report,
            "meeting": meeting,
            "department": nord,
            "contract": renewal.city_contract,
        },
        calendar_token=calendar_token_regenerate(user=agent).token,
    )


# URL name → which seeded object its ``pk`` is.
PK_OF = {
    "workflows:renewal_detail": "renewal",
    "workflows:renewal_commitments": "renewal",
    "workflows:renewal_document_upload": "renewal",
    "workflows:renewal_document": "document",
    "paqte:convention_detail": "convention",
    "paqte:objective_add": "convention",
    "paqte:result_record": "convention",
    "paqte:convention_action": "convention",
    "paqte:charter_detail": "charter",
    "paqte:charter_action": "charter",
    "paqte:report_detail": "report",
    "paqte:report_action": "report",
    "paqte:report_pdf": "report",
    "paqte:report_xlsx": "report",
    "paqte:report_figure": "report",
    "steering:meeting_detail": "meeting",
    "steering:meeting_action": "meeting",
    "api:meeting-detail": "meeting",
    "followup:list": "signed_renewal",
    "followup:record": "follow_up",
    "api:renewal-detail": "renewal",
    "api:follow-up-detail": "follow_up",
    "api:follow-up-record": "follow_up",
    "api:deadline-detail": "deadline",
    "inbox:follow": "renewal",
    "inbox:exchange_note": "renewal",
    "inbox:exchange_message": "renewal",
    "inbox:exchange_attachment": "renewal",
    "inbox:party_add": "renewal",
    "inbox:party_state": "renewal",
    "inbox:party_proof": "renewal",
}
# URL name → action name (an action the seeded object's state allows).
ACTION_OF = {
    "paqte:referent_action": "send_to_validation",
    "paqte:convention_action": "start_negotiation",
    "paqte:charter_action": "offer",
    "paqte:report_action": "send_to_validation",
    "steering:meeting_action": "convene",
    "synthesis:action": "send_to_validation",
}
# URL names whose ``code`` is a contrat de ville's (the others take a département's).
CONTRACT_CODE = {
    "reference:city_contract_detail",
    "workflows:renewal_launch",
}


def _pk(seed: Seed, name: str) -> str:
    if name in PK_OF:
        return str(seed.objects[PK_OF[name]].pk)
    if name.startswith("api:city-contract-"):
        return str(seed.objects["contract"].pk)
    raise LookupError(name)


def _code(seed: Seed, name: str) -> str:
    if name.startswith("api:region-"):
        return str(seed.objects["department"].region.code)
    return seed.objects["contract"].code if name in CONTRACT_CODE else "59"


def _admin_object(seed: Seed, name: str, callback: Any) -> str:
    """The first row of the model the admin URL is about (its route: admin/<app>/<model>/…)."""
    if name == "admin:view_on_site":
        return str(seed.objects["department"].pk)
    model_admin = getattr(callback, "model_admin", None)
    if model_admin is not None:
        model = model_admin.model
    else:
        match = re.match(r"admin:(?P<app>[a-z]+)_(?P<model>[a-z]+)_", name)
        if match is None:
            raise LookupError(name)
        model = apps.get_model(match["app"], match["model"])
    first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(first if first is not None else 0)


def _first_user() -> str:
    return str(User.objects.order_by("pk").values_list("pk", flat=True)[0])


# Argument name → how to get a value. ``name`` is the URL's "namespace:name".
SAMPLES: dict[str, Callable[[Seed, str, Any], str]] = {
    "code": lambda seed, name, cb: _code(seed, name),
    "territory": lambda seed, name, cb: str(seed.objects["contract"].department_code),
    "number": lambda seed, name, cb: str(Measure.objects.order_by("pk").values_list("number", flat=True)[0]),
    "pk": lambda seed, name, cb: _pk(seed, name),
    "task_pk": lambda seed, name, cb: str(seed.objects["task"].pk),
    "process_pk": lambda seed, name, cb: str(seed.objects["task"].process_id),
    "name": lambda seed, name, cb: ACTION_OF[name],
    "token": lambda seed, name, cb: seed.calendar_token,  # also an (invalid) password reset token
    "uidb64": lambda seed, name, cb: "MQ",  # the password reset link's user (an invalid link: its page)
    "format": lambda seed, name, cb: "json",
    "app_label": lambda seed, name, cb: "accounts",
    "object_id": _admin_object,
    "object_pk": _admin_object,
    "id": lambda seed, name, cb: _first_user(),  # UserAdmin's password change
    "user_id": lambda seed, name, cb: _first_user(),
    "group_id": lambda seed, name, cb: str(Group.objects.order_by("pk").values_list("pk", flat=True)[0]),
    "content_type_id": lambda seed, name, cb: str(ContentType.objects.get_for_model(Department).pk),
    "url": lambda seed, name, cb: "inexistant/",  # the admin's catch-all
    "path": lambda seed, name, cb: "inexistant/",  # the API's catch-all (api:not-found)
    "year": lambda seed, name, cb: str(seed.objects["synthesis"].year),
    "kind": lambda seed, name, cb: "renewal",  # a case kind's code (inbox:follow)
    # a dashboard figure (steering:figure_list), a semestrial report's figure (paqte:report_figure)
    "slug": lambda seed, name, cb: (
        "bilan-entreprises-signataires" if name == "paqte:report_figure" else "contrats-en-retard"
    ),
    "type_": lambda seed, name, cb: "message",  # a case's message attachment (inbox:exchange_attachment)
    "row": lambda seed, name, cb: "0",  # no such message: its attachment answers 404 to everyone
    # no such party: its form answers 404 (403 to who only reads); a signed page: the Nord's party's
    "party_pk": lambda seed, name, cb: str(seed.objects["party"].pk) if name == "inbox:party_proof" else "0",
    "key": lambda seed, name, cb: "inexistante",  # a bulk action's progress key nobody started
}


# URLs whose argument is shared by every département, not an object of the Nord alone: the
# région (Hauts-de-France holds the Nord and the Pas-de-Calais), the national measures and the
# dashboard's figures (each lists the cases of the user's own départements).
SHARED = {"api:region-detail", "api:measure-detail", "steering:figure_list"}


@dataclass(frozen=True)
class Url:
    name: str  # "namespace:name", or the route when the pattern has no name
    route: str  # the pattern, as written
    path: str  # a URL built with sample arguments
    kwargs: tuple[str, ...]
    values: tuple[tuple[str, str], ...] = ()  # the sample arguments, as (name, value)

    @property
    def is_admin(self) -> bool:
        return self.path.startswith("/admin/")

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def has_object(self) -> bool:
        """Points at an object of the Nord (its arguments are not just a format or an action name)."""
        return self.name not in SHARED and bool(set(self.kwargs) - {"format", "name", "app_label"})

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"

    def with_argument(self, kwarg: str, value: str) -> str:
        """The path with one argument replaced (``value`` as it goes in a URL, e.g. ``"%00"``)."""
        return "/" + _fill(self.route, {**dict(self.values), kwarg: value})


# Route pieces: Django's <converter:name>, and regex named groups (DRF format suffixes, admin).
_PARAM = re.compile(r"(?<!\?P)<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^()]*(?:\([^()]*\)[^()]*)*)\)")


def _fill(route: str, values: dict[str, str]) -> str:
    # DRF's format-suffix converter matches ".json", dot included.
    route = _PARAM.sub(lambda m: ("." if m["conv"] == "drf_format_suffix" else "") + values[m["name"]], route)
    route = _GROUP.sub(lambda m: values[m["name"]], route)
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".").replace("/?", "/")
    return route


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace
            if pattern.namespace:
                ns = f"{namespace}{pattern.namespace}:"
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        else:
            yield prefix + str(pattern.pattern), namespace, pattern


def url_patterns(seed: Seed) -> list[Url]:
    """Every pattern of the resolver as a URL to request; unknown arguments fail, naming the pattern."""
    urls: dict[str, Url] = {}
    unknown: list[str] = []
    for route, namespace, pattern in _walk(get_resolver().url_patterns):
        name = f"{namespace}{pattern.name}" if pattern.name else route
        kwargs = [m["name"] for m in _PARAM.finditer(route)] + [m["name"] for m in _GROUP.finditer(route)]
        values: dict[str, str] = {}
        for kwarg in kwargs:
            try:
                values[kwarg] = SAMPLES[kwarg](seed, name, pattern.callback)
            except LookupError:
                unknown.append(f"{name} : « {route} », argument « {kwarg} »")
        if len(values) < len(kwargs):
            continue
        path = "/" + _fill(route, values)
        urls.setdefault(
            path, Url(name=name, route=route, path=path, kwargs=tuple(kwargs), values=tuple(values.items()))
        )
    assert not unknown, (
        "Des URL prennent des arguments que tests/security/urls.py ne sait pas remplir "
        "(ajoutez-les à SAMPLES / PK_OF / ACTION_OF) :\n" + "\n".join(unknown)
    )
    return list(urls.values())


def seed_roles(make_user: Callable[..., User]) -> dict[str, User | None]:
    """The seven points of view of the suite."""
    return {
        "anonyme": None,
        "agent-59": make_user(Role.AGENT, "59"),
        "referent-paqte-59": make_user(Role.PAQTE_REFERENT, "59"),
        "valideur-59": make_user(Role.PREFECT_VALIDATOR, "59"),
        "agent-62": make_user(Role.AGENT, "62"),
        "referent-cget": make_user(Role.CGET_REFERENT),
        "admin-national": make_user(Role.NATIONAL_ADMIN),
    }
