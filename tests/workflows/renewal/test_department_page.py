"""A département's renovations page says lateness as its export does: the campaign's signature
date and a DSFR badge of the same status word (``workflows.renewal.views.deadline_status``), never
« en retard de N jours »; on a phone the table reads as cards (each cell under its column's name)."""

from __future__ import annotations

import csv
import datetime
import html
import io
import re
from typing import Any

from django.test import Client

import pytest

from accounts.models import Role
from notifications.campaign import campaign_calendar
from tests.conftest import MakeUser
from tests.factories.renewal import RenewalFactory, renewal_signed

pytestmark = pytest.mark.django_db


def _badges_by_contract(page: str) -> dict[str, str]:
    """Contract label → the classes and text of the badge in its « Échéance de signature » cell."""
    found = {}
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        contract = re.search(r'data-label="Contrat">(?:<a [^>]*>)?([^<]+)', row)
        cell = re.search(r'data-label="Échéance de signature">(.*?)</td>', row, flags=re.S)
        if contract and cell:
            found[html.unescape(contract.group(1).strip())] = cell.group(1)
    return found


def _export_status(client: Client) -> dict[str, str]:
    response: Any = client.get("/departements/59/renovations/?export=csv")
    text = (
        b"".join(response.streaming_content).decode("utf-8-sig")
        if response.streaming
        else response.content.decode("utf-8-sig")
    )
    return {row["Contrat"]: row["Statut"] for row in csv.DictReader(io.StringIO(text), delimiter=";")}


def test_the_page_shows_the_signature_date_and_the_exports_status_as_a_badge(
    make_user: MakeUser, settings: Any
) -> None:
    deadline = campaign_calendar().renewal_signature
    settings.QUARTIERS_CAMPAIGN_TODAY = (deadline + datetime.timedelta(days=10)).isoformat()
    late = RenewalFactory.create()
    signed = renewal_signed(signed_on=deadline - datetime.timedelta(days=3))
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get("/departements/59/renovations/").content.decode()

    assert "en retard de" not in page and "jours restant" not in page
    cells = _badges_by_contract(page)
    late_cell, signed_cell = cells[str(late.city_contract)], cells[str(signed.city_contract)]
    assert deadline.strftime("%d/%m/%Y") in late_cell
    assert 'class="fr-badge fr-badge--sm fr-badge--error">En retard</span>' in late_cell
    assert 'class="fr-badge fr-badge--sm fr-badge--success">Signée dans les temps</span>' in signed_cell
    assert f"signée le {signed.signed_on:%d/%m/%Y}" in signed_cell

    # one status for the page and its export: the badge says the export's word
    exported = _export_status(client)
    for contract, cell in cells.items():
        label = re.search(r'class="fr-badge[^"]*">([^<]+)</span>', cell)
        assert label is not None and label.group(1).lower() == exported[contract], contract


def test_before_the_date_an_open_renovation_is_in_time_in_the_waiting_tone(make_user: MakeUser, settings: Any) -> None:
    deadline = campaign_calendar().renewal_signature
    settings.QUARTIERS_CAMPAIGN_TODAY = (deadline - datetime.timedelta(days=30)).isoformat()
    renewal = RenewalFactory.create()
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    cell = _badges_by_contract(client.get("/departements/59/renovations/").content.decode())[str(renewal.city_contract)]
    assert 'class="fr-badge fr-badge--sm fr-badge--info">Dans les temps</span>' in cell


def test_the_table_reads_as_cards_on_a_phone_and_its_selection_is_the_dsfr_row_selection(make_user: MakeUser) -> None:
    RenewalFactory.create()
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get("/departements/59/renovations/").content.decode()
    assert '<div class="fr-table fr-table--multiline quartiers-stacked">' in page
    for label in ("Contrat", "Étape", "Échéance de signature", "Action"):
        assert f'data-label="{label}"' in page
    # the DSFR's selection cell (fr-cell--fixed) aligns its checkbox with the row's text; the
    # label's words stay for screen readers (the DSFR makes them transparent)
    assert re.search(
        r'<td class="fr-cell--fixed"><div class="fr-checkbox-group fr-checkbox-group--sm"><input type="checkbox"', page
    )
    assert re.search(r'<label class="fr-label" for="contrat-\d+">Sélectionner CV\d+</label>', page)


def test_another_departement_sees_none_of_it(make_user: MakeUser) -> None:
    RenewalFactory.create()
    client = Client()
    client.force_login(make_user(Role.AGENT, "62"))
    assert client.get("/departements/59/renovations/").status_code in (403, 404)


def test_the_renovation_page_says_the_same_status_with_its_date_and_days(make_user: MakeUser, settings: Any) -> None:
    deadline = campaign_calendar().renewal_signature
    settings.QUARTIERS_CAMPAIGN_TODAY = (deadline + datetime.timedelta(days=10)).isoformat()
    late = RenewalFactory.create()
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    page = client.get(f"/renovations/{late.pk}/").content.decode()
    block = re.search(r'<p id="echeance-signature">(.*?)</p>', page, flags=re.S)
    assert block is not None
    text = " ".join(re.sub(r"<[^>]+>", " ", block.group(1)).split())
    assert '<span class="fr-badge fr-badge--error">En retard</span>' in block.group(1)
    assert text.startswith("En retard Échéance de signature : ")
    assert text.endswith(f"{deadline.year} (10 jours de retard)")
