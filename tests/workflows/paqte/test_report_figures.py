"""The semestrial report's figures (annex 2) are traceable and reproducible: each one links to the
list of what it counts or sums (same département, semester and filters), with as many lines or
lines that add up to it; transmitted to the CGET, the report keeps its figures (its snapshot,
frozen by the runner under the lock, by its page as by the decision screen) and its page shows
them, not the live ones; recomputed from the histories « as of » its transmission, they are
identical, although results were corrected and conventions moved since."""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.paqte.test_report import filled_report
from workflows.cases.runner import transition_run
from workflows.cases.tasks import kind_tasks
from workflows.paqte import selectors, services
from workflows.paqte.figures import report_figures
from workflows.paqte.models import SemesterReport, SemesterResult, SemesterResultRecord
from workflows.paqte.transitions import REPORT_KIND

pytestmark = pytest.mark.django_db

LINK = re.compile(r'<a class="fr-link quartiers-figure" href="([^"]+)" data-figure="([a-z0-9-]+)">(\d+)</a>')
PLAIN = re.compile(r'<span class="quartiers-figure" data-figure="([a-z0-9-]+)">(\d+)</span>')


def _hidden_specific(data: selectors.ReportFigures) -> set[str]:
    """The specific commitments' figure of an axis that has none is not shown at all."""
    return {block.specific_slug for block in data.axes if not block.specific}


def _links(client: Client, report: SemesterReport) -> dict[str, tuple[str, int]]:
    page = client.get(report.get_absolute_url())
    assert page.status_code == 200
    return {slug: (url, int(value)) for url, slug, value in LINK.findall(page.content.decode())}


def _assert_lists_match(client: Client, report: SemesterReport, links: dict[str, tuple[str, int]]) -> None:
    """Each figure's list: as many lines as a counted figure, lines summing to a summed one."""
    figures = report_figures()
    for slug, (url, value) in links.items():
        figure = figures.get(slug)
        assert figure is not None, slug
        response = client.get(url)
        assert response.status_code == 200, url
        items = response.context["items"]
        if figure.value:
            assert sum(item.value for item in items) == value == response.context["total"], slug
        else:
            assert len(items) == value, slug


@pytest.fixture
def agent_62(make_user: MakeUser) -> User:
    return make_user(Role.AGENT, "62")


def test_every_figure_of_the_live_report_links_to_a_list_of_as_many_cases(
    agent: User, nord: Department, pas_de_calais: Department, agent_62: User
) -> None:
    report, _conventions = filled_report(agent, nord, pas_de_calais, agent_62)
    client = Client()
    client.force_login(agent)
    links = _links(client, report)
    data = selectors.report_data(report=report).figures
    shown = data.by_slug()
    # Every figure other than 0 is a link (a 0 is plain text: nothing to list).
    lines = dict(shown)
    expected = {slug for slug in shown if lines[slug]}
    assert set(links) == expected
    assert {slug: value for slug, (_url, value) in links.items()} == {slug: shown[slug] for slug in expected}
    assert links["bilan-entreprises-signataires"][1] == 4
    assert links["bilan-engagements-hiring"][1] == 1
    _assert_lists_match(client, report, links)
    # A figure with nothing to list is its 0 alone, no link to an empty list.
    page = client.get(report.get_absolute_url()).content.decode()
    plain = dict(PLAIN.findall(page))
    assert plain and set(plain) == {slug for slug in shown if not lines[slug]} - _hidden_specific(data)
    assert set(plain.values()) == {"0"}


def test_a_zero_figure_is_plain_text_and_its_list_says_why_it_is_empty(agent: User, nord: Department) -> None:
    """A report with no convention yet: every figure of the conventions is a 0 without a link;
    its list, opened from its address, says in words why nothing is listed."""
    report = services.report_create(user=agent, department=nord, year=2019, semester=1)
    client = Client()
    client.force_login(agent)
    page = client.get(report.get_absolute_url()).content.decode()
    plain = dict(PLAIN.findall(page))
    links = _links(client, report)
    assert plain["bilan-entreprises-signataires"] == "0"
    assert not {slug for slug in links if slug.startswith(("bilan-entreprises", "bilan-cible", "bilan-realise"))}
    assert all(value > 0 for _url, value in links.values())
    figures = report_figures()
    for slug in ("bilan-entreprises-signataires", "bilan-cible-stages-3e-rep-plus", "bilan-realise-stages-3e-rep-plus"):
        response = client.get(f"/paqte/bilans/{report.pk}/chiffres/{slug}/")
        assert response.status_code == 200
        assert response.context["items"] == []
        figure = figures.get(slug)
        assert figure is not None and figure.empty
        text = response.content.decode()
        assert 'id="liste-vide"' in text and figure.empty.replace("'", "&#x27;") in text, slug


def test_the_transmitted_report_keeps_its_figures_and_recomputed_as_of_its_transmission_they_are_equal(
    agent: User, validator: User, cget: User, nord: Department, pas_de_calais: Department, agent_62: User
) -> None:
    report, conventions = filled_report(agent, nord, pas_de_calais, agent_62)
    report = transition_run(case=report, user=agent, name="send_to_validation")
    report = transition_run(case=report, user=validator, name="validate")
    snapshot = report.figures_snapshot
    assert snapshot is not None and report.submitted_at is not None
    assert selectors.report_recomputed(report=report).as_json() == snapshot

    # The campaign goes on: a result of the semester corrected, a convention terminated, another signed.
    objective = conventions[0].objectives.order_by("pk").first()
    assert objective is not None
    before = SemesterResult.objects.get(objective=objective, year=2019, semester=1).value
    services.result_record(user=agent, objective=objective, year=2019, semester=1, value=before + 100)
    transition_run(case=conventions[1], user=agent, name="terminate", comment="Cessation d'activité")
    convention_of(agent, nord, state="active", signed_on=datetime.date(2019, 3, 1))
    assert SemesterResultRecord.objects.filter(objective=objective, year=2019, semester=1).count() == 2

    report.refresh_from_db()
    live = selectors.report_figures(report=report, as_of=selectors.snapshot_as_of(report))
    now = selectors.report_figures(
        report=report, as_of=selectors.AsOf(day=datetime.date.fromisoformat(snapshot["computed_on"]))
    )
    assert now.as_json() != snapshot  # the live figures have moved on…
    assert live.as_json() == snapshot  # …the recomputation as of the transmission has not

    # The page (the agent's and the CGET's) shows the snapshot and links to the lists as of then.
    for user in (agent, cget):
        client = Client()
        client.force_login(user)
        page = client.get(report.get_absolute_url())
        assert 'id="chiffres-transmis"' in page.content.decode()
        assert page.context["data"].figures.as_json() == snapshot
        links = _links(client, report)
        frozen = selectors.ReportFigures.from_json(snapshot).by_slug()
        assert {slug: value for slug, (_url, value) in links.items()} == {slug: frozen[slug] for slug in links}
        _assert_lists_match(client, report, links)

    # Returned by the CGET, the report is corrected on live figures; transmitted again, frozen again.
    report = transition_run(case=report, user=cget, name="return_to_prefecture", comment="Précisez les partenaires.")
    assert report.figures_snapshot is None
    assert selectors.report_data(report=report).figures.frozen is False
    report = transition_run(case=report, user=agent, name="resubmit")
    assert report.figures_snapshot == now.as_json() | {"computed_on": report.figures_snapshot["computed_on"]}


def test_the_decision_screen_s_validation_freezes_the_figures_too(
    agent: User, validator: User, nord: Department, pas_de_calais: Department, agent_62: User
) -> None:
    report, _ = filled_report(agent, nord, pas_de_calais, agent_62)
    report = transition_run(case=report, user=agent, name="send_to_validation")
    task = kind_tasks(REPORT_KIND).filter(process__artifact_object_id=report.pk, status="NEW").get()
    client = Client()
    client.force_login(validator)
    response = client.post(
        f"/taches/{task.pk}/decision/", {"decision": "validate", "comment": "", "etat": report.state}
    )
    assert response.status_code == 302, response.content.decode()[:500]
    report.refresh_from_db()
    assert report.state == "submitted" and report.figures_snapshot is not None
    assert selectors.report_recomputed(report=report).as_json() == report.figures_snapshot


def test_another_department_never_sees_the_report_s_lists(
    agent: User, nord: Department, pas_de_calais: Department, agent_62: User
) -> None:
    report, _ = filled_report(agent, nord, pas_de_calais, agent_62)
    client = Client()
    client.force_login(agent_62)
    assert client.get(f"/paqte/bilans/{report.pk}/chiffres/bilan-entreprises-signataires/").status_code == 404
    client.force_login(agent)
    assert client.get(f"/paqte/bilans/{report.pk}/chiffres/inconnu/").status_code == 404
    listed = client.get(f"/paqte/bilans/{report.pk}/chiffres/bilan-entreprises-signataires/")
    assert {item.department for item in listed.context["items"]} == {nord}
    export = client.get(f"/paqte/bilans/{report.pk}/chiffres/bilan-entreprises-signataires/?export=csv")
    assert export.status_code == 200
    assert b"".join(getattr(export, "streaming_content")).decode().count("\n") == 1 + 4  # noqa: B009


def test_a_figure_s_list_reads_a_constant_number_of_queries(agent: User, nord: Department) -> None:
    report = services.report_create(user=agent, department=nord, year=2019, semester=1)
    client = Client()
    client.force_login(agent)
    client.get(report.get_absolute_url())  # the session's and the caches' first reads
    counts = []
    for more in (1, 4):
        for _ in range(more):
            convention = convention_of(agent, nord, state="active", signed_on=datetime.date(2019, 3, 1))
            for objective in convention.objectives.all():
                services.result_record(user=agent, objective=objective, year=2019, semester=1, value=3)
        row = []
        for slug in ("bilan-entreprises-signataires", "bilan-cible-stages-3e-rep-plus", "bilan-qpv"):
            url = f"/paqte/bilans/{report.pk}/chiffres/{slug}/"
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            row.append(len(captured))
        counts.append(row)
    assert counts[0] == counts[1]


def test_the_demo_campaign_s_transmitted_report_is_the_histories_of_its_day() -> None:
    """The living 2019 campaign (``demo_campaign``): the Nord's report of the first semester,
    transmitted in July, froze its figures; a result corrected and a convention terminated since
    change the live figures, not the recomputation as of its transmission."""
    import io

    from django.core.management import call_command
    from django.test import override_settings

    from workflows.management.commands.demo_campaign import DEMO

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("demo_campaign", stdout=io.StringIO())
    report = SemesterReport.objects.get(department__code="59", semester=1, state__in=("submitted", "approved"))
    snapshot = report.figures_snapshot
    assert snapshot is not None and snapshot["companies"]
    assert selectors.report_recomputed(report=report).as_json() == snapshot

    agent = User.objects.get(email=f"agent.nord{DEMO}")
    result = SemesterResult.objects.filter(
        objective__convention__department=report.department, year=report.year, semester=report.semester
    ).first()
    assert result is not None
    services.result_record(
        user=agent, objective=result.objective, year=report.year, semester=report.semester, value=result.value + 7
    )
    live = selectors.report_figures(report=report, as_of=selectors.AsOf(day=selectors.snapshot_as_of(report).day))
    assert live.as_json() != snapshot
    assert selectors.report_recomputed(report=report).as_json() == snapshot
    client = Client()
    client.force_login(User.objects.get(email=f"referent.cget{DEMO}"))
    _assert_lists_match(client, report, _links(client, report))
