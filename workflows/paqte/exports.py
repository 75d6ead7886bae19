"""The semestrial report in annex 2's format, as PDF (reportlab) and spreadsheet (openpyxl)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reference.exports import safe_cell
from workflows.paqte.selectors import ReportData


def _referent_text(data: ReportData) -> str:
    referent = data.referent
    if referent is None:
        return "Non désigné"
    return f"{referent.name}, {referent.function} – {referent.email} – {referent.phone}"


def _or_blank(value: object) -> str:
    return "" if value is None else str(value)


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
            "Nombre et liste des entreprises signataires au niveau départemental",
            f"{data.company_count} : " + ", ".join(c.name for c in data.companies) if data.companies else "0",
        ),
        ("Associations et autres acteurs partenaires du déploiement du PAQTE", partners),
        ("Exemples concrets d'actions réalisées", report.examples),
        ("Stratégie et obstacles rencontrés", report.strategy),
    ]


def context_rows(data: ReportData) -> list[tuple[str, str]]:
    return [
        ("Nombre de QPV", str(data.qpv_count)),
        ("Nombre de PRU d'intérêt national", _or_blank(data.report.pru_count)),
        ("Population des QPV du département", str(data.qpv_population)),
        ("Demandeurs d'emploi en fin de mois (DEFM) dans les QPV", _or_blank(data.report.job_seekers_qpv)),
    ]


def result_rows(data: ReportData) -> list[list[str | int]]:
    rows: list[list[str | int]] = []
    for block in data.axes:
        for line in block.indicators:
            rows.append([block.label, line.indicator.label, line.indicator.unit, line.target, line.result])
        for specific in block.specific:
            label = f"Engagement spécifique – {specific.company} : {specific.label}"
            rows.append([block.label, label, "", specific.target, specific.result or 0])
    return rows


RESULT_HEADER = ["Axe", "Indicateur", "Unité", "Cible des conventions", "Réalisé au semestre"]


def _safe(row: Sequence[object]) -> list[object]:
    """Text typed by the agents (report sections, company names) never runs as a formula:
    the same guard as every list export (``reference.exports.safe_cell``)."""
    return [safe_cell(value) for value in row]


def report_xlsx(data: ReportData) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Bilan"
    bold = Font(bold=True)
    report = data.report
    sheet.append([f"Bilan semestriel du PAQTE – {report.department.name} ({report.department.code})"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([report.semester_label, f"État : {report.get_state_display()}"])
    sheet.append([])
    for title, text in report_sections(data):
        sheet.append(_safe([title, text]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
    sheet.append([])
    sheet.append(["Éléments de contexte du département"])
    sheet.cell(row=sheet.max_row, column=1).font = bold
    for title, value in context_rows(data):
        sheet.append(_safe([title, value]))
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 90

    results = workbook.create_sheet("Résultats agrégés")
    results.append(RESULT_HEADER)
    for cell in results[1]:
        cell.font = bold
    for row in result_rows(data):
        results.append(_safe(row))
    for column, width in zip("ABCDE", (14, 80, 14, 22, 22), strict=True):
        results.column_dimensions[column].width = width

    companies = workbook.create_sheet("Entreprises signataires")
    companies.append(["Raison sociale", "SIRET", "Taille", "Secteur", "Signature"])
    for cell in companies[1]:
        cell.font = bold
    for company in data.companies:
        companies.append(
            _safe(
                [
                    company.name,
                    company.siret,
                    company.get_size_display(),
                    company.sector,
                    company.get_signature_level_display(),
                ]
            )
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def report_pdf(data: ReportData) -> bytes:
    buffer = io.BytesIO()
    report = data.report
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=2 * cm,
        bottomMargin=2 * cm,
        title=f"Bilan semestriel PAQTE {report.department.code} {report.year}-S{report.semester}",
        author="Quartiers",
        lang="fr",
    )
    styles = getSampleStyleSheet()
    cell = styles["BodyText"].clone("cell", fontSize=8, leading=10)
    story: list[object] = [
        Paragraph(
            escape(f"Bilan semestriel du PAQTE – {report.department.name} ({report.department.code})"), styles["Title"]
        ),
        Paragraph(escape(f"{report.semester_label} – {report.get_state_display()}"), styles["Heading3"]),
    ]
    for title, text in report_sections(data):
        story.append(Paragraph(escape(title), styles["Heading4"]))
        story.append(Paragraph(escape(text or "—").replace("\n", "<br/>"), styles["BodyText"]))
    story.append(Paragraph("Résultats agrégés des entreprises signataires", styles["Heading4"]))
    table_rows = [[Paragraph(escape(h), cell) for h in RESULT_HEADER]]
    table_rows += [[Paragraph(escape(str(v)), cell) for v in row] for row in result_rows(data)]
    table = Table(table_rows, colWidths=[2.2 * cm, 8.3 * cm, 2 * cm, 2.2 * cm, 2.3 * cm], repeatRows=1)
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
    story.append(Paragraph("Éléments de contexte du département", styles["Heading4"]))
    context = Table([[Paragraph(escape(a), cell), Paragraph(escape(b), cell)] for a, b in context_rows(data)])
    context.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
    story.append(context)
    document.build(story)  # type: ignore[arg-type]
    return buffer.getvalue()
