"""The semestrial report in annex 2's format, as PDF (reportlab) and spreadsheet (openpyxl)."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from reference import pdf
from reference.exports import DATE_FORMAT, DATETIME_FORMAT, information_rows, safe_cell
from workflows.paqte.selectors import ReportData
from workflows.submissions.documents import document_date, prefect_of


def _referent_text(data: ReportData) -> str:
    referent = data.referent
    if referent is None:
        return "Non désigné"
    return f"{referent.name}, {referent.function} – {referent.email} – {referent.phone}"


COMPANIES_TITLE = "Nombre et liste des entreprises signataires au niveau départemental"
QPV_TITLE = "Nombre de QPV"
POPULATION_TITLE = "Population des QPV du département"
# The rows of annex 2 that are figures (``workflows.paqte.figures``): the page links them to their list.
TITLE_FIGURES = {
    COMPANIES_TITLE: "bilan-entreprises-signataires",
    QPV_TITLE: "bilan-qpv",
    POPULATION_TITLE: "bilan-population-qpv",
}


def report_sections(data: ReportData) -> list[tuple[str, str]]:
    """The text sections of annex 2, in its order."""
    report = data.report
    committee = data.committee
    members = ", ".join(f"{m.name} ({m.get_kind_display()})" for m in committee.members.all()) if committee else ""
    partners = "\n".join(
        part for part in (report.partners, f"Comité de pilotage : {members}" if members else "") if part
    )
    return [
        ("Référent du PAQTE (coordonnées)", _referent_text(data)),
        ("Organisation retenue de suivi et d'animation du PAQTE", report.organisation),
        (
            COMPANIES_TITLE,
            f"{data.company_count} : " + ", ".join(c.name for c in data.companies) if data.companies else "0",
        ),
        ("Associations et autres acteurs partenaires du déploiement du PAQTE", partners),
        ("Exemples concrets d'actions réalisées", report.examples),
        ("Stratégie et obstacles rencontrés", report.strategy),
    ]


def context_rows(data: ReportData) -> list[tuple[str, int | None]]:
    """Numbers (a spreadsheet adds them; the PDF writes them in French), ``None`` when not given."""
    return [
        (QPV_TITLE, data.qpv_count),
        ("Nombre de PRU d'intérêt national", data.report.pru_count),
        (POPULATION_TITLE, data.qpv_population),
        ("Demandeurs d'emploi en fin de mois (DEFM) dans les QPV", data.report.job_seekers_qpv),
    ]


def result_rows(data: ReportData) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for block in data.axes:
        for line in block.indicators:
            rows.append([block.label, line.label, line.unit, line.target, line.result])
        for specific in block.specific:
            label = f"Engagement spécifique – {specific.company} : {specific.label}"
            rows.append([block.label, label, "", specific.target, specific.result or 0])
    return rows


RESULT_HEADER = ["Axe", "Indicateur", "Unité", "Cible des conventions", "Réalisé au semestre"]


def _safe(row: Sequence[object]) -> list[object]:
    """Text typed by the agents (report sections, company names) never runs as a formula:
    the same guard as every list export (``reference.exports.safe_cell``)."""
    return [safe_cell(value) for value in row]


def _table_sheet(sheet: Any, header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[int]) -> None:
    """A table as every export writes it (``reference.exports``): header in bold, frozen and
    filtered, real numbers, set column widths."""
    bold = Font(bold=True)
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = bold
    for row in rows:
        sheet.append(_safe(row))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(sheet.max_row, 1)}"


def report_xlsx(data: ReportData, *, request: HttpRequest | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Bilan"
    bold = Font(bold=True)
    report = data.report
    sheet.append([f"Bilan semestriel du PAQTE – {report.department.name} ({report.department.code})"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.semester_label, f"État : {report.get_state_display()}"])
    # The date the PDF carries: the day it was sent to the CGET, else the campaign's today (a draft).
    sheet.append(["Date du bilan", document_date(report)])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.cell(row=sheet.max_row, column=2).number_format = DATE_FORMAT
    sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(horizontal="left")
    sheet.append([])
    for title, text in report_sections(data):
        sheet.append(_safe([title, text]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
        sheet.cell(row=sheet.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        sheet.cell(row=sheet.max_row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([])
    sheet.append(["Éléments de contexte du département"])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for title, value in context_rows(data):
        sheet.append(_safe([title, value]))
        # « , » is the file format's grouping symbol: Excel shows the reader's own (« 361 125 » in
        # French); a literal space (« # ##0 ») grouped only the last three digits (« 1234 567 »).
        sheet.cell(row=sheet.max_row, column=2).number_format = "#,##0"
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 90

    _table_sheet(workbook.create_sheet("Résultats agrégés"), RESULT_HEADER, result_rows(data), (14, 80, 14, 22, 22))
    _table_sheet(
        workbook.create_sheet("Entreprises signataires"),
        ["Raison sociale", "SIRET", "Taille", "Secteur", "Signature"],
        [[company.name, company.siret, company.size, company.sector, company.signature] for company in data.companies],
        (40, 16, 20, 30, 20),
    )
    about = workbook.create_sheet("Informations")
    title = f"Bilan PAQTE {report.department.code} {report.semester_label}"
    for label, value in information_rows(title=title, request=request, count=len(data.companies)):
        about.append([label, safe_cell(value)])
        about.cell(row=about.max_row, column=1).font = bold
        if isinstance(value, datetime.datetime):
            about.cell(row=about.max_row, column=2).number_format = DATETIME_FORMAT
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 80
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _two_lines_width(text: str, font: str, size: float) -> float:
    """The narrowest width that sets ``text`` on two lines, split between words."""
    words = text.split()
    return (
        min(
            max(stringWidth(" ".join(words[:cut]), font, size), stringWidth(" ".join(words[cut:]), font, size))
            for cut in range(1, len(words))
        )
        if len(words) > 1
        else stringWidth(text, font, size)
    )


def report_pdf(data: ReportData) -> bytes:
    """Annex 2 under the State's identity (``reference.pdf``): the prefect of the département,
    the title and the date; « page x / y »; numbers in French; columns as wide as their longest word."""
    buffer = io.BytesIO()
    report = data.report
    department = report.department
    names = pdf.fonts()
    identity = pdf.Identity(
        department=department,
        title=f"Bilan semestriel du PAQTE – {department.name} ({department.code})",
        subtitle=(
            f"{report.semester_label} – {report.get_state_display()}. Pacte avec les quartiers pour toutes les "
            "entreprises, circulaire du Premier ministre du 22 janvier 2019 (annexe 2)."
        ),
        dated=document_date(report),
        prefect=prefect_of(department),
    )
    document = pdf.state_document(buffer, identity, author=f"Préfecture – {department.name}", padding=0)
    heading = pdf.style("heading", names.bold, 10.5, leading=13, spaceBefore=8, spaceAfter=3)
    body = pdf.style("body", names.regular, 9.5, leading=12.5)
    follows = 3 * body.leading  # a heading starts a page only with three lines of its text
    cell = pdf.style("cell", names.regular, 8, leading=10)
    head_cell = pdf.style("head-cell", names.bold, 8, leading=10)
    number_cell = pdf.style("number-cell", names.regular, 8, leading=10, alignment=TA_RIGHT)
    head_number = pdf.style("head-number", names.bold, 8, leading=10, alignment=TA_RIGHT)
    story: list[object] = []
    for title, text in report_sections(data):
        story.extend(pdf.heading(title, heading, follows=follows))
        story.append(Paragraph(pdf.markup(text or "—", names.regular), body))
    story.extend(pdf.heading("Résultats agrégés des entreprises signataires", heading, follows=3 * cell.leading + 30))
    texts = [RESULT_HEADER] + [
        [str(axis), str(label), str(unit), pdf.number(target), pdf.number(result)]
        for axis, label, unit, target, result in result_rows(data)
    ]
    numeric = {3, 4}
    table_rows = [
        [
            Paragraph(pdf.markup(value, names.bold), head_number if i in numeric else head_cell)
            for i, value in enumerate(texts[0])
        ]
    ] + [
        [
            Paragraph(pdf.markup(value, names.regular), number_cell if i in numeric else cell)
            for i, value in enumerate(row)
        ]
        for row in texts[1:]
    ]
    # The figures' columns wide enough for their headers on two lines (« Réalisé au / semestre »,
    # three lines before), the indicator's column taking what is left.
    widths = pdf.column_widths(
        texts,
        A4[0] - 2 * pdf.MARGIN,
        font=(names.bold, names.regular),
        size=8,
        padding=12,
        flexible=1,
        minimum={i: _two_lines_width(RESULT_HEADER[i], names.bold, 8) + 12 for i in numeric},
    )
    table = Table(table_rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    story.append(Spacer(1, 0.4 * cm))
    story.extend(pdf.heading("Éléments de contexte du département", heading, follows=4 * 2 * cell.leading))
    context = Table(
        [
            [Paragraph(pdf.markup(label, names.regular), cell), Paragraph(pdf.number(value) or "—", number_cell)]
            for label, value in context_rows(data)
        ],
        colWidths=[12 * cm, A4[0] - 2 * pdf.MARGIN - 12 * cm],
    )
    context.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story.append(context)
    pdf.build(
        document,
        identity,
        story,
        footer=f"Bilan semestriel du PAQTE – {department.name} ({department.code}) – {report.semester_label}",
    )
    return buffer.getvalue()
