"""Every XLSX export (reference.exports, the one place that writes them) as a spreadsheet user
expects it: real dates and numbers (not text), a named sheet, its header frozen and filtered,
columns as wide as their content, and an « Informations » sheet saying when, by whom and with
which filters it was exported."""

from __future__ import annotations

import datetime
import io
from typing import Any

from django.test import Client
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from reference.exports import Column, export_response
from tests.conftest import MakeUser
from workflows.steering.models import Meeting

pytestmark = pytest.mark.django_db


def workbook_of(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return load_workbook(io.BytesIO(response.content))


def test_the_meetings_export_is_a_real_spreadsheet(make_user: MakeUser, nord: Any) -> None:
    Meeting.objects.create(
        kind=Meeting.Kind.SERVICE_HEADS, department=nord, year=2019, semester=1, date=datetime.date(2019, 3, 15)
    )
    user = make_user(Role.CGET_REFERENT, first_name="Claire", last_name="Martin", email="claire.martin@example.gouv.fr")
    client = Client()
    client.force_login(user)
    before = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    book = workbook_of(client.get("/pilotage/?export=xlsx&region=32"))
    assert book.sheetnames == ["Reunions", "Informations"]
    sheet = book["Reunions"]
    header = [cell.value for cell in sheet[1]]
    assert header[:6] == ["Réunion", "Territoire", "Département", "Région", "Période", "Date"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:G{sheet.max_row}"
    date = sheet.cell(row=2, column=6)
    assert date.value == datetime.datetime(2019, 3, 15) and date.is_date and date.number_format == "DD/MM/YYYY"
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFG"}
    assert all(8 <= width <= 60 for width in widths.values()), widths
    assert widths["A"] >= len("Collège des chefs de service"[:20])  # as wide as the longest value
    about = {row[0]: row[1] for row in book["Informations"].iter_rows(values_only=True)}
    assert about["Par"] == "Claire Martin <claire.martin@example.gouv.fr>"
    assert about["Filtres"] == "region = 32"
    assert about["Page"] == "/pilotage/"
    assert about["Lignes"] == 1
    exported = about["Exporté le"]
    assert isinstance(exported, datetime.datetime) and exported >= before


def test_dates_datetimes_and_numbers_keep_their_types() -> None:
    moment = datetime.datetime(2019, 7, 31, 14, 5, 33, 123456, tzinfo=datetime.UTC)
    columns = [
        Column("Transmis le", lambda row: row["at"]),
        Column("Échéance", lambda row: row["due"]),
        Column("Nombre", lambda row: row["count"]),
        Column("Code", lambda row: row["code"]),
    ]
    rows = [{"at": moment, "due": "2019-07-31", "count": 200000, "code": "059"}]
    book = workbook_of(export_response(fmt="xlsx", filename="bilans-paqte", columns=columns, rows=rows))
    sheet = book["Bilans paqte"]
    at, due, count, code = (sheet.cell(row=2, column=index) for index in range(1, 5))
    # in Paris time, to the minute
    assert at.value == datetime.datetime(2019, 7, 31, 16, 5) and at.number_format == "DD/MM/YYYY HH:MM"
    assert due.value == datetime.datetime(2019, 7, 31) and due.is_date
    assert count.value == 200000 and count.data_type == "n"
    assert code.value == "059" and code.data_type == "s"  # codes stay text
    assert book["Informations"]["B3"].value is None  # no request: no user
