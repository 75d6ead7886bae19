"""The synthesis as a PDF (reportlab): A4, at most five pages (the layout the length limit of
``workflows.synthesis.models`` is computed for: Helvetica 10 pt on 12 pt, 2 cm margins), under
the State's identity (``reference.pdf``)."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from reference import pdf
from workflows.submissions.documents import document_date, prefect_of
from workflows.synthesis.models import PARTS, Synthesis, paragraphs
from workflows.synthesis.selectors import RenovationState

MARGIN = 2 * cm
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=12, spaceAfter=3, splitLongWords=True)
MAX_PAGES = 5
TEXT_WIDTH = A4[0] - 2 * MARGIN


def _text(value: str) -> str:
    """What Helvetica can draw (cp1252; a narrow no-break space as a no-break space, ``pdf.drawable``),
    escaped for reportlab's paragraph markup."""
    return escape(pdf.drawable(value, BODY.fontName))


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
    drawable = pdf.drawable(text, BODY.fontName)
    return Paragraph("<br/>".join(escape(line) for line in hard_lines(drawable)), BODY)


def renovation_table(renovation: RenovationState) -> list[Any]:
    names = pdf.fonts()
    note = (
        f"transmis le {pdf.long_date(renovation.computed_on)}"
        if renovation.frozen
        else f"calculé le {pdf.long_date(renovation.computed_on)} à partir des dossiers"
    )
    cell = pdf.style("cell", names.regular, 9, leading=10.5)
    data: list[list[Any]] = [
        ["Étape de la rénovation", "Contrats de ville", f"En retard ({renovation.deadline:%d/%m/%Y})"]
    ]
    for row in renovation.rows:
        data.append(
            [Paragraph(pdf.markup(row.label, names.regular), cell), pdf.number(row.count), pdf.number(row.late)]
        )
    data.append(["Total", pdf.number(renovation.total), pdf.number(renovation.late)])
    table = Table(data, colWidths=[8.5 * cm, 4 * cm, 4.5 * cm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), names.bold, 9),
                ("FONT", (0, 1), (-1, -1), names.regular, 9),
                ("FONT", (0, -1), (-1, -1), names.bold, 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e3e3fd")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    heading = Paragraph(
        pdf.markup(
            f"État de la rénovation des contrats de ville du département – circulaire, annexe 1 ({note})", names.bold
        ),
        _heading(),
    )
    return [KeepTogether([heading, table])]


def _heading() -> ParagraphStyle:
    return pdf.style("heading", pdf.fonts().bold, 11, leading=13, spaceBefore=6, spaceAfter=3)


def synthesis_pdf(*, synthesis: Synthesis, renovation: RenovationState) -> bytes:
    """Word-wrapped; laid out again cutting lines at any character in the rare case word wrapping
    would exceed five pages (long words of wide glyphs waste most of each line)."""
    content, pages = _build(synthesis=synthesis, renovation=renovation, anywhere=False)
    if pages > MAX_PAGES:
        content, pages = _build(synthesis=synthesis, renovation=renovation, anywhere=True)
    return content


def _build(*, synthesis: Synthesis, renovation: RenovationState, anywhere: bool) -> tuple[bytes, int]:
    """Under the State's identity (``reference.pdf``: Marianne block, « Préfet du Nord », title,
    date; « page x / y »). The parts' text stays in Helvetica 10 pt, the layout the length limit
    is computed for (``workflows.synthesis.models``); the rest is in Marianne."""
    buffer = io.BytesIO()
    department = synthesis.department
    identity = pdf.Identity(
        department=department,
        title=f"Synthèse {synthesis.year} du préfet – {department.name} ({department.code})",
        subtitle=(
            "Circulaire du Premier ministre du 22 janvier 2019 relative à la mobilisation nationale pour les "
            f"habitants des quartiers : synthèse due le {pdf.long_date(synthesis.due_on)}. "
            f"État : {synthesis.get_state_display()}."
        ),
        dated=document_date(synthesis),
        prefect=prefect_of(department),
    )
    # No frame padding: the text is exactly A4 minus 2 cm margins wide (the limit's computation).
    document = pdf.state_document(buffer, identity, author=f"Préfecture – {department.name}", padding=0)
    story: list[Any] = [*renovation_table(renovation), Spacer(1, 4)]
    for number, (field, title) in enumerate(PARTS, start=1):
        # A part's title starts a page only with three lines of its text (a long first paragraph
        # then continues on the next page, instead of leaving this one half blank).
        story.extend(pdf.heading(f"{number}. {title}", _heading(), follows=3 * BODY.leading))
        for paragraph in paragraphs(getattr(synthesis, field)) or ["(non renseigné)"]:
            story.append(_paragraph(paragraph, anywhere=anywhere))
    pages = pdf.build(
        document, identity, story, footer=f"Synthèse {synthesis.year} – {department.name} ({department.code})"
    )
    return buffer.getvalue(), pages
