"""The synthesis as a PDF (reportlab): A4, at most five pages (the layout the length limit of
``workflows.synthesis.models`` is computed for: Helvetica 10 pt on 12 pt, 2 cm margins)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from workflows.synthesis.models import PARTS, Synthesis, paragraphs
from workflows.synthesis.selectors import RenovationState

MARGIN = 2 * cm
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12, spaceAfter=3, splitLongWords=True)
TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=14, leading=17, spaceAfter=4)
SUBTITLE = ParagraphStyle("subtitle", fontName="Helvetica", fontSize=9, leading=11, spaceAfter=6)
HEADING = ParagraphStyle(
    "heading", fontName="Helvetica-Bold", fontSize=11, leading=13, spaceBefore=6, spaceAfter=3, keepWithNext=True
)
MAX_PAGES = 5
TEXT_WIDTH = A4[0] - 2 * MARGIN
CELL = ParagraphStyle("cell", fontName="Helvetica", fontSize=9, leading=10.5)


def _text(value: str) -> str:
    """What Helvetica can draw (cp1252), escaped for reportlab's paragraph markup."""
    return escape(value.encode("cp1252", "replace").decode("cp1252"))


def hard_lines(text: str, width: float = TEXT_WIDTH) -> list[str]:
    """Lines cut at any character, filled up to ``width``: each holds at least 48 characters
    (Helvetica's widest glyph is 1 em, 10 pt), whatever the words."""
    lines: list[str] = []
    current = ""
    for char in text:
        if current and stringWidth(current + char, BODY.fontName, BODY.fontSize) > width:
            lines.append(current)
            current = char
        else:
            current += char
    if current:
        lines.append(current)
    return lines


def _paragraph(text: str, *, anywhere: bool) -> Paragraph:
    if not anywhere:
        return Paragraph(_text(text), BODY)
    drawable = text.encode("cp1252", "replace").decode("cp1252")
    return Paragraph("<br/>".join(escape(line) for line in hard_lines(drawable)), BODY)


def renovation_table(renovation: RenovationState) -> list[Any]:
    note = (
        f"transmis le {renovation.computed_on:%d/%m/%Y}"
        if renovation.frozen
        else f"calculé le {renovation.computed_on:%d/%m/%Y} à partir des dossiers"
    )
    data: list[list[Any]] = [
        ["Étape de la rénovation", "Contrats de ville", f"En retard ({renovation.deadline:%d/%m/%Y})"]
    ]
    for row in renovation.rows:
        data.append([Paragraph(_text(row.label), CELL), str(row.count), str(row.late)])
    data.append(["Total", str(renovation.total), str(renovation.late)])
    table = Table(data, colWidths=[8.5 * cm, 4 * cm, 4.5 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 9),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 9),
                ("FONT", (0, -1), (-1, -1), "Helvetica-Bold", 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    heading = Paragraph(_text(f"État de la rénovation des contrats de ville du département ({note})"), HEADING)
    return [KeepTogether([heading, table])]


def synthesis_pdf(*, synthesis: Synthesis, renovation: RenovationState) -> bytes:
    """Word-wrapped; laid out again cutting lines at any character in the rare case word wrapping
    would exceed five pages (long words of wide glyphs waste most of each line)."""
    content, pages = _build(synthesis=synthesis, renovation=renovation, anywhere=False)
    if pages > MAX_PAGES:
        content, pages = _build(synthesis=synthesis, renovation=renovation, anywhere=True)
    return content


def _build(*, synthesis: Synthesis, renovation: RenovationState, anywhere: bool) -> tuple[bytes, int]:
    buffer = io.BytesIO()
    department = synthesis.department
    # No frame padding: the text is exactly A4 minus 2 cm margins wide (the limit's computation).
    frame = Frame(
        MARGIN, MARGIN, TEXT_WIDTH, A4[1] - 2 * MARGIN, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Synthèse {synthesis.year} – {department.name} ({department.code})",
        author=f"Préfecture – {department.name}",
    )
    story: list[Any] = [
        Paragraph(_text(f"Synthèse du préfet – {department.name} ({department.code})"), TITLE),
        Paragraph(
            _text(
                "Circulaire du Premier ministre du 22 janvier 2019 relative à la mobilisation nationale pour les "
                f"habitants des quartiers : synthèse due le {synthesis.due_on:%d/%m/%Y}. "
                f"État : {synthesis.get_state_display()}."
            ),
            SUBTITLE,
        ),
        *renovation_table(renovation),
        Spacer(1, 4),
    ]
    for number, (field, title) in enumerate(PARTS, start=1):
        story.append(Paragraph(_text(f"{number}. {title}"), HEADING))
        for paragraph in paragraphs(getattr(synthesis, field)) or ["(non renseigné)"]:
            story.append(_paragraph(paragraph, anywhere=anywhere))

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawRightString(A4[0] - MARGIN, MARGIN / 2, f"page {document.page}")
        canvas.restoreState()

    doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=footer)])
    doc.build(story)
    return buffer.getvalue(), doc.page
