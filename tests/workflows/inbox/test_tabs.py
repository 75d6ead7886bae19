"""The inbox's tabs: À traiter, File du département, Suivis, Traités par moi, Tous — their
counts (in the tabs and the navigation), filters, whitelisted sort, pagination, follow; another
département's cases never appear in a tab or a count; queries per page do not grow with rows."""

from __future__ import annotations

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from notifications.models import Deadline
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.factories.inbox import FollowFactory
from tests.workflows.renewal.helpers import open_task
from workflows.inbox import selectors
from workflows.inbox.models import Follow
from workflows.models import Renewal
from workflows.renewal.services import renewal_launch, renewal_task_complete

pytestmark = pytest.mark.django_db

TAB_URLS = {
    "a-traiter": "/taches/",
    "file": "/taches/file/",
    "suivis": "/taches/suivis/",
    "traites": "/taches/traites/",
    "tous": "/taches/tous/",
}


def launch(code: str, index: int, user: User) -> Renewal:
    contract = CityContract.objects.filter(department__code=code).order_by("code")[index]
    renewal, _ = renewal_launch(city_contract=contract, user=user)
    return renewal


def take(renewal: Renewal, user: User) -> Task:
    task = open_task(renewal, "evaluate")
    Task.objects.filter(pk=task.pk).update(owner=user, status=STATUS.ASSIGNED)
    return task


@pytest.fixture
def nord(make_user: MakeUser) -> dict[str, object]:
    """Nord: 4 renovations (2 taken by the agent, 1 by a colleague, 1 in the queue), 1 followed,
    1 evaluation done by the agent; the Pas-de-Calais has its own renovations."""
    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    other = make_user(Role.AGENT, "62")
    renewals = [launch("59", index, agent) for index in range(5)]
    take(renewals[0], agent)
    take(renewals[1], agent)
    take(renewals[2], colleague)
    FollowFactory.create(user=agent, case=renewals[2])
    # The fifth: its evaluation is recorded by the agent (a finished task of his).
    from tests.workflows.renewal.helpers import EVALUATION, pdf
    from workflows.models import RenewalDocument
    from workflows.renewal.services import renewal_document_add

    renewal_document_add(renewal=renewals[4], user=agent, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    renewal_task_complete(task_pk=open_task(renewals[4], "evaluate").pk, user=agent, fields=EVALUATION)
    pas_de_calais = [launch("62", index, other) for index in range(2)]
    take(pas_de_calais[0], other)
    FollowFactory.create(user=agent, case=pas_de_calais[1])  # a stale follow of a case outside his scope must not show
    return {"agent": agent, "colleague": colleague, "other": other, "renewals": renewals}


def test_each_tab_holds_what_its_name_says_and_counts_it(nord: dict[str, object]) -> None:
    agent = nord["agent"]
    assert isinstance(agent, User)
    counts = selectors.tab_counts(user=agent)
    # À traiter: his two; file: the queued evaluation and the fifth's protocol task; suivis: the
    # colleague's case; traités: one evaluation; tous: every open task of the Nord.
    assert counts == {"a-traiter": 2, "file": 2, "suivis": 1, "traites": 1, "tous": 5}
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/").content.decode()
    for label, count in [("À traiter", 2), ("File du département", 2), ("Suivis", 1), ("Traités par moi", 1)]:
        assert f"{label}&nbsp;<span" in body and f">{count}</span></a></li>" in body
    # The navigation shows his counts too.
    assert '<span class="fr-sr-only">à traiter :</span>2</span>' in body
    assert '<span class="fr-sr-only">en attente :</span>2</span>' in body
    for tab, url in TAB_URLS.items():
        response = client.get(url)
        assert response.status_code == 200
        assert response.context["paginator"].count == counts[tab], tab


def test_another_departement_never_appears_in_a_tab_or_a_count(nord: dict[str, object]) -> None:
    other = nord["other"]
    assert isinstance(other, User)
    assert selectors.tab_counts(user=other) == {"a-traiter": 1, "file": 1, "suivis": 0, "traites": 0, "tous": 2}
    nord_ids = {renewal.pk for renewal in nord["renewals"]}  # type: ignore[attr-defined]
    for tab in TAB_URLS:
        for task in selectors.tab_tasks(user=other, tab=tab).select_related("process"):
            assert int(task.process.artifact_object_id) not in nord_ids
    client = Client()
    client.force_login(other)
    for url in TAB_URLS.values():
        assert "CV059" not in client.get(url).content.decode()


def test_filters_and_the_sort_whitelist(nord: dict[str, object]) -> None:
    agent = nord["agent"]
    assert isinstance(agent, User)
    client = Client()
    client.force_login(agent)
    assert client.get("/taches/tous/?etape=renewal.build_protocol").context["paginator"].count == 1
    assert client.get("/taches/tous/?etape=renewal.nope").context["paginator"].count == 0
    assert client.get("/taches/tous/?dossier=synthesis").context["paginator"].count == 0
    assert client.get("/taches/tous/?departement=62").context["paginator"].count == 0
    # Late: the open deadline of one case is moved into the past.
    renewal = nord["renewals"][0]  # type: ignore[index]
    deadline = Deadline.objects.filter(case_type=ContentType.objects.get_for_model(Renewal), case_id=renewal.pk)
    assert deadline.exists()
    Deadline.objects.update(due_on=dt.date.today() + dt.timedelta(days=30))
    deadline.update(due_on=dt.date.today() - dt.timedelta(days=3))
    late = client.get("/taches/tous/?echeance=retard")
    assert late.context["paginator"].count == 1
    assert client.get("/taches/tous/?echeance=7").context["paginator"].count == 1  # the late one is due too
    Deadline.objects.exclude(pk__in=deadline.values("pk")).update(due_on=dt.date.today() + dt.timedelta(days=20))
    assert client.get("/taches/tous/?echeance=30").context["paginator"].count == 5
    assert client.get("/taches/tous/?echeance=pas-un-nombre").context["paginator"].count == 5
    # Sort: whitelisted columns only; anything else falls back to the tab's default.
    rows = client.get("/taches/tous/?tri=-cree").context["rows"]
    created = [row.task.created for row in rows]
    assert created == sorted(created, reverse=True)
    assert client.get("/taches/tous/?tri=process__artifact_object_id").context["sort"] == "cree"
    body = client.get("/taches/tous/?tri=cree").content.decode()
    assert 'aria-sort="ascending"' in body and "tri=-cree" in body


def test_following_a_case_puts_it_in_suivis_and_only_in_scope(nord: dict[str, object], make_user: MakeUser) -> None:
    agent = nord["agent"]
    assert isinstance(agent, User)
    renewal = nord["renewals"][3]  # type: ignore[index]
    client = Client()
    client.force_login(agent)
    response = client.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "1"})
    assert response.status_code == 302
    assert selectors.tab_counts(user=User.objects.get(pk=agent.pk))["suivis"] == 2
    # Another département's agent cannot follow (404, nothing written).
    stranger = Client()
    stranger.force_login(make_user(Role.AGENT, "62"))
    assert stranger.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "1"}).status_code == 404
    assert Follow.objects.filter(case_id=renewal.pk).count() == 1
    client.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "0"})
    assert Follow.objects.filter(case_id=renewal.pk).count() == 0


def count_queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", list(TAB_URLS.values()))
def test_queries_per_tab_page_do_not_grow_with_rows(make_user: MakeUser, url: str) -> None:
    agent = make_user(Role.AGENT, "59")
    client = Client()
    client.force_login(agent)

    def add(indexes: range) -> None:
        for index in indexes:
            renewal = launch("59", index, agent)
            take(renewal, agent)
            FollowFactory.create(user=agent, case=renewal)

    add(range(1))
    with_one = count_queries(client, url)
    add(range(1, 8))
    assert count_queries(client, url) == with_one


def test_pagination_is_the_dsfr_component(make_user: MakeUser, monkeypatch: pytest.MonkeyPatch) -> None:
    from workflows.inbox.views import TabView

    monkeypatch.setattr(TabView, "paginate_by", 2)
    agent = make_user(Role.AGENT, "59")
    for index in range(5):
        launch("59", index, agent)
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/tous/?dossier=renewal&tri=-cree").content.decode()
    assert '<nav role="navigation" class="fr-pagination fr-mt-2w" aria-label="Pagination">' in body
    assert "dossier=renewal&amp;tri=-cree&amp;page=2" in body  # filters and sort kept
    assert "5 tâches — page 1 sur 3" in body


def test_counts_stop_at_the_cap(nord: dict[str, object], monkeypatch: pytest.MonkeyPatch) -> None:
    """Past ``COUNT_CAP`` a tab, the navigation and the list say « N+ » (counted over a LIMIT):
    the « Tous » tab's 5 tasks with a cap of 3; the lists still show every row, page by page."""
    from workflows.inbox import listing

    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    agent = User.objects.get(pk=nord["agent"].pk)  # type: ignore[attr-defined]
    assert selectors.tab_counts(user=agent) == {"a-traiter": 2, "file": 2, "suivis": 1, "traites": 1, "tous": 4}
    client = Client()
    client.force_login(agent)
    body = client.get("/taches/").content.decode()
    assert "Tous&nbsp;<span" in body and ">3+</span></a></li>" in body
    assert '<span class="fr-sr-only">à traiter :</span>2</span>' in body
    page = client.get("/taches/tous/")
    assert len(page.context["rows"]) == 5 and page.context["paginator"].count == 5  # one page of 50: read whole
    paginator = listing.CappedPaginator(selectors.tab_tasks(user=agent, tab="tous").order_by("pk"), 2, known=4)
    assert (paginator.count, paginator.capped, paginator.count_label) == (4, True, "3+")
    assert paginator.num_pages == 2  # the next page is the last one read
    last = listing.CappedPaginator(
        selectors.tab_tasks(user=agent, tab="tous").order_by("pk"), 2, wanted_page=3, known=4
    )
    assert (last.count, last.capped, last.count_label) == (5, False, "5")


@pytest.mark.parametrize("tab", ["a-traiter", "file", "tous"])
def test_a_tabs_tasks_are_read_without_joining_the_users_and_their_owners_shown(
    nord: dict[str, object], tab: str
) -> None:
    """Joining the owners made PostgreSQL hash the whole user table (50,000 at the benchmark's
    size) before sorting and cutting the page: they are read by id, for the page's rows only."""
    agent, colleague = nord["agent"], nord["colleague"]
    assert isinstance(agent, User) and isinstance(colleague, User)
    client = Client()
    client.force_login(agent)
    url = TAB_URLS[tab] + "?colonnes=dossier&colonnes=attribuee"
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content.decode()
    listed = [query["sql"] for query in queries.captured_queries if query["sql"].startswith('SELECT "viewflow_task"')]
    assert listed and not [sql for sql in listed if '"accounts_user"' in sql], listed
    if tab == "tous":  # the colleague's task, and the agent's own, each with its owner's name
        assert str(colleague) in body and str(agent) in body
