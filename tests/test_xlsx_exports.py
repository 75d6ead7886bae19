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
from tests.factories.meetings import MeetingFactory

pytestmark = pytest.mark.django_db


def workbook_of(response: Any) -> Any:
    assert response.status_code == 200, response.content[:500]
    return load_workbook(io.BytesIO(response.content))


def test_the_meetings_export_is_a_real_spreadsheet(make_user: MakeUser, nord: Any) -> None:
    MeetingFactory.create(department=nord, date=datetime.date(2019, 3, 15))
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


def _rows_by(sheet: Any, key: str) -> dict[Any, dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    return {row[header.index(key)]: dict(zip(header, row, strict=True)) for row in rows[1:]}


def test_lateness_is_a_real_date_and_a_status_in_the_renovation_export(make_user: MakeUser, settings: Any) -> None:
    """« en retard de N jours » was text; now the deadline is a date, the status a word, the days a number."""
    from notifications.campaign import campaign_calendar
    from tests.factories.renewal import RenewalFactory, renewal_signed

    deadline = campaign_calendar().renewal_signature
    settings.QUARTIERS_CAMPAIGN_TODAY = (deadline + datetime.timedelta(days=10)).isoformat()
    late = RenewalFactory.create()
    signed = renewal_signed(signed_on=deadline - datetime.timedelta(days=3))
    client = Client()
    client.force_login(make_user(Role.AGENT, "59"))
    book = workbook_of(client.get("/departements/59/renovations/?export=xlsx"))
    sheet = book.worksheets[0]
    rows = _rows_by(sheet, "Contrat")
    late_row, signed_row = rows[str(late.city_contract)], rows[str(signed.city_contract)]
    assert late_row["Date limite de signature"] == datetime.datetime.combine(deadline, datetime.time())
    assert late_row["Statut"] == "en retard" and late_row["Jours de retard"] == 10
    assert signed_row["Statut"] == "signée dans les temps" and signed_row["Jours de retard"] == 0
    assert signed.signed_on is not None
    assert signed_row["Signée le"] == datetime.datetime.combine(signed.signed_on, datetime.time())
    header = [cell.value for cell in sheet[1]]
    date_cell = sheet.cell(row=2, column=header.index("Date limite de signature") + 1)
    assert date_cell.is_date and date_cell.number_format == "DD/MM/YYYY"
    assert not any("jours" in str(value) for row in sheet.iter_rows(values_only=True) for value in row)


def test_lateness_columns_of_the_synthesis_and_charter_exports(make_user: MakeUser, settings: Any) -> None:
    from notifications.campaign import campaign_calendar
    from tests.factories.paqte import CharterConventionFactory
    from workflows.synthesis.models import due_on

    calendar = campaign_calendar()
    settings.QUARTIERS_CAMPAIGN_TODAY = (calendar.charter_migration + datetime.timedelta(days=1)).isoformat()
    charter = CharterConventionFactory.create()
    client = Client()
    client.force_login(make_user(Role.CGET_REFERENT))

    syntheses = _rows_by(workbook_of(client.get("/pilotage/syntheses/?export=xlsx")).worksheets[0], "Département")
    nord = syntheses["Nord (59)"]
    assert nord["Date limite"] == datetime.datetime.combine(due_on(calendar.first_year), datetime.time())
    assert nord["Statut"] == "en retard"

    charters = _rows_by(workbook_of(client.get("/paqte/chartes/?export=xlsx")).worksheets[0], "Numéro")
    row = charters[charter.reference]
    assert row["À transformer avant le"] == datetime.datetime.combine(calendar.charter_migration, datetime.time())
    assert row["Statut"] == "en retard"


def test_the_report_workbook_types_its_date_and_figures_and_runs_no_formula(
    make_user: MakeUser, nord: Any, pas_de_calais: Any, settings: Any
) -> None:
    """The semestrial report's XLSX (``workflows.paqte.exports``): its date is a date, its context
    figures numbers grouped by thousands in the reader's own way (« #,##0 »: « # ##0 » grouped only
    the last three digits, « 1234 567 »), text typed like a formula stays text, the tables' headers
    bold and frozen."""
    from tests.workflows.paqte.test_report import filled_report
    from workflows.paqte import services

    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-07-10"
    agent = make_user(Role.AGENT, "59")
    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    services.report_update(user=agent, report=report, examples="=1+1", strategy="-obstacle", job_seekers_qpv=1_234_567)
    client = Client()
    client.force_login(agent)
    book = workbook_of(client.get(f"/paqte/bilans/{report.pk}/bilan.xlsx"))
    assert book.sheetnames == ["Bilan", "Résultats agrégés", "Entreprises signataires", "Informations"]
    cells = {row[0].value: row[1] for row in book["Bilan"].iter_rows(min_col=1, max_col=2) if row[0].value}
    dated = cells["Date du bilan"]
    assert dated.is_date and dated.value == datetime.datetime(2019, 7, 10) and dated.number_format == "DD/MM/YYYY"
    seekers = cells["Demandeurs d'emploi en fin de mois (DEFM) dans les QPV"]
    assert seekers.value == 1_234_567 and seekers.data_type == "n" and seekers.number_format == "#,##0"
    assert cells["Exemples concrets d'actions réalisées"].value == "'=1+1"
    assert cells["Stratégie et obstacles rencontrés"].value == "'-obstacle"
    assert not [cell for sheet in book for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]
    for name in ("Résultats agrégés", "Entreprises signataires"):
        sheet = book[name]
        assert sheet.freeze_panes == "A2" and all(cell.font.bold for cell in sheet[1])
    results = book["Résultats agrégés"]
    assert all(
        isinstance(row[3], int) and isinstance(row[4], int) for row in results.iter_rows(min_row=2, values_only=True)
    )


def test_csv_writes_moments_in_local_time_and_decimals_with_a_comma() -> None:
    """For French Excel: BOM, « ; », CRLF; a moment in Paris time as the XLSX has it (UTC before
    when a column gave it aware), « 12,5 » (a decimal point reads as text or a date there)."""
    import csv
    import decimal

    moment = datetime.datetime(2019, 7, 31, 14, 5, tzinfo=datetime.UTC)
    columns = [Column("Transmis le", lambda row: row["at"]), Column("Taux", lambda row: row["rate"])]
    rows = [{"at": moment, "rate": decimal.Decimal("12.5")}]
    response = export_response(fmt="csv", filename="bilans", columns=columns, rows=rows)
    raw = b"".join(response.streaming_content)  # type: ignore[union-attr,arg-type]
    assert raw.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert lines == [["Transmis le", "Taux"], ["31/07/2019 16:05", "12,5"]]
    assert b"\r\n" in raw
    book = workbook_of(export_response(fmt="xlsx", filename="bilans", columns=columns, rows=rows))
    rate = book["Bilans"].cell(row=2, column=2)
    assert rate.data_type == "n" and rate.value == 12.5


def test_the_selection_export_names_who_asked_it_never_an_earlier_request(make_user: MakeUser) -> None:
    """The inbox's selection asks for its file without ``?export=``: its « Informations » sheet
    names its own user, not the one of an export refused earlier on the same thread."""
    from django.test import RequestFactory

    from reference.exports import export_format

    earlier = RequestFactory().get("/taches/revue-cget/?export=xlsx&q=secret")
    earlier.user = make_user(Role.AGENT, "62", first_name="Autre", last_name="Agent", email="autre@example.gouv.fr")
    assert export_format(earlier) == "xlsx"  # then the view refused it (403) before writing the file
    agent = make_user(Role.AGENT, "59", first_name="Amina", last_name="Lefebvre", email="amina@example.gouv.fr")
    client = Client()
    client.force_login(agent)
    book = workbook_of(client.post("/taches/selection/", {"action": "xlsx", "tache": ["999999"]}))
    about = {row[0]: row[1] for row in book["Informations"].iter_rows(values_only=True)}
    assert about["Par"] == "Amina Lefebvre <amina@example.gouv.fr>"
    assert about["Page"] == "/taches/selection/" and "secret" not in str(about["Filtres"])
