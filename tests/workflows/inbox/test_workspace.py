"""The workspace around the inbox: saved views (private, shared with the département or the
CGET, shown as tabs with their counts), previous / next case within a list, « Suivre ce
dossier » and « modifié depuis votre visite », bulk actions through the kernel with a French
summary — and the permission matrix of each: another département's cases never appear in a
tab, a count, a saved view or a bulk action."""

from __future__ import annotations

import datetime as dt
import warnings
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

from django.core.cache import CacheKeyWarning
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Role, User
from notifications.notices import Notice
from reference.models import CityContract
from tests.clients import logged
from tests.conftest import MakeUser
from tests.workflows.renewal.helpers import open_task
from workflows.inbox import bulk, saved_views, selectors
from workflows.inbox.models import Follow, SavedView
from workflows.models import Renewal
from workflows.renewal.services import renewal_launch

pytestmark = pytest.mark.django_db


def launch(code: str, index: int, user: User) -> Renewal:
    contract = CityContract.objects.filter(department__code=code).order_by("code")[index]
    renewal, _ = renewal_launch(city_contract=contract, user=user)
    return renewal


@pytest.fixture
def teams(make_user: MakeUser) -> dict[str, Any]:
    """Nord: an agent, a colleague, a valideur, three queued evaluations; Pas-de-Calais: an
    agent and two queued evaluations; the CGET: a référent."""
    people: dict[str, Any] = {
        "agent": make_user(Role.AGENT, "59", first_name="Amina", last_name="Lefebvre"),
        "colleague": make_user(Role.AGENT, "59", first_name="Julien", last_name="Dubois"),
        "validator": make_user(Role.PREFECT_VALIDATOR, "59"),
        "other": make_user(Role.AGENT, "62", first_name="Paul", last_name="Martin"),
        "cget": make_user(Role.CGET_REFERENT),
        "cget2": make_user(Role.CGET_REFERENT),
    }
    people["nord"] = [launch("59", index, people["agent"]) for index in range(3)]
    people["pdc"] = [launch("62", index, people["other"]) for index in range(2)]
    return people


def evaluations(renewals: list[Renewal]) -> list[Task]:
    return [open_task(renewal, "evaluate") for renewal in renewals]


# --- Saved views --------------------------------------------------------------------------------


def test_a_saved_view_keeps_filters_sort_and_columns_and_counts_as_a_tab(teams: dict[str, Any]) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    client = logged(agent)
    response = client.post(
        "/taches/vues/",
        {
            "nom": "Évaluations du Nord",
            "onglet": "file",
            "liste": "etape=renewal.evaluate&tri=-cree&colonnes=dossier&colonnes=etat&page=3&vue=9",
            "partage": "private",
        },
    )
    view = SavedView.objects.get(owner=agent)
    # The page number and an earlier view's marker are not part of the list.
    assert view.query == "etape=renewal.evaluate&tri=-cree&colonnes=dossier&colonnes=etat"
    assert response["Location"] == f"/taches/file/?{view.query}&vue={view.pk}"
    page = client.get(response["Location"])
    assert page.context["title"] == "Évaluations du Nord"
    assert page.context["shown"] == ["dossier", "etat"]
    assert page.context["sort"] == "-cree"
    assert [item["count"] for item in page.context["saved_views"]] == [3]
    body = page.content.decode()
    assert "Évaluations du Nord&nbsp;<span" in body and 'aria-current="page">Évaluations du Nord' in body
    assert '<th scope="col">Département</th>' not in body  # a column left out


def test_a_view_without_a_name_or_with_a_forged_sharing_is_refused_in_french(teams: dict[str, Any]) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    client = logged(agent)
    response = client.post("/taches/vues/", {"nom": " ", "onglet": "tous", "liste": "", "partage": "cget"}, follow=True)
    text = " ".join(str(message) for message in response.context["messages"])
    assert "Donnez un nom à la vue." in text and "Choisissez avec qui partager la vue." in text
    assert not SavedView.objects.exists()


def test_sharing_with_the_departement_and_the_cget_and_nobody_else(teams: dict[str, Any]) -> None:
    agent, colleague, other, cget, cget2 = (teams[name] for name in ("agent", "colleague", "other", "cget", "cget2"))
    shared = saved_views.saved_view_save(
        user=agent, name="File du Nord", tab="file", params=_query("dossier=renewal"), sharing="department"
    )
    private = saved_views.saved_view_save(
        user=agent, name="Mes évaluations", tab="tous", params=_query(""), sharing="private"
    )
    national = saved_views.saved_view_save(
        user=cget, name="Envois", tab="revue-cget", params=_query(""), sharing="cget"
    )
    assert shared.department is not None and shared.department.code == "59"

    def names(user: Any) -> list[str]:
        return [view.name for view in saved_views.saved_views_visible(user=user)]

    assert names(agent) == ["File du Nord", "Mes évaluations"]
    assert names(colleague) == ["File du Nord"]
    assert names(other) == []  # another département's user never sees a département-shared view
    assert names(cget2) == ["Envois"]
    assert names(cget) == ["Envois"]
    # Another's view is opened, never rewritten or deleted.
    with pytest.raises(saved_views.SavedViewRefused):
        saved_views.saved_view_delete(user=colleague, view=shared)
    response = logged(colleague).post("/taches/vues/", {"vue": shared.pk, "supprimer": "1"})
    assert response.status_code == 302 and SavedView.objects.filter(pk=shared.pk).exists()
    # Out of reach: 404.
    assert logged(other).post("/taches/vues/", {"vue": private.pk, "supprimer": "1"}).status_code == 404
    assert national.department is None


def test_a_shared_view_shows_each_reader_only_his_own_scope(teams: dict[str, Any]) -> None:
    """A national user's view shared with the CGET lists every département for a CGET reader;
    the same list read by an agent is bounded by his département (a view is an address)."""
    agent, other = teams["agent"], teams["other"]
    assert isinstance(agent, User) and isinstance(other, User)
    view = saved_views.saved_view_save(user=agent, name="File", tab="file", params=_query(""), sharing="department")
    assert saved_views.saved_view_counts(user=agent, views=[view]) == {view.pk: 3}
    # Even read with a forged address by the Pas-de-Calais agent, the list is his own scope.
    response = logged(other).get(f"/taches/file/?{view.query}&vue={view.pk}")
    assert response.context["current_view"] is None
    assert all(row.department.code == "62" for row in response.context["rows"])
    assert "CV059" not in response.content.decode()


# --- Previous / next ----------------------------------------------------------------------------


def test_previous_and_next_case_within_the_list_keep_its_address(teams: dict[str, Any]) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    client = logged(agent)
    page = client.get("/taches/file/?dossier=renewal&tri=cree")
    links = [row.link for row in page.context["rows"]]
    assert len(links) == 3
    first = parse_qs(urlsplit(links[0]).query)
    assert first["liste"] == ["file"] and first["pos"] == ["0"] and first["dossier"] == ["renewal"]
    middle = client.get(links[1])
    assert middle.status_code == 200
    body = middle.content.decode()
    assert 'rel="prev"' in body and 'rel="next"' in body
    assert links[0].replace("&", "&amp;") in body and links[2].replace("&", "&amp;") in body
    assert "/taches/file/?dossier=renewal&amp;tri=cree" in body  # back to the list
    last = client.get(links[2]).content.decode()
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_previous_and_next_never_lead_outside_the_readers_scope(teams: dict[str, Any]) -> None:
    other = teams["other"]
    nord_task = evaluations(teams["nord"])[0]
    assert isinstance(other, User)
    client = logged(other)
    rows = client.get("/taches/file/").context["rows"]
    # A forged marker naming a Nord task: no neighbours are found, nothing of the Nord shows.
    body = client.get(f"{rows[0].url}?liste=file&pos=0&tache={nord_task.pk}").content.decode()
    assert 'rel="next"' not in body and "CV059" not in body


# --- Follow and « modifié depuis votre visite » ----------------------------------------------------


def test_follow_then_changed_since_the_last_visit(teams: dict[str, Any]) -> None:
    agent, colleague = teams["agent"], teams["colleague"]
    assert isinstance(agent, User) and isinstance(colleague, User)
    renewal = teams["nord"][0]
    client = logged(agent)
    page = client.get(f"/renovations/{renewal.pk}/")
    assert "Suivre ce dossier" in page.content.decode()
    client.post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "1"})
    follow = Follow.objects.get(user=agent)
    rows = {row.case.pk: row for row in client.get("/taches/suivis/").context["rows"]}
    assert rows[renewal.pk].followed and not rows[renewal.pk].changed
    # The colleague records the evaluation: the case moved after the agent's last visit.
    Follow.objects.filter(pk=follow.pk).update(seen_at=timezone.now() - dt.timedelta(hours=1))
    from tests.workflows.renewal.helpers import EVALUATION, pdf
    from workflows.models import RenewalDocument
    from workflows.renewal.services import renewal_document_add, renewal_task_complete

    renewal_document_add(renewal=renewal, user=colleague, kind=RenewalDocument.Kind.EVALUATION, upload=pdf())
    renewal_task_complete(task_pk=open_task(renewal, "evaluate").pk, user=colleague, fields=EVALUATION)
    body = client.get("/taches/suivis/").content.decode()
    assert "Modifié depuis votre visite" in body
    # Opening the case is his visit.
    assert "Ne plus suivre ce dossier" in client.get(f"/renovations/{renewal.pk}/").content.decode()
    assert "Modifié depuis votre visite" not in client.get("/taches/suivis/").content.decode()


def test_following_another_departements_case_is_not_found(teams: dict[str, Any]) -> None:
    other = teams["other"]
    assert isinstance(other, User)
    renewal = teams["nord"][0]
    assert logged(other).post(f"/dossiers/renewal/{renewal.pk}/suivre/", {"suivre": "1"}).status_code == 404
    assert not Follow.objects.exists()


# --- Bulk actions -------------------------------------------------------------------------------


def test_bulk_take_then_hand_over_by_name_with_a_french_summary(teams: dict[str, Any]) -> None:
    agent, colleague = teams["agent"], teams["colleague"]
    assert isinstance(agent, User) and isinstance(colleague, User)
    tasks = evaluations(teams["nord"])
    client = logged(agent)
    page = client.get("/taches/file/").content.decode()
    # The colleague is chosen by name, never typed as a number.
    assert "Julien Dubois" in page and 'name="collegue"' in page and 'type="number"' not in page
    response = client.post(
        "/taches/selection/", {"action": "prendre", "tache": [task.pk for task in tasks], "retour": "/taches/file/"}
    )
    assert response.status_code == 200
    assert response.context["result"]["summary"] == "3 tâches prises."
    assert Task.objects.filter(pk__in=[t.pk for t in tasks], owner=agent, status=STATUS.ASSIGNED).count() == 3
    response = client.post(
        "/taches/selection/",
        {"action": "confier", "collegue": colleague.pk, "tache": [tasks[0].pk, tasks[1].pk]},
    )
    assert response.context["result"]["summary"] == "2 tâches confiées."
    assert Task.objects.filter(owner=colleague).count() == 2
    body = response.content.decode()
    assert "2 tâches confiées." in body


def test_a_forged_selection_is_refused_item_by_item_and_listed(teams: dict[str, Any]) -> None:
    agent, other, validator = teams["agent"], teams["other"], teams["validator"]
    assert isinstance(agent, User) and isinstance(other, User) and isinstance(validator, User)
    nord = evaluations(teams["nord"])
    pdc = evaluations(teams["pdc"])
    result = bulk.bulk_tasks(user=agent, action="prendre", task_pks=[nord[0].pk, pdc[0].pk, pdc[1].pk])
    assert [item.label for item in result.done] == [
        bulk._label(row) for row in bulk.selection_rows(user=agent, task_pks=[nord[0].pk])
    ]
    assert [item.reason for item in result.refused] == [bulk.OUT_OF_SCOPE, bulk.OUT_OF_SCOPE]
    assert result.summary() == "1 tâche prise, 2 refusées."
    assert Task.objects.filter(pk__in=[t.pk for t in pdc], owner__isnull=False).count() == 0
    # The kernel's own refusals: a task already taken, a role that may not do it.
    again = bulk.bulk_tasks(user=agent, action="prendre", task_pks=[nord[0].pk])
    assert again.refused[0].reason == "Vous avez déjà pris cette tâche."
    refused = bulk.bulk_tasks(user=validator, action="prendre", task_pks=[nord[1].pk])
    assert refused.refused[0].reason == "Cette tâche ne relève pas de votre rôle ou de votre département."
    # Handing over to someone of another département is not offered, and refused if forged.
    assert other not in bulk.colleagues(user=agent)
    response = logged(agent).post(
        "/taches/selection/", {"action": "confier", "collegue": other.pk, "tache": [nord[0].pk]}
    )
    assert response.status_code == 302 and Task.objects.get(pk=nord[0].pk).owner_id == agent.pk
    # An export of a forged selection holds only what the user may see.
    export = logged(agent).post("/taches/selection/", {"action": "csv", "tache": [nord[0].pk, pdc[0].pk]})
    text = b"".join(export.streaming_content).decode()  # type: ignore[attr-defined]
    assert "CV059" not in text or "CV062" not in text
    assert text.count("\n") == 2  # header and the one Nord task


def test_bulk_remind_once_a_day_through_the_outbox(teams: dict[str, Any]) -> None:
    agent, colleague = teams["agent"], teams["colleague"]
    assert isinstance(agent, User) and isinstance(colleague, User)
    tasks = evaluations(teams["nord"])
    bulk.bulk_tasks(user=colleague, action="prendre", task_pks=[tasks[0].pk])
    result = bulk.bulk_tasks(user=agent, action="relancer", task_pks=[tasks[0].pk, tasks[1].pk])
    assert result.summary() == "1 tâche relancée, 1 refusée."
    assert "personne n'est à relancer" in result.refused[0].reason
    notice = Notice.objects.get(recipient=colleague)
    assert notice.title.startswith("Relance : ") and hasattr(notice, "email")
    assert (
        "déjà été relancé" in bulk.bulk_tasks(user=agent, action="relancer", task_pks=[tasks[0].pk]).refused[0].reason
    )


def test_bulk_launch_of_selected_contracts(teams: dict[str, Any], make_user: MakeUser) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    nord = list(CityContract.objects.filter(department__code="59").order_by("code")[3:5])
    launched = CityContract.objects.filter(department__code="59").order_by("code")[0]
    pdc = CityContract.objects.filter(department__code="62").order_by("code")[4]
    response = logged(agent).post(
        "/taches/selection/lancer/", {"contrat": [nord[0].pk, nord[1].pk, launched.pk, pdc.pk]}
    )
    result = response.context["result"]
    assert result["summary"] == "2 rénovations lancées, 2 refusées."
    assert [item["reason"] for item in result["refused"]] == ["Sa rénovation était déjà lancée.", bulk.OUT_OF_SCOPE]
    assert not Renewal.objects.filter(city_contract=pdc).exists()
    # A valideur may not launch: the kernel's refusal.
    refused = bulk.bulk_launch(user=teams["validator"], contract_pks=[nord[0].pk + 0, pdc.pk])
    assert refused.done == []


def test_a_selection_beyond_500_is_refused() -> None:
    with pytest.raises(ValueError, match="500 éléments au plus"):
        bulk.selection_parse([str(n) for n in range(1, 502)])
    assert bulk.selection_parse(["3", "1", "3", "x"]) == [3, 1]


def test_a_large_selection_runs_in_the_background_with_its_progress(teams: dict[str, Any]) -> None:
    """Beyond ``SYNCHRONOUS`` items the action is a Celery task (eager in tests) whose progress
    the page polls as JSON; only its owner may read it."""
    agent, colleague = teams["agent"], teams["colleague"]
    assert isinstance(agent, User) and isinstance(colleague, User)
    tasks = evaluations(teams["nord"])
    forged = list(range(10_000_000, 10_000_000 + bulk.SYNCHRONOUS))
    response = logged(agent).post("/taches/selection/", {"action": "prendre", "tache": [t.pk for t in tasks] + forged})
    assert response.status_code == 302
    state = logged(agent).get(response["Location"] + "?format=json").json()
    assert state["finished"] and state["done"] == state["total"] == len(tasks) + len(forged)
    assert state["result"]["summary"] == f"3 tâches prises, {len(forged)} refusées."
    assert logged(colleague).get(response["Location"]).status_code == 404
    page = logged(agent).get(response["Location"]).content.decode()
    assert "3 tâches prises" in page


@pytest.mark.parametrize("key", ["9" * 300, "a" * 21, "a" * 23, "abc.defghijklmnopqrstu", "%FF"])
def test_an_address_that_is_no_background_action_is_not_found_without_asking_the_cache(
    teams: dict[str, Any], key: str
) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # a key no cache could store
        with mock.patch.object(bulk.cache, "get", side_effect=AssertionError("le cache ne doit pas être lu")):
            assert logged(agent).get(f"/taches/selection/{key}/").status_code == 404


# --- The CGET's review is a tab of the inbox; counts --------------------------------------------


def test_the_review_tab_is_the_cgets_only(teams: dict[str, Any]) -> None:
    agent, cget = teams["agent"], teams["cget"]
    assert isinstance(agent, User) and isinstance(cget, User)
    assert logged(agent).get("/taches/revue-cget/").status_code == 403
    page = logged(cget).get("/taches/revue-cget/")
    assert page.status_code == 200 and "workflows/inbox.html" in [t.name for t in page.templates]
    assert "revue-cget" in [tab["code"] for tab in page.context["tabs"]]
    assert "revue-cget" not in selectors.tab_counts(user=agent)


@pytest.mark.parametrize("views", [1, 4])
def test_queries_of_a_page_with_saved_views_do_not_grow_with_rows(
    teams: dict[str, Any], make_user: MakeUser, views: int
) -> None:
    agent = teams["agent"]
    assert isinstance(agent, User)
    for number in range(views):
        saved_views.saved_view_save(user=agent, name=f"Vue {number}", tab="tous", params=_query(""), sharing="private")
    client = logged(agent)

    def count() -> int:
        client.get("/taches/tous/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/taches/tous/").status_code == 200
        return len(captured)

    few = count()
    for index in range(3, 9):
        launch("59", index, agent)
    assert count() == few


def _query(text: str) -> QueryDict:
    return QueryDict(text)


def test_the_departement_table_selects_contracts_for_a_bulk_launch(teams: dict[str, Any]) -> None:
    agent = teams["agent"]
    contract = CityContract.objects.filter(department__code="59").order_by("code")[5]
    page = logged(agent).get("/departements/59/renovations/").content.decode()
    assert 'action="/taches/selection/lancer/"' in page
    assert f'name="contrat" value="{contract.pk}" form="lancement"' in page
    # A launched one is not selectable.
    launched = teams["nord"][0].city_contract
    assert f'value="{launched.pk}" form="lancement"' not in page
