"""The one mechanism of the documents the State signs (reportlab): the prefect's synthesis
(``workflows.synthesis.pdf``) and the PAQTE semestrial report (``workflows.paqte.exports``).

- **The State's identity** (Marque de l'État, as the DSFR header's ``fr-logo``): the tricolour
  Marianne drawn from the SVG django-dsfr vendors in ``dsfr.min.css``, « RÉPUBLIQUE FRANÇAISE »
  and the devise in the Marianne font django-dsfr vendors (WOFF, PostScript outlines, turned
  once per process into the TrueType reportlab embeds, with fontTools), then « Préfet du Nord »
  (the département's article from the INSEE reference data, column TNCC), the title and the date.
- **Footer** « page x / y » on every page (a canvas that counts the pages before drawing them).
- **French numbers**: thousands grouped by a no-break space, decimal comma (« 200 000 »,
  « 12,5 »), Django's ``fr`` format.
- **No word broken inside a column**: ``column_widths`` gives every column at least its longest
  word, as long as the columns fit the page; only a word wider than its whole line (an address
  pasted in a text, a 250-character commitment) is cut, at the line's end, rather than running off
  the page; no hyphenation.
- **No half-empty page**: a heading starts a new page only when it and three lines of what
  follows do not fit (``heading``); a long text then continues on the next page.
- **What a font cannot draw** (a narrow no-break space typed before « ; », a non-breaking hyphen,
  a Word bullet) is drawn as its nearest character (``drawable``), « ? » only when none is near.
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import formats, translation

import dsfr
from fontTools.pens.basePen import BasePen  # type: ignore[import-untyped]
from fontTools.pens.cu2quPen import Cu2QuPen  # type: ignore[import-untyped]
from fontTools.pens.ttGlyphPen import TTGlyphPen  # type: ignore[import-untyped]
from fontTools.svgLib.path import parse_path  # type: ignore[import-untyped]
from fontTools.ttLib import TTFont, newTable  # type: ignore[import-untyped]
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont as ReportlabTTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, CondPageBreak, Frame, NextPageTemplate, PageTemplate, Paragraph

DSFR_DIST = Path(dsfr.__file__).parent / "static" / "dsfr" / "dist"
BLUE_FRANCE, RED_MARIANNE = HexColor("#000091"), HexColor("#e1000f")
GREY = HexColor("#666666")
MARGIN = 2 * cm


# --- Fonts ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    italic: str


HELVETICA = Fonts("Helvetica", "Helvetica-Bold", "Helvetica-Oblique")


_MAXP_FIELDS = (
    "maxPoints",
    "maxContours",
    "maxCompositePoints",
    "maxCompositeContours",
    "maxTwilightPoints",
    "maxStorage",
    "maxFunctionDefs",
    "maxInstructionDefs",
    "maxStackElements",
    "maxSizeOfInstructions",
    "maxComponentElements",
    "maxComponentDepth",
)


def _truetype(path: Path) -> io.BytesIO:
    """The font with TrueType outlines (fontTools' « otf2ttf » recipe: cubic curves to quadratic
    ones within one font unit), what reportlab's ``TTFont`` reads."""
    font = TTFont(str(path))
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = glyphs
    del font["CFF "]
    glyf.compile(font)
    hmtx = font["hmtx"]
    for name, glyph in glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)
    maxp = font["maxp"] = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for field in _MAXP_FIELDS:  # recomputed from the glyphs when the font is saved
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType = 2.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = order
    font.sfntVersion = "\000\001\000\000"
    font.flavor = None
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


@functools.cache
def fonts() -> Fonts:
    """Marianne (regular, bold, italic) registered once per process; Helvetica when django-dsfr
    ships no Marianne (the documents stay readable, without the State's font)."""
    files = {style: DSFR_DIST / "fonts" / f"Marianne-{style}.woff" for style in ("Regular", "Bold", "Regular_Italic")}
    if not all(path.exists() for path in files.values()):
        return HELVETICA
    names = Fonts("Marianne", "Marianne-Bold", "Marianne-Italic")
    for name, style in zip((names.regular, names.bold, names.italic), files, strict=True):
        pdfmetrics.registerFont(ReportlabTTFont(name, _truetype(files[style])))
    pdfmetrics.registerFontFamily(names.regular, normal=names.regular, bold=names.bold, italic=names.italic)
    return names


# Characters French text carries (typed, or pasted from a word processor) that a font may lack, and
# what is drawn instead: spaces as spaces (a no-break one stays no-break), hyphens as « - », the
# superscripts of « 1ᵉʳ » as letters, bullets as « • »; invisible ones dropped. None is wider than
# one em, the widest glyph the synthesis's length limit counts (``workflows.synthesis.models``).
NEAREST = {
    "\u202f": "\xa0",  # narrow no-break space (« ; », « : », « ! », « ? », « 120 000 »)
    "\u2007": "\xa0",  # figure space
    "\u2060": "",  # word joiner
    "\u200b": "",  # zero-width space
    "\ufeff": "",  # zero-width no-break space (a byte-order mark pasted in)
    "\u00ad": "",  # soft hyphen
    **dict.fromkeys("\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u205f", " "),
    **dict.fromkeys("\u2010\u2011\u2012\u2043\u2212", "-"),  # hyphens, minus sign
    **dict.fromkeys("\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u2023\u2219\uf0b7\uf0a7\uf0d8", "\u2022"),  # bullets
    "\u02bc": "\u2019",  # modifier apostrophe
    "\u2032": "'",
    "\u2033": '"',
    "\u2116": "n\u00b0",  # numero sign
    "\u1d49": "e",  # 1ᵉʳ, 2ᵉ
    "\u02b3": "r",
    "\u02e2": "s",
    "\u1d48": "d",
    "\u1d52": "o",
    "\u2192": "->",
}


def _can_draw(font: str) -> Any:
    """Whether ``font`` has a glyph for a character (cp1252 for a standard font)."""
    face = pdfmetrics.getFont(font)
    char_to_glyph = getattr(getattr(face, "face", None), "charToGlyph", None)
    if char_to_glyph is None:  # a standard font: what cp1252 holds
        return lambda char: char in "\n\t" or char.encode("cp1252", "ignore") != b""
    return lambda char: char in "\n\t" or ord(char) in char_to_glyph


def drawable(text: str, font: str) -> str:
    """``text`` as ``font`` can draw it: each character it lacks as its nearest one (``NEAREST``:
    a narrow no-break space as a no-break space, a non-breaking hyphen as « - »), else « ? »
    instead of an empty box."""
    can_draw = _can_draw(font)
    out = []
    for char in text:
        if can_draw(char):
            out.append(char)
            continue
        nearest = NEAREST.get(char)
        out.append(nearest if nearest is not None and all(can_draw(c) for c in nearest) else "?")
    return "".join(out)


def markup(text: str, font: str) -> str:
    """``text`` as reportlab paragraph markup: escaped, drawable in ``font``, line breaks kept."""
    return escape(drawable(text, font)).replace("\n", "<br/>")


def style(name: str, font: str, size: float, *, leading: float | None = None, **kwargs: Any) -> ParagraphStyle:
    """A paragraph style that wraps between words (French text has no hyphenation here) and cuts
    only a word wider than the whole line (an address pasted in), at the line's end, instead of
    letting it run off the page."""
    kwargs.setdefault("splitLongWords", True)
    kwargs.setdefault("hyphenationLang", "")
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25, **kwargs)


# --- French numbers, dates, names -----------------------------------------------------------------


def number(value: Any, decimals: int | None = None) -> str:
    """« 200 000 », « 12,5 » (Django's ``fr`` format: no-break space, decimal comma); empty for None."""
    if value is None or value == "":
        return ""
    with translation.override("fr"):
        return formats.number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def long_date(value: datetime.date) -> str:
    """The day, the month in words, the year (« 14 mars » and the year)."""
    with translation.override("fr"):
        return formats.date_format(value, "j F Y")


# The INSEE « type de nom en clair » (TNCC) of a name: the preposition before it (COG, « Libellés »).
_OF = {
    "0": "de ",
    "1": "d'",
    "2": "du ",
    "3": "de la ",
    "4": "des ",
    "5": "de l'",
    "6": "des ",
    "7": "de las ",
    "8": "de los ",
}


@functools.cache
def _name_types() -> dict[str, str]:
    path = Path(settings.REFERENCE_DATA_DIR) / "departements.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as handle:
        return {row["DEP"]: row["TNCC"] for row in csv.DictReader(handle)}


def of_department(department: Any) -> str:
    """« du Nord », « de la Somme », « de l'Aisne », « des Bouches-du-Rhône », « de La Réunion »
    (the INSEE name carries its article when it has one: TNCC 0)."""
    name = str(department.name)
    kind = _name_types().get(str(department.code), "1" if name[:1].lower() in "aeiouyéèêâîôûh" else "0")
    return _OF.get(kind, "de ") + name


def prefect_title(department: Any, *, title: str = "Préfet") -> str:
    """« Préfet du Nord », « Préfète de la Somme » (``title``: the prefecture's ``head_title``)."""
    return f"{title} {of_department(department)}"


# --- The Marianne ---------------------------------------------------------------------------------


class _CanvasPen(BasePen):
    """fontTools' pen protocol onto a reportlab path (the SVG path data of the logo)."""

    def __init__(self, path: Any) -> None:
        super().__init__(None)
        self.path = path

    def _moveTo(self, pt: tuple[float, float]) -> None:
        self.path.moveTo(*pt)

    def _lineTo(self, pt: tuple[float, float]) -> None:
        self.path.lineTo(*pt)

    def _curveToOne(self, pt1: tuple[float, float], pt2: tuple[float, float], pt3: tuple[float, float]) -> None:
        self.path.curveTo(*pt1, *pt2, *pt3)

    def _closePath(self) -> None:
        self.path.close()


@functools.cache
def _marianne_paths() -> tuple[tuple[str, str], ...]:
    """The silhouette over the tricolour of the DSFR's ``.fr-logo:before`` (viewBox 44 × 18):
    (fill, path data) pairs, read from the vendored stylesheet; none if it is not there."""
    css_path = DSFR_DIST / "dsfr.min.css"
    if not css_path.exists():
        return ()
    found = re.search(
        r'\.fr-logo:before\{background-image:url\("data:image/svg\+xml;charset=utf8,([^"]*)"\)',
        css_path.read_text(encoding="utf-8"),
    )
    if found is None:
        return ()
    # The stylesheet django-dsfr ships (a pinned dependency), not user input.
    root = ElementTree.fromstring(urllib.parse.unquote(found.group(1)))  # noqa: S314
    return tuple(
        (element.get("fill", "#000"), element.get("d", ""))
        for element in root.iter("{http://www.w3.org/2000/svg}path")
        if element.get("d")
    )


def _svg_colour(fill: str) -> Any:
    """An SVG fill: « gray », « #fff » (three digits) or « #e1000f »."""
    if fill == "gray":
        return HexColor("#808080")
    if re.fullmatch(r"#[0-9a-fA-F]{3}", fill):
        fill = "#" + "".join(digit * 2 for digit in fill[1:])
    return HexColor(fill)


def draw_marianne(canvas: Canvas, x: float, top: float, width: float) -> float:
    """The tricolour Marianne, ``width`` wide, its top at ``top``; returns its height."""
    scale = width / 44
    height = 16 * scale
    canvas.saveState()
    canvas.setFillColor(BLUE_FRANCE)
    canvas.rect(x, top - height, width / 2, height, stroke=0, fill=1)
    canvas.setFillColor(RED_MARIANNE)
    canvas.rect(x + width / 2, top - height, width / 2, height, stroke=0, fill=1)
    # SVG y runs downwards, from 1 unit above the tricolour (background-position 0 -1px at 16 px).
    canvas.translate(x, top + scale)
    canvas.scale(scale, -scale)
    for fill, data in _marianne_paths():
        canvas.setFillColor(_svg_colour(fill))
        path = canvas.beginPath()
        parse_path(data, _CanvasPen(path))
        canvas.drawPath(path, stroke=0, fill=1, fillMode=1)
    canvas.restoreState()
    return height


# --- The document ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Identity:
    """What the first page's head says: who signs, what, when."""

    department: Any
    title: str
    dated: datetime.date
    subtitle: str = ""
    prefect: str = "Préfet"  # or « Préfète »: the prefecture's head_title


# The first page's frame starts this far below the page's top edge, under the Marianne block.
FIRST_FRAME_TOP = 5.0 * cm


def draw_head(canvas: Canvas, identity: Identity) -> None:
    """The first page's head: the Marianne block on the left (as the DSFR header: the tricolour,
    « RÉPUBLIQUE FRANÇAISE » in bold capitals, the devise), the prefect under it; the date on
    the right; the title below."""
    names = fonts()
    top = A4[1] - MARGIN + 0.6 * cm
    left = MARGIN
    canvas.saveState()
    height = draw_marianne(canvas, left, top, 1.45 * cm)
    y = top - height - 0.42 * cm
    canvas.setFillColorRGB(0.09, 0.09, 0.09)
    canvas.setFont(names.bold, 10.5)
    for line in ("RÉPUBLIQUE", "FRANÇAISE"):
        canvas.drawString(left, y, line)
        y -= 10.8
    canvas.setFont(names.italic, 7.5)
    y -= 2
    for line in ("Liberté", "Égalité", "Fraternité"):
        canvas.drawString(left, y, line)
        y -= 8.5
    y -= 6
    canvas.setFont(names.bold, 10)
    canvas.drawString(left, y, drawable(prefect_title(identity.department, title=identity.prefect), names.bold))
    canvas.setFont(names.regular, 9.5)
    canvas.drawRightString(A4[0] - MARGIN, top - 0.35 * cm, f"Le {long_date(identity.dated)}")
    canvas.restoreState()


def title_flowables(identity: Identity) -> list[Any]:
    """The title (and its subtitle) at the top of the first page's frame."""
    names = fonts()
    story: list[Any] = [
        Paragraph(markup(identity.title, names.bold), style("doc-title", names.bold, 15, leading=18, spaceAfter=4))
    ]
    if identity.subtitle:
        story.append(
            Paragraph(
                markup(identity.subtitle, names.regular),
                style("doc-subtitle", names.regular, 9, leading=11.5, spaceAfter=8, textColor=GREY),
            )
        )
    return story


class CountedCanvas(Canvas):
    """A canvas that keeps its pages until the end, then draws each one's frame (``_frame``,
    given the page count: « page x / y »)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        total = len(self._pages)
        for page in self._pages:
            self.__dict__.update(page)
            self._frame(total)
            super().showPage()
        super().save()

    def _frame(self, total: int) -> None:
        raise NotImplementedError


def numbered_canvas(footer: str) -> type[Canvas]:
    """A canvas that draws « page x / y » (and ``footer`` on the left) once the page count is known."""

    class NumberedCanvas(CountedCanvas):
        def _frame(self, total: int) -> None:
            names = fonts()
            self.saveState()
            self.setFont(names.regular, 8)
            self.setFillColor(GREY)
            self.drawString(MARGIN, MARGIN / 2, drawable(footer, names.regular))
            self.drawRightString(A4[0] - MARGIN, MARGIN / 2, f"page {self.getPageNumber()} / {total}")
            self.restoreState()

    return NumberedCanvas


def column_widths(
    rows: Sequence[Sequence[str]],
    total: float,
    *,
    font: str | Sequence[str],
    size: float,
    padding: float = 12,
    flexible: int = 0,
    minimum: dict[int, float] | None = None,
) -> list[float]:
    """Widths filling ``total``: each column at least as wide as its longest word in the widest
    of ``font`` (the header's bold and the cells' regular face: neither is the wider for every
    word) so no word is cut inside a cell, and its ``minimum``, the column ``flexible`` taking
    what is left. When those
    widths do not fit ``total`` (a word of 100 characters typed in a cell), the widest columns are
    narrowed to one common width so that the table still fits the page: only their words wider
    than that width are cut (``style``)."""
    faces = (font,) if isinstance(font, str) else tuple(font)
    widths = [0.0] * max((len(row) for row in rows), default=0)
    for index, width in (minimum or {}).items():
        widths[index] = width
    for row in rows:
        for index, text in enumerate(row):
            longest = max(
                (
                    pdfmetrics.stringWidth(word, face, size)
                    for word in re.split(r"[ \n\t]+", str(text))
                    if word
                    for face in faces
                ),
                default=0,
            )
            widths[index] = max(widths[index], longest + padding)
    if sum(widths) > total:
        remaining, cap = total, total
        for count, width in enumerate(sorted(widths)):
            left = len(widths) - count
            if width * left > remaining:
                cap = remaining / left
                break
            remaining -= width
        return [min(width, cap) for width in widths]
    rest = total - sum(width for index, width in enumerate(widths) if index != flexible)
    widths[flexible] = max(widths[flexible], rest)
    return widths


def heading(text: str, heading_style: ParagraphStyle, *, follows: float) -> list[Any]:
    """A heading that never ends a page: it goes to the next page only when it and ``follows``
    points of what comes after it (three lines, say) do not fit, instead of keeping it with the
    whole of a long text (``keepWithNext``), which left most of a page blank before that text."""
    paragraph = Paragraph(markup(text, heading_style.fontName), heading_style)
    room = heading_style.spaceBefore + heading_style.leading * 2 + heading_style.spaceAfter + follows
    return [CondPageBreak(room), paragraph]


def state_document(buffer: io.BytesIO, identity: Identity, *, author: str, padding: float = 6) -> Any:
    """An A4 document with 2 cm margins: the first page under the State's head, the next ones
    full; lay it out with ``build``."""
    width, height = A4[0] - 2 * MARGIN, A4[1] - 2 * MARGIN
    pad: dict[str, Any] = dict.fromkeys(("leftPadding", "rightPadding", "topPadding", "bottomPadding"), padding)
    first = Frame(MARGIN, MARGIN, width, A4[1] - FIRST_FRAME_TOP - MARGIN, id="first", **pad)
    later = Frame(MARGIN, MARGIN, width, height, id="later", **pad)
    document = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=identity.title,
        author=author,
        subject=identity.subtitle,
        creator="Quartiers",
        lang="fr",
    )
    document.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first], onPage=lambda canvas, _doc: draw_head(canvas, identity)),
            PageTemplate(id="later", frames=[later]),
        ]
    )
    return document


def build(document: Any, identity: Identity, story: list[Any], *, footer: str) -> int:
    """Lays ``story`` out after the title, with « page x / y »; returns the number of pages."""
    document.build([NextPageTemplate("later"), *title_flowables(identity), *story], canvasmaker=numbered_canvas(footer))
    return int(document.page)
