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


def test_pdf_carries_the_state_identity_page_numbers_and_french_numbers(nord: Department, settings) -> None:
    """Read as its reader sees it (poppler: text and PNG pages, in /tmp/shots/documents/)."""
    from tests.documents import pdf_pages, pdf_to_png, words

    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-03-14"
    renovation = RenovationState(
        rows=[RenovationRow(state.value, str(state.label), 200000, 1234) for state in RenewalState],
        total=200000,
        late=1234,
        computed_on=datetime.date(2019, 3, 14),
        deadline=datetime.date(2019, 7, 31),
    )
    synthesis = Synthesis(department=nord, year=2019, **fill(FRENCH, PARAGRAPHS_MAX))
    content = synthesis_pdf(synthesis=synthesis, renovation=renovation)
    pages = pdf_pages(content)
    assert len(pdf_to_png(content, "synthese-2019-59")) == len(pages) == page_count(content)
    first = words(pages[0])
    for text in ("RÉPUBLIQUE FRANÇAISE", "Liberté Égalité Fraternité", "Préfet du Nord", "Le 14 mars 2019"):
        assert text in first
    assert "Synthèse 2019 du préfet – Nord (59)" in first
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
    assert "200 000" in first and "1 234" in first and "200000" not in first


# A prefecture's French as typed in a word processor: narrow no-break spaces before « ; », « ! »
# and in « 120 000 », typographic apostrophes, « œ », guillemets, an em dash, an ellipsis.
TYPED = (
    "Le préfet a réuni le 5 février 2019 les maires, les présidents d’EPCI et les bailleurs sociaux\u202f; "
    "l’évaluation à mi-parcours des contrats de ville est engagée dans les 21 QPV du département "
    "(«\u00a0Quartiers en œuvre\u00a0»), avec un budget de 120\u202f000\u00a0€ — dont 45\u00a0% de crédits "
    "spécifiques… Les conseils citoyens ont été associés dès l’origine\u202f! "
)
FOOTER = "Synthèse 2019 – Nord (59)"


def typed_part(length: int, paragraphs: int) -> str:
    per = length // paragraphs
    return "\n".join(f"§{n}. {TYPED * 30}"[: per - 1].rstrip() for n in range(1, paragraphs + 1))


def test_long_parts_run_over_pages_in_full_within_the_margins(nord: Department, settings) -> None:
    """Two parts of 4,000 characters and two of 500 (the 9,000 allowed): the pages grow from one,
    every part's whole text is there in reading order (the footer aside), every word inside the
    2 cm margins, the narrow no-break spaces drawn as spaces (« ? » before), the dates in words,
    the circular's annex 1 cited on the renovation table."""
    from tests.documents import body_text, outside_margins, pdf_pages, pdf_to_png, pdf_words, words

    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-03-14"
    parts = {
        "steps_taken": typed_part(4000, 4),
        "measures": typed_part(4000, 3),
        "renovation_deadline": typed_part(500, 1),
        "difficulties": typed_part(500, 2),
    }
    assert not length_errors(parts) and sum(map(len, parts.values())) > 8900
    short = synthesis_pdf(
        synthesis=Synthesis(department=nord, year=2019, **dict.fromkeys(parts, "Une ligne.")),
        renovation=RENOVATION,
    )
    content = synthesis_pdf(synthesis=Synthesis(department=nord, year=2019, **parts), renovation=RENOVATION)
    pages = pdf_pages(content)
    pdf_to_png(content, "synthese-2019-59-longue")
    assert page_count(short) == 1 and 3 <= len(pages) <= 5
    text = body_text(pages, FOOTER)
    for field, _title in PARTS:
        for paragraph in parts[field].split("\n"):
            assert words(paragraph.replace("\u202f", " ").replace("\xa0", " ")) in text, field
    assert "?" not in text and "sociaux ;" in text and "120 000 €" in text and "l’origine !" in text
    for heading in (
        "1. Les démarches engagées",
        "2. Les mesures de la feuille de route gouvernementale et du pacte de Dijon déclinées dans les contrats "
        "de ville",
        "3. L'échéance de rénovation des contrats de ville",
        "4. Les difficultés rencontrées",
        "État de la rénovation des contrats de ville du département – circulaire, annexe 1 (calculé le "
        "14 mars 2019 à partir des dossiers)",
        "synthèse due le 15 mars 2019",
    ):
        assert heading in text
    assert text.index("1. Les démarches") < text.index("2. Les mesures") < text.index("3. L'échéance")
    layout = pdf_words(content)
    assert {(round(page.width), round(page.height)) for page in layout} == {(595, 842)}  # A4
    assert outside_margins(layout, margin=2 * 72 / 2.54) == []


def test_an_empty_draft_says_each_part_is_not_filled_in(nord: Department) -> None:
    from tests.documents import pdf_pages, words

    text = words(
        " ".join(pdf_pages(synthesis_pdf(synthesis=Synthesis(department=nord, year=2019), renovation=RENOVATION)))
    )
    assert text.count("(non renseigné)") == len(PARTS)
    assert "État : Brouillon" in text


def test_what_helvetica_lacks_is_drawn_as_its_nearest_character() -> None:
    from reference.pdf import drawable

    assert drawable("sociaux\u202f; 120\u202f000 € ; 1ᵉʳ ; rez\u2011de\u2011chaussée ; \uf0b7 point", "Helvetica") == (
        "sociaux\xa0; 120\xa0000 € ; 1er ; rez-de-chaussée ; • point"
    )
    assert drawable("漢", "Helvetica") == "?"
