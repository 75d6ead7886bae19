"""Traceable figures: every figure of the dashboard and of the département's steering page is
one definition (``workflows.steering.figures``) whose list has exactly as many cases as the
figure, for the national scope, a région and a département; another département's cases never
appear in a département agent's list; the list's queries do not grow with its rows; every
deadline kind of the campaign is shown with its late count against the campaign's day."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar, campaign_clock_set
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.factories.paqte import CharterConventionFactory
from tests.factories.synthesis import SynthesisFactory
from tests.workflows.steering.test_dashboard import seed
from workflows.cases.figures import AsOf, Scope, figures_count
from workflows.paqte.models import CharterConvention
from workflows.renewal.models.renewal import Renewal, RenewalState
from workflows.steering.dashboard import FIELD_FIGURES, STEP_FIGURES, dashboard_get
from workflows.steering.figures import DEADLINES, FIGURES
from workflows.synthesis.models import Synthesis, SynthesisState

pytestmark = pytest.mark.django_db


def seed_more(department: Department, *, variant: int) -> None:
    """Charter conventions in every state and the campaign's synthesis (on time, late or none)."""
    calendar = campaign_calendar()
    for state in CharterConvention.State:
        CharterConventionFactory.create(
            department=department,
            signed_on=calendar.starts_on,
            ends_on=calendar.charter_migration + dt.timedelta(days=300 * variant),
            state=state,
        )
    due = calendar.synthesis
    if variant < 2:
        sent = due - dt.timedelta(days=2) if variant == 0 else due + dt.timedelta(days=4)
        SynthesisFactory.create(
            department=department,
            year=due.year,
            state=SynthesisState.SUBMITTED,
            submitted_at=timezone.make_aware(dt.datetime.combine(sent, dt.time(10))),
        )


@pytest.fixture
def campaign_day() -> Iterator[dt.date]:
    """The campaign's clock after every dated deadline (the charter migration included)."""
    day = campaign_calendar().charter_migration + dt.timedelta(days=20)
    campaign_clock_set(day)
    yield day
    campaign_clock_set(None)


@pytest.fixture
def seeded(nord: Department, pas_de_calais: Department) -> None:
    seed(nord, variant=0)
    seed(pas_de_calais, variant=1)
    seed_more(nord, variant=0)
    seed_more(pas_de_calais, variant=1)


def _ids(*codes: str) -> tuple[int, ...]:
    queryset = Department.objects.all() if not codes else Department.objects.filter(code__in=codes)
    return tuple(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("codes", [(), ("59",), ("62",), ("59", "62")], ids=["national", "59", "62", "59+62"])
def test_each_figure_lists_exactly_what_it_counts(seeded: None, campaign_day: dt.date, codes: tuple[str, ...]) -> None:
    scope = Scope(department_ids=_ids(*codes), as_of=AsOf(day=campaign_day))
    counts = figures_count(FIGURES, scope)
    for figure in FIGURES:
        items = figure.items(scope)
        assert len(items) == sum(counts[figure.slug].values()), figure.slug
        for item in items:
            assert item.department.pk in scope.department_ids, figure.slug
        per_department = {pk: n for pk, n in counts[figure.slug].items() if n}
        listed: dict[int, int] = {}
        for item in items:
            listed[item.department.pk] = listed.get(item.department.pk, 0) + 1
        assert listed == per_department, figure.slug


def test_the_deadline_kinds_count_late_against_the_campaign_day(
    seeded: None, campaign_day: dt.date, make_user: MakeUser
) -> None:
    """Every deadline kind is on the dashboard with a late count; the seeded differences show."""
    board = dashboard_get(user=make_user(Role.CGET_REFERENT), today=campaign_day)
    by_code = {row.department.code: row.figures for row in board.rows}
    nord_f, pdc = by_code["59"], by_code["62"]
    # Synthesis: the Nord sent on time, the Pas-de-Calais late, every other département never.
    assert (nord_f.syntheses_sent, nord_f.syntheses_late) == (1, 0)
    assert (pdc.syntheses_sent, pdc.syntheses_late) == (1, 1)
    assert board.total.syntheses_late == Department.objects.count() - 1
    # Référent: the Nord's was transmitted (seed variant 0), the Pas-de-Calais has none.
    assert (nord_f.referents_late, pdc.referents_late) == (0, 1)
    # Charters still to turn into PAQTE conventions (active, offered), late after the campaign's date.
    unsettled = len([CharterConvention.State.ACTIVE, CharterConvention.State.OFFERED])
    assert (nord_f.charters_pending, nord_f.charters_late) == (unsettled, unsettled)
    # Collèges: held in 2019 S1 only in the Nord; S1 and S2 in the Pas-de-Calais.
    assert nord_f.colleges_missing == nord_f.colleges_due - 1
    assert pdc.colleges_missing == pdc.colleges_due - 2
    assert [line.label for line in board.deadlines] == [kind.label for kind in DEADLINES]
    late = {line.late_slug: line.late for line in board.deadlines}
    assert late["chartes-en-retard"] == 2 * unsettled
    assert late["syntheses-en-retard"] == board.total.syntheses_late


def test_before_the_dates_nothing_is_late(seeded: None, make_user: MakeUser) -> None:
    calendar = campaign_calendar()
    before = calendar.referent_contact - dt.timedelta(days=1)
    board = dashboard_get(user=make_user(Role.CGET_REFERENT), today=before)
    total = board.total
    assert (total.late, total.referents_late, total.syntheses_late, total.charters_late) == (0, 0, 0, 0)
    assert (total.reports_late, total.colleges_missing) == (0, 0)
    assert total.charters_pending == 2 * 2  # still to migrate, not yet late


def test_a_renovation_signed_after_the_date_is_late(nord: Department, make_user: MakeUser) -> None:
    deadline = campaign_calendar().renewal_signature
    contract = CityContract.objects.filter(department=nord).order_by("code").first()
    assert contract is not None
    renewal = Renewal.objects.create(city_contract=contract, department=nord, state=RenewalState.SIGNED)
    Renewal.objects.filter(pk=renewal.pk).update(signed_on=deadline + dt.timedelta(days=3))
    cget = make_user(Role.CGET_REFERENT)
    before = dashboard_get(user=cget, today=deadline - dt.timedelta(days=10), department="59")
    assert before.total.late == 1  # signed late, whatever the day
    after = dashboard_get(user=cget, today=deadline + dt.timedelta(days=10), department="59")
    assert after.total.late == CityContract.objects.filter(department=nord).count()


# --- Pages ---------------------------------------------------------------------------------------

LINK = re.compile(
    r'href="(/pilotage/tableau-de-bord/chiffres/[a-z0-9-]+/[^"]*)"[^>]*data-figure="([a-z0-9-]+)">(\d+)[^<]*<'
)


def _rows(client: Client, url: str) -> int:
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200, url
    return len(response.context["items"])


@pytest.mark.parametrize(("role", "code"), [(Role.CGET_REFERENT, None), (Role.AGENT, "59")], ids=["cget", "agent-59"])
def test_every_link_of_the_dashboard_lists_as_many_cases_as_its_figure(
    seeded: None, campaign_day: dt.date, client_for: Callable[..., Client], role: Role, code: str | None
) -> None:
    client = client_for(role, code)
    response = client.get("/pilotage/tableau-de-bord/")
    assert response.status_code == 200
    page = response.content.decode()
    links = LINK.findall(page)
    assert links, page[page.find("<h1") : page.find("<h1") + 3000]
    slugs = {slug for _url, slug, _value in links}
    assert {figure.slug for figure in [*FIELD_FIGURES.values(), *STEP_FIGURES.values()]} <= slugs
    checked = set()
    for url, _slug, value in links:
        if (url, value) in checked:
            continue
        checked.add((url, value))
        assert _rows(client, url) == int(value), (url, value)
    department = client.get("/pilotage/departements/59/").content.decode()
    deadline_links = LINK.findall(department)
    assert {slug for _url, slug, _value in deadline_links} >= {kind.late.slug for kind in DEADLINES}
    for url, _slug, value in deadline_links:
        assert "departement=59" in url
        assert _rows(client, url) == int(value), (url, value)


def test_a_department_agent_never_lists_another_departments_cases(
    seeded: None, campaign_day: dt.date, client_for: Callable[..., Client]
) -> None:
    client = client_for(Role.AGENT, "59")
    for figure in FIGURES:
        response = client.get(f"/pilotage/tableau-de-bord/chiffres/{figure.slug}/")
        assert response.status_code == 200
        assert {item.department.code for item in response.context["items"]} <= {"59"}, figure.slug
        assert "Pas-de-Calais" not in response.content.decode(), figure.slug
        assert client.get(f"/pilotage/tableau-de-bord/chiffres/{figure.slug}/?departement=62").status_code == 404
        export = client.get(f"/pilotage/tableau-de-bord/chiffres/{figure.slug}/?export=csv")
        csv = b"".join(export.streaming_content)  # type: ignore[attr-defined]
        assert b"Pas-de-Calais" not in csv
    assert client.get("/pilotage/tableau-de-bord/chiffres/inconnu/").status_code == 404
    synthesis = Synthesis.objects.get(department__code="62")
    assert client.get(f"/pilotage/tableau-de-bord/chiffres/contrats/?synthese={synthesis.pk}").status_code == 404
    assert client.get("/pilotage/tableau-de-bord/chiffres/contrats/?synthese=abc").status_code == 404


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


LISTED = [
    "contrats",
    "contrats-en-retard",
    "referents-en-retard",
    "syntheses-en-retard",
    "conventions-signees",
    "bilans-en-retard",
    "colleges-tenus",
    "colleges-manquants",
    "chartes-en-retard",
]


@pytest.mark.parametrize("slug", LISTED)
def test_list_queries_constant_in_the_number_of_cases(
    campaign_day: dt.date, client_for: Callable[..., Client], nord: Department, pas_de_calais: Department, slug: str
) -> None:
    client = client_for(Role.CGET_REFERENT)
    url = f"/pilotage/tableau-de-bord/chiffres/{slug}/"
    seed(nord, variant=0)
    seed_more(nord, variant=0)
    before = _queries(client, url)
    seed(pas_de_calais, variant=1)
    seed_more(pas_de_calais, variant=1)
    seed_more(pas_de_calais, variant=2)
    assert _queries(client, url) == before


def test_the_department_page_shows_the_deadline_kinds_too(
    seeded: None, campaign_day: dt.date, client_for: Callable[..., Client]
) -> None:
    """The reference département page carries the same table as the steering page."""
    client = client_for(Role.AGENT, "59")
    page = client.get("/departements/59/").content.decode()
    links = LINK.findall(page)
    assert {slug for _url, slug, _value in links} == {
        slug for kind in DEADLINES for slug in (kind.done.slug, kind.late.slug)
    }
    for url, _slug, value in links:
        assert "departement=59" in url and _rows(client, url) == int(value)
