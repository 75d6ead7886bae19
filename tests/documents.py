"""Reading a PDF as its reader sees it: poppler's ``pdftotext`` (the text, page by page, and each
word's box) and ``pdftoppm`` (each page as a PNG), the tools ``scripts/lib.sh`` installs
(``ensure_poppler``)."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SHOTS = Path("/tmp/shots/documents")  # noqa: S108 (where the pages are looked at)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} est introuvable : apt-get install poppler-utils (scripts/lib.sh, ensure_poppler)")
    return path


def pdf_pages(content: bytes) -> list[str]:
    """The text of each page (``pdftotext -layout``), no-break spaces as spaces."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        text = subprocess.run(
            [_tool("pdftotext"), "-layout", "-enc", "UTF-8", str(source), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pages = text.replace("\xa0", " ").replace("\u202f", " ").split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def _page_number(path: Path) -> int:
    return int(re.findall(r"-(\d+)\.png$", path.name)[0])


def pdf_to_png(content: bytes, name: str, resolution: int = 80) -> list[Path]:
    """Each page as a PNG in ``/tmp/shots/documents/<name>-<n>.png`` (to look at); their paths.
    Rendered in a directory of its own, then moved there: another test's ``<name>-longue``, or
    the same test in another run at the same time, neither adds nor removes a page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(content)
        subprocess.run([_tool("pdftoppm"), "-png", "-r", str(resolution), str(source), f"{work}/page"], check=True)
        pages = []
        for page in sorted(Path(work).glob("page-*.png"), key=_page_number):
            target = SHOTS / f"{name}-{_page_number(page)}.png"
            shutil.move(page, target)
            pages.append(target)
    (SHOTS / f"{name}.pdf").write_bytes(content)
    for old in SHOTS.glob(f"{name}-*.png"):  # pages of an earlier, longer version of this document
        found = re.fullmatch(rf"{re.escape(name)}-(\d+)\.png", old.name)
        if found and int(found.group(1)) > len(pages):
            old.unlink(missing_ok=True)
    return pages


def words(text: str) -> str:
    """The text on one line, runs of spaces as one (layout columns put many)."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Word:
    """A word as poppler places it (points, from the page's top-left corner)."""

    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    words: list[Word]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pdf_words(content: bytes) -> list[Page]:
    """Every page's size and words with their boxes (``pdftotext -bbox``): what is drawn where,
    to measure that nothing runs past a margin and that no page is left half blank."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(content)
        xhtml = subprocess.run(
            [_tool("pdftotext"), "-bbox", "-enc", "UTF-8", str(source), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    pages = []
    for number, (width, height, body) in enumerate(_PAGE.findall(xhtml), start=1):
        words = [
            Word(number, html.unescape(text), float(x0), float(y0), float(x1), float(y1))
            for x0, y0, x1, y1, text in _WORD.findall(body)
        ]
        pages.append(Page(float(width), float(height), words))
    return pages


def outside_margins(pages: list[Page], margin: float) -> list[Word]:
    """The words drawn (even partly) outside the ``margin`` of their page (half a point allowed)."""
    return [
        word
        for page in pages
        for word in page.words
        if word.x_min < margin - 0.5 or word.x_max > page.width - margin + 0.5
    ]


def body_text(pages: list[str], footer: str) -> str:
    """The pages' text on one line, without the footer ``footer``… « page x / y » of each page
    (which sits in the middle of a text that runs on to the next page)."""
    return words(" ".join(re.sub(rf"{re.escape(footer)}\s+page \d+ / \d+", " ", page) for page in pages))
