"""The inbox's counts kept between requests (``workflows.inbox.counts``): read once, then kept
until something they count changes — a task or a case of the user's départements, what he
follows, an absence cover involving him — and never moved by another département's work."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts import covers
from accounts.models import Role, User
from notifications.campaign import campaign_today
from reference.models import CityContract
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task
from workflows.inbox import selectors, services
from workflows.inbox.saved_views import saved_view_save
from workflows.models import Renewal
from workflows.renewal.services import renewal_launch, renewal_task_assign

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a request's user: the per-request caches are on it


def launch(code: str, index: int, user: User) -> Renewal:
    contract = CityContract.objects.filter(department__code=code).order_by("code")[index]
    renewal, _ = renewal_launch(city_contract=contract, user=user)
    return renewal


def counting_statements(user: User) -> int:
    """How many statements counting tasks ``tab_counts`` sends for a request's user."""
    with CaptureQueriesContext(connection) as captured:
        selectors.tab_counts(user=fresh(user))
    return sum("COUNT(*)" in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def world(make_user: MakeUser) -> dict[str, Any]:
    agent, colleague = make_user(Role.AGENT, "59"), make_user(Role.AGENT, "59")
    other = make_user(Role.AGENT, "62")
    return {
        "agent": agent,
        "colleague": colleague,
        "other": other,
        "nord": [launch("59", index, agent) for index in range(2)],
        "pas_de_calais": launch("62", 0, other),
    }


def test_counted_once_then_kept_until_a_task_of_his_departement_moves(world: dict[str, Any]) -> None:
    agent, colleague = world["agent"], world["colleague"]
    first = selectors.tab_counts(user=fresh(agent))
    assert first["file"] == 2 and first["a-traiter"] == 0
    assert counting_statements(agent) == 0  # kept: nothing counted again
    # A colleague takes one of the Nord's tasks: the agent's counts move at once.
    task = open_task(world["nord"][0], "evaluate")
    renewal_task_assign(task_pk=task.pk, user=fresh(colleague))
    assert counting_statements(agent) == 1
    assert selectors.tab_counts(user=fresh(agent))["file"] == 1
    assert selectors.tab_counts(user=fresh(colleague))["a-traiter"] == 1


def test_another_departements_work_leaves_them_kept(world: dict[str, Any]) -> None:
    agent, other = world["agent"], world["other"]
    selectors.tab_counts(user=fresh(agent))
    renewal_task_assign(task_pk=open_task(world["pas_de_calais"], "evaluate").pk, user=fresh(other))
    launch("62", 1, other)  # a new case of the Pas-de-Calais and its task
    assert counting_statements(agent) == 0
    assert selectors.tab_counts(user=fresh(agent)) == {"a-traiter": 0, "file": 2, "suivis": 0, "traites": 0, "tous": 2}
    assert selectors.tab_counts(user=fresh(other))["a-traiter"] == 1  # his moved


def test_a_new_case_of_his_departement_moves_them(world: dict[str, Any]) -> None:
    agent = world["agent"]
    assert selectors.tab_counts(user=fresh(agent))["tous"] == 2
    launch("59", 2, agent)
    assert selectors.tab_counts(user=fresh(agent))["tous"] == 3


def test_following_a_case_and_a_cover_move_his_own(world: dict[str, Any]) -> None:
    agent, colleague = world["agent"], world["colleague"]
    renewal = world["nord"][1]
    assert selectors.tab_counts(user=fresh(agent))["suivis"] == 0
    services.follow_set(user=agent, case=renewal, follow=True)
    assert selectors.tab_counts(user=fresh(agent))["suivis"] == 1
    services.follow_set(user=agent, case=renewal, follow=False)
    assert selectors.tab_counts(user=fresh(agent))["suivis"] == 0
    # The colleague's task, and the agent covers his absence from today: it is his to do too.
    renewal_task_assign(task_pk=open_task(renewal, "evaluate").pk, user=fresh(colleague))
    assert selectors.tab_counts(user=fresh(agent))["a-traiter"] == 0
    today = campaign_today()
    covers.cover_create(user=colleague, colleague=agent, starts_on=today, ends_on=today, today=today)
    assert selectors.tab_counts(user=fresh(agent))["a-traiter"] == 1


def test_a_role_change_is_a_new_key(world: dict[str, Any], make_user: MakeUser) -> None:
    validator = make_user(Role.PREFECT_VALIDATOR, "59")
    before = selectors.tab_counts(user=fresh(validator))
    from accounts.services import user_assign

    user = fresh(validator)
    user_assign(user=user, role=Role.AGENT, organisation=user.organisation)  # the agent's permissions
    after = selectors.tab_counts(user=fresh(validator))
    assert before["file"] == 0 and after["file"] == 2  # the agent's evaluations are in his queue now


def test_pages_show_the_kept_counts_and_a_saved_view_counts_once(world: dict[str, Any]) -> None:
    agent = world["agent"]
    saved_view_save(user=agent, name="Rénovations", tab="file", params=_query("dossier=renewal"), sharing="private")
    client = Client()
    client.force_login(agent)
    client.get("/taches/")  # counted and kept
    with CaptureQueriesContext(connection) as captured:
        body = client.get("/taches/").content.decode()
    assert not [
        query for query in captured.captured_queries if "viewflow_task" in query["sql"] and "COUNT(" in query["sql"]
    ]
    assert "Rénovations" in body
    assert '<span class="fr-sr-only">en attente :</span>2</span>' in body


def _query(text: str) -> Any:
    from django.http import QueryDict

    return QueryDict(text)


def test_a_case_moved_to_another_departement_leaves_the_first_ones_lists(world: dict[str, Any]) -> None:
    agent, other = world["agent"], world["other"]
    renewal = world["nord"][0]
    assert selectors.tab_counts(user=fresh(agent))["tous"] == 2
    assert selectors.tab_counts(user=fresh(other))["tous"] == 1
    moved = Renewal.objects.get(pk=renewal.pk)
    moved.department = other.organisation.department
    moved.save()
    assert selectors.tab_counts(user=fresh(agent))["tous"] == 1
    assert selectors.tab_counts(user=fresh(other))["tous"] == 2
    listed = {task.process.artifact_object_id for task in selectors.tab_tasks(user=fresh(agent), tab="tous")}
    assert int(renewal.pk) not in {int(pk) for pk in listed}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_versions_move_again_once_after_the_commit(make_user: MakeUser) -> None:
    """A reader between a change and its commit keeps what he read under the versions he saw:
    they move once more after the commit, once for the whole transaction."""
    from django.db import transaction

    from workflows.inbox import counts

    agent = make_user(Role.AGENT, "59")
    renewal = launch("59", 0, agent)
    assert agent.organisation is not None and agent.organisation.department_id is not None
    key = counts._scope_key(agent.organisation.department_id)
    with transaction.atomic():
        before = counts.versions_of([key])[0]
        renewal_task_assign(task_pk=open_task(renewal, "evaluate").pk, user=fresh(agent))
        inside = counts.versions_of([key])[0]
        assert inside > before  # at once, for this transaction's readers
    assert counts.versions_of([key])[0] == inside + 1  # and once after the commit


def test_a_new_case_is_listed_at_once_though_the_scope_is_kept(world: dict[str, Any]) -> None:
    """The processes in scope are kept with the counts: a new case's process is in the lists
    as soon as it exists, another département's never."""
    agent = world["agent"]
    listed = {task.process.artifact_object_id for task in selectors.tab_tasks(user=fresh(agent), tab="tous")}
    assert {int(pk) for pk in listed} == {renewal.pk for renewal in world["nord"]}
    added = launch("59", 2, agent)
    launch("62", 1, world["other"])
    listed = {task.process.artifact_object_id for task in selectors.tab_tasks(user=fresh(agent), tab="tous")}
    assert {int(pk) for pk in listed} == {*(renewal.pk for renewal in world["nord"]), added.pk}


def _hand_over_options(client: Client) -> str:
    body = client.get("/taches/file/").content.decode()
    start = body.index('id="selection-collegue"')
    return body[start : body.index("</select>", start)]


def _colleagues_read(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get("/taches/file/")
    return sum('"accounts_user"."last_name" AS' in query["sql"] for query in captured.captured_queries)


def test_the_hand_over_list_is_kept_until_a_colleague_changes(world: dict[str, Any], make_user: MakeUser) -> None:
    agent, colleague, other = world["agent"], world["colleague"], world["other"]
    client = Client()
    client.force_login(agent)
    options = _hand_over_options(client)
    assert f'value="{colleague.pk}"' in options and f'value="{other.pk}"' not in options
    assert _colleagues_read(client) == 0  # kept
    # A login writes the colleague's last_login: nothing the list shows.
    Client().force_login(colleague)
    assert _colleagues_read(client) == 0
    newcomer = make_user(Role.AGENT, "59", first_name="Nadia", last_name="Nouvelle")
    make_user(Role.AGENT, "62", first_name="Paul", last_name="Ailleurs")
    options = _hand_over_options(client)
    assert f'value="{newcomer.pk}">Nadia Nouvelle' in options and "Ailleurs" not in options
    colleague.last_name = "Renommée"
    colleague.save()
    assert f'value="{colleague.pk}">{colleague.first_name} Renommée' in _hand_over_options(client)
    colleague.is_active = False
    colleague.save()
    assert f'value="{colleague.pk}"' not in _hand_over_options(client)


def redis_commands(client: Client, url: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The Redis commands a request sends, each as its name and its keys, once what it reads is
    kept."""
    import redis

    sent: list[tuple[str, ...]] = []
    execute = redis.Redis.execute_command

    def counted(self: Any, *args: Any, **options: Any) -> Any:
        sent.append((str(args[0]), *(str(key) for key in args[1:])))
        return execute(self, *args, **options)

    client.get(url)
    client.get(url)
    with monkeypatch.context() as patched:
        patched.setattr(redis.Redis, "execute_command", counted)
        assert client.get(url).status_code == 200
    return sent


def test_a_list_page_reads_what_is_kept_in_three_round_trips(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The versions with the people's (the « Confier à » select) and the ids' own, then the
    counts with the scope's ids, then the colleagues: five round trips before (the early
    warning's own reads aside)."""
    client = Client()
    client.force_login(world["agent"])
    department = world["agent"].organisation.department_id
    for url in ("/taches/file/", "/taches/tous/", "/mentions-legales/"):
        sent = redis_commands(client, url, monkeypatch)
        ends = [tuple(key.rpartition(":")[2] for key in command[1:]) for command in sent]
        assert sent[0][0] == "MGET" and ends[0] == (
            f"d{department}",
            f"u{world['agent'].pk}",
            "people",
            f"i{department}",
        ), sent
        assert sent[1][0] == "MGET" and ":counts:" in sent[1][1] and ":ids:" in sent[1][2], sent
        again = [command for command in sent[2:] if any(key in (*sent[0][1:], *sent[1][1:]) for key in command[1:])]
        assert not again, (url, sent)  # each read once, with the others
        colleagues = [command for command in sent if ":colleagues:" in "".join(command)]
        assert len(colleagues) == (0 if url == "/mentions-legales/" else 1), (url, sent)


def follow_reads(client: Client, url: str) -> tuple[str, int]:
    """A page once what it reads is kept, and how many statements read the follows for it."""
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(url).content.decode()
    return body, sum('"workflows_follow"' in query["sql"] for query in captured.captured_queries)


def test_the_followed_cases_are_kept_and_move_when_he_follows_or_stops(world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(world["agent"])
    renewal = world["nord"][0]
    page = f"/renovations/{renewal.pk}/"
    body, reads = follow_reads(client, page)
    assert "Suivre ce dossier" in body and reads == 0
    assert follow_reads(client, "/taches/file/")[1] == 0  # none of the page's cases: no follow read
    client.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "1"})
    body, reads = follow_reads(client, page)
    assert "Ne plus suivre ce dossier" in body  # at once
    assert reads == 1  # the visit's ``seen_at``, written when a followed case is opened
    body, reads = follow_reads(client, "/taches/file/")
    assert "Suivi</span>" in body and reads == 1  # his visits' times, for « modifié depuis »
    client.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "0"})
    body, reads = follow_reads(client, page)
    assert "Suivre ce dossier" in body and "Ne plus suivre" not in body and reads == 0
