"""Markup the browser checks would otherwise be the only ones to catch: the campaign-clock notice
is a labelled region (axe's « region »: all content inside landmarks), and the deadline tables read
as cards on a phone (each cell named by its column: ``quartiers-stacked`` in site.css) instead of
cutting their words in narrow columns."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client, override_settings

import pytest

from accounts.models import Role
from tests.conftest import MakeUser

pytestmark = pytest.mark.django_db


@override_settings(QUARTIERS_CAMPAIGN_TODAY="2019-06-15")
def test_the_campaign_clock_notice_is_a_labelled_region(make_user: MakeUser) -> None:
    client = Client()
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    page = client.get("/", follow=True).content.decode()
    assert re.search(
        r'<div class="fr-notice fr-notice--info" id="campaign-clock" role="region" aria-label="Date de la campagne">',
        page,
    )


def _stacked_cells(page: str) -> list[str]:
    return re.findall(r'<td data-label="([^"]+)"', page)


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.AGENT, "/pilotage/departements/59/"),
        (Role.AGENT, "/pilotage/tableau-de-bord/"),
        (Role.CGET_REFERENT, "/pilotage/tableau-de-bord/"),
    ],
)
def test_the_deadline_kinds_table_names_each_cell_for_its_phone_layout(
    make_user: MakeUser, role: Role, path: str
) -> None:
    client = Client()
    client.force_login(make_user(role, "59" if role == Role.AGENT else None))
    response: Any = client.get(path)
    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('id="echeances"') - 120 : page.index("</table>", page.index('id="echeances"'))]
    assert "quartiers-deadlines quartiers-stacked" in table
    labels = set(_stacked_cells(table))
    assert "Avancement" in labels and any(label.startswith("En retard au ") for label in labels)


def test_the_deadline_list_names_each_cell_for_its_phone_layout(make_user: MakeUser) -> None:
    from tests.workflows.renewal.helpers import nord_contract
    from workflows.renewal.services import renewal_launch

    agent = make_user(Role.AGENT, "59")
    renewal_launch(city_contract=nord_contract(0), user=agent)  # its signature deadline
    client = Client()
    client.force_login(agent)
    page = client.get("/echeances/?passees=1").content.decode()
    assert '<div class="fr-table fr-table--multiline quartiers-stacked">' in page
    assert {"Date", "Échéance", "Département", "Tâche"} <= set(_stacked_cells(page))


def test_the_stacked_layout_is_in_the_site_css() -> None:
    from pathlib import Path

    css = (Path(__file__).resolve().parent.parent / "reference/static/quartiers/site.css").read_text()
    block = css[css.index("@media (max-width: 35.99em)") :]
    assert ".quartiers-stacked .fr-table__content td[data-label]::before" in block
    assert "content: attr(data-label);" in block
    # the footer's mandatory links are never split between two lines
    assert re.search(r"\.fr-footer__bottom-link \{\s*white-space: nowrap;", css)


def test_a_case_page_history_cards_follow_button_and_quotes(make_user: MakeUser) -> None:
    """The history: dates and badges whole, action and comment wrapping, cards on a phone; the
    « Suivre ce dossier » button in a DSFR buttons group (aligned with the list's buttons); the
    circular's quotes held to their guillemets by non-breaking spaces (no lone « » » on a line)."""
    from tests.workflows.renewal.helpers import nord_contract
    from workflows.renewal.services import renewal_launch

    agent = make_user(Role.AGENT, "59")
    renewal, _ = renewal_launch(city_contract=nord_contract(0), user=agent)
    client = Client()
    client.force_login(agent)
    page = client.get(f"/renovations/{renewal.pk}/").content.decode()

    history = page[page.index('aria-labelledby="historique-titre') :]
    assert '<div class="fr-table quartiers-stacked">' in history
    labels = _stacked_cells(history[: history.index("</table>")])
    assert {"Date", "De", "Vers", "Par"} <= set(labels)
    assert '<td data-label="Action" class="fr-cell--multiline">' in history
    # a comment's pasted address breaks anywhere (site.css quartiers-cell--pasted)
    assert '<td data-label="Commentaire" class="fr-cell--multiline quartiers-cell--pasted">' in history

    follow = page[page.index('name="suivre"') : page.index("Suivre ce dossier")]
    assert '<ul class="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left">' in follow

    assert re.search(r'<p class="fr-mb-0">«&nbsp;[^<]+&nbsp;»</p>', page)  # the compliance checklist
    assert '<p class="fr-mb-0">« ' not in page


def test_the_meetings_table_names_each_cell_for_its_phone_layout(make_user: MakeUser) -> None:
    from tests.factories.meetings import MeetingFactory

    MeetingFactory.create()
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get("/pilotage/departements/59/").content.decode()
    table = page[page.index("Réunions du département") - 400 :]
    assert '<div class="fr-table quartiers-stacked">' in table
    assert {"Réunion", "Territoire", "Période", "Date", "État"} <= set(_stacked_cells(table[: table.index("</table>")]))
