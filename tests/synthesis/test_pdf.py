"""The synthesis PDF: A4, at most five pages at the maximum lengths, whatever the characters.
Pages are counted in the file."""

from __future__ import annotations

import datetime
import re

import pytest

from reference.models import Department
from workflows.models import RenewalState
from workflows.synthesis.models import PARAGRAPHS_MAX, PARTS, TOTAL_MAX_CHARS, Synthesis, length_errors
from workflows.synthesis.pdf import hard_lines, synthesis_pdf
from workflows.synthesis.selectors import RenovationRow, RenovationState

pytestmark = pytest.mark.django_db

RENOVATION = RenovationState(
    rows=[RenovationRow(state.value, str(state.label), 9999, 9999) for state in RenewalState],
    total=99999,
    late=99999,
    computed_on=datetime.date(2019, 3, 14),
    deadline=datetime.date(2019, 7, 31),
)
FRENCH = (
    "Le préfet a réuni le 5 février les maires, les présidents des intercommunalités et les bailleurs sociaux ; "
    "la rénovation des contrats s'appuie sur l'évaluation à mi-parcours et sur les conseils citoyens. "
)


def page_count(content: bytes) -> int:
    return len(re.findall(rb"/Type /Page\b(?!s)", content))


def media_boxes(content: bytes) -> set[bytes]:
    return set(re.findall(rb"/MediaBox \[ ?([0-9. ]+)\]", content))


def fill(unit: str, paragraphs: int) -> dict[str, str]:
    """The four parts at the maximum: 9,000 characters in all, ``paragraphs`` per part."""
    per_part = TOTAL_MAX_CHARS // len(PARTS)
    length = (per_part - (paragraphs - 1)) // paragraphs
    parts = {field: "\n".join([(unit * length)[:length]] * paragraphs) for field, _title in PARTS}
    assert not length_errors(parts)
    assert sum(len(text) for text in parts.values()) >= TOTAL_MAX_CHARS - len(PARTS) * paragraphs
    return parts


CASES = {
    "french-text": (FRENCH, 1),
    "french-text-10-paragraphs": (FRENCH, PARAGRAPHS_MAX),
    "widest-glyph": ("—", 1),
    "widest-glyph-10-paragraphs": ("—", PARAGRAPHS_MAX),
    "capital-W": ("W", 1),
    # Words of 5 or 24 em dashes: word wrapping would leave most of each line empty (9 pages);
    # the PDF then cuts lines at any character and stays within five pages.
    "short-wide-words": ("————— ", 1),
    "long-wide-words": ("—" * 24 + " ", 1),
    "long-wide-words-10-paragraphs": ("—" * 24 + " ", PARAGRAPHS_MAX),
    "outside-cp1252": ("漢字 ", 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_pdf_fits_five_a4_pages_at_the_maximum_lengths(nord: Department, case: str) -> None:
    unit, paragraphs = CASES[case]
    synthesis = Synthesis(department=nord, year=2019, **fill(unit, paragraphs))
    content = synthesis_pdf(synthesis=synthesis, renovation=RENOVATION)
    assert content.startswith(b"%PDF")
    assert 1 <= page_count(content) <= 5
    assert media_boxes(content) == {b"0 0 595.2756 841.8898 "}  # A4 in points


def test_paragraph_waste_at_the_maximum(nord: Department) -> None:
    """Ten paragraphs per part each one character longer than four full lines of wide glyphs."""
    paragraph = "—" * (48 * 4 + 1)
    parts = {field: "\n".join([paragraph] * PARAGRAPHS_MAX) for field, _title in PARTS}
    assert not length_errors(parts)
    synthesis = Synthesis(department=nord, year=2019, **parts)
    assert page_count(synthesis_pdf(synthesis=synthesis, renovation=RENOVATION)) <= 5


def test_hard_lines_hold_at_least_48_wide_glyphs() -> None:
    lines = hard_lines("—" * 1000)
    assert all(len(line) >= 48 for line in lines[:-1])


def test_ordinary_text_is_word_wrapped_on_few_pages(nord: Department) -> None:
    content = synthesis_pdf(synthesis=Synthesis(department=nord, year=2019, **fill(FRENCH, 1)), renovation=RENOVATION)
    assert page_count(content) <= 3
