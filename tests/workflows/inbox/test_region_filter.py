"""The inbox's « Région » filter (``?region=<code INSEE>``): a région's départements, within the
user's scope, on every tab, a saved view's count, the exports and previous / next; its select only
for users whose départements span several régions; an unknown code an empty list, never a 500."""

from __future__ import annotations

from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from reference.models import CityContract
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task
from workflows.inbox import listing, selectors
from workflows.inbox.models import SavedView
from workflows.models import Renewal
from workflows.renewal.services import renewal_launch

pytestmark = pytest.mark.django_db

TAB_URLS = {
    "a-traiter": "/taches/",
    "file": "/taches/file/",
    "suivis": "/taches/suivis/",
    "traites": "/taches/traites/",
    "tous": "/taches/tous/",
}
EMPTY = "Aucune tâche ne correspond à ces filtres."


def launch(code: str, index: int, user: User) -> Renewal:
    contract = CityContract.objects.filter(department__code=code).order_by("code")[index]
    renewal, _ = renewal_launch(city_contract=contract, user=user)
    return renewal


@pytest.fixture
def campaign(make_user: MakeUser) -> dict[str, User]:
    """Renovations in the Nord (2, one taken by its agent), the Pas-de-Calais (2) — both of the
    Hauts-de-France (32) — and the Seine-Saint-Denis (1, Île-de-France, 11)."""
    nord = make_user(Role.AGENT, "59")
    for index in range(2):
        renewal = launch("59", index, nord)
    Task.objects.filter(pk=open_task(renewal, "evaluate").pk).update(owner=nord, status=STATUS.ASSIGNED)
    pas_de_calais = make_user(Role.AGENT, "62")
    for index in range(2):
        launch("62", index, pas_de_calais)
    launch("93", 0, make_user(Role.AGENT, "93"))
    return {
        "nord": nord,
        "cget": make_user(Role.CGET_REFERENT),
        "admin": make_user(Role.NATIONAL_ADMIN),
    }


def test_a_region_lists_its_departements_within_the_scope(campaign: dict[str, User]) -> None:
    cget = logged(campaign["cget"])
    everything = cget.get("/taches/tous/")
    assert everything.context["paginator"].count == 5
    hauts_de_france = cget.get("/taches/tous/?region=32")
    assert hauts_de_france.context["paginator"].count == 4
    assert {row.department.code for row in hauts_de_france.context["rows"]} == {"59", "62"}
    ile_de_france = cget.get("/taches/tous/?region=11")
    assert [row.department.code for row in ile_de_france.context["rows"]] == ["93"]
    # With a département: both apply (another région's département lists nothing).
    assert cget.get("/taches/tous/?region=32&departement=62").context["paginator"].count == 2
    assert cget.get("/taches/tous/?region=11&departement=62").context["paginator"].count == 0
    # The Nord's agent asking for the whole région sees his département only; another région nothing.
    nord = logged(campaign["nord"])
    own = nord.get("/taches/tous/?region=32")
    assert own.context["paginator"].count == 2
    assert {row.department.code for row in own.context["rows"]} == {"59"}
    other = nord.get("/taches/tous/?region=11")
    assert other.status_code == 200 and other.context["paginator"].count == 0
    assert EMPTY in other.content.decode()


@pytest.mark.parametrize("role", ["nord", "cget", "admin"])
@pytest.mark.parametrize("tab", list(TAB_URLS))
def test_every_tab_honours_the_region_and_counts_its_rows(campaign: dict[str, User], role: str, tab: str) -> None:
    user = campaign[role]
    client = logged(user)
    for region in ("32", "11", "84"):
        response = client.get(f"{TAB_URLS[tab]}?region={region}")
        assert response.status_code == 200
        rows = response.context["rows"]
        assert response.context["paginator"].count == len(rows), (role, tab, region)
        wanted = {"32": {"59", "62"}, "11": {"93"}, "84": set()}[region]
        scope = {"59"} if role == "nord" else {"59", "62", "93"}
        assert {row.department.code for row in rows} <= wanted & scope
        # The same list as the tab's rows filtered by hand on the région's départements.
        unfiltered = selectors.tab_tasks(user=User.objects.get(pk=user.pk), tab=tab).select_related("process")
        expected = sum(
            1
            for task in unfiltered
            if task.process.artifact is not None and task.process.artifact.department.region.code == region
        )
        assert len(rows) == expected, (role, tab, region)


@pytest.mark.parametrize("code", ["99", "zz", "3" * 300, "32' OR 1=1 --", "%E9t%C3"])
def test_an_unknown_region_is_an_empty_list(campaign: dict[str, User], code: str) -> None:
    for role in ("nord", "cget"):
        response = logged(campaign[role]).get(f"/taches/tous/?region={code}")
        assert response.status_code == 200
        assert response.context["paginator"].count == 0
        assert EMPTY in response.content.decode()


def test_the_select_is_for_users_whose_departements_span_several_regions(campaign: dict[str, User]) -> None:
    body = logged(campaign["cget"]).get("/taches/tous/?region=32").content.decode()
    assert '<select class="fr-select" id="filtre-region" name="region">' in body
    assert '<option value="32" selected>Hauts-de-France</option>' in body
    assert '<option value="11">Île-de-France</option>' in body
    # In reading order: « Île-de-France » among the I.
    names = [region.name for region in logged(campaign["cget"]).get("/taches/tous/").context["regions"]]
    assert names.index("Hauts-de-France") < names.index("Île-de-France") < names.index("Normandie")
    nord = logged(campaign["nord"]).get("/taches/tous/").content.decode()
    assert 'name="region"' not in nord and 'name="departement"' in nord


def test_saved_views_exports_and_neighbours_keep_the_region(campaign: dict[str, User]) -> None:
    cget = campaign["cget"]
    view = SavedView.objects.create(owner=cget, name="Hauts-de-France", tab="tous", query="region=32")
    other = SavedView.objects.create(owner=cget, name="Île-de-France", tab="tous", query="region=11")
    client = logged(cget)
    page = client.get("/taches/tous/")
    counts = {item["view"].pk: item["count"] for item in page.context["saved_views"]}
    assert counts == {view.pk: 4, other.pk: 1}
    shown = client.get(f"/taches/tous/?region=32&vue={view.pk}")
    assert shown.context["paginator"].count == 4
    # « Enregistrer cette vue » keeps the filter.
    assert listing.list_query(QueryDict("region=32&page=2&vue=3")) == "region=32"
    # The export lists the région's tasks only.
    export = client.get("/taches/tous/?region=11&export=csv")
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "(93)" in text and "(59)" not in text and "(62)" not in text
    # Previous / next walk the région's list.
    params = QueryDict("region=32")
    tasks, _sort = listing.list_tasks(user=cget, tab="tous", params=params)
    pks = list(tasks.values_list("pk", flat=True))
    assert len(pks) == 4
    around = listing.list_neighbours(user=cget, tab="tous", params=params, position=3, task_pk=pks[3])
    assert around is not None and around.next is None and around.previous is not None
    assert around.previous.task.pk == pks[2]
    assert around.previous.department.region.code == "32"


def count_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["nord", "cget"])
def test_the_filter_and_its_select_cost_no_query(campaign: dict[str, User], role: str, make_user: MakeUser) -> None:
    """The région's condition is a sub-query of the list's, its select read with the départements:
    as many queries with and without it, and with more rows."""
    client = logged(campaign[role])
    # A filtered list is counted on its own (an unfiltered one reuses the tab's count): compare
    # with another filter of the same kind.
    by_department = count_queries(client, "/taches/tous/?departement=59")
    assert count_queries(client, "/taches/tous/?region=32") == by_department
    assert count_queries(client, "/taches/tous/?region=32&departement=59") == by_department
    agent = make_user(Role.AGENT, "59")
    for index in range(2, 6):
        launch("59", index, agent)
    assert count_queries(client, "/taches/tous/?region=32") == by_department
