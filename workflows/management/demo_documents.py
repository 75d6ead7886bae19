"""The documents the demo campaign deposits (``demo_campaign``): real, readable PDFs about their
case, laid out with the project's PDF tooling (``reference.pdf``: paragraph styles, what a font
can draw, French dates and numbers), then deposited through the same services as a user's
upload (``renewal_document_add``, ``party_sign``: the one validator, ``workflows.uploads``).

- the midterm evaluation of a contrat de ville (circular of 22 January 2019, annex 1: the
  renovation « s'appuiera sur l'évaluation à mi-parcours et associera les conseils citoyens »):
  the contract, its EPCI and its QPV (reference data), what works and what must improve;
- the draft protocol of reinforced and reciprocal commitments, then the signed one: its
  commitments as the case lists them (party, pacte de Dijon domain, indicator, target, follow-up)
  and, once signed, its signatories;
- each signatory's signed page.

Every page says « Document de démonstration » in its header and its footer: these documents are
fictitious and never the State's (no Marianne, no « Préfet du Nord » head, Helvetica rather than
the State's font, which also spares the demo converting Marianne at every start).
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile

from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reference import pdf
from reference.models import CityContract, Qpv
from workflows.submissions.documents import prefect_of

FONTS = pdf.HELVETICA
MARK = "DOCUMENT DE DÉMONSTRATION"
FOOTER = "Document de démonstration produit par Quartiers : contenu fictif, sans valeur officielle."
GREY = HexColor("#666666")
RED = HexColor("#ce0500")
BLUE = HexColor("#000091")
LIGHT = HexColor("#e3e3fd")
MARGIN = 2 * cm
WIDTH = A4[0] - 2 * MARGIN
# QPV listed by name in a document; a métropole's dozens beyond it are counted, not listed.
QPV_LISTED = 25

BODY = pdf.style("demo-body", FONTS.regular, 10, leading=13.5, spaceAfter=5)
SMALL = pdf.style("demo-small", FONTS.regular, 8.5, leading=10.5)
CELL_HEAD = pdf.style("demo-cell-head", FONTS.bold, 8.5, leading=10.5)
TITLE = pdf.style("demo-title", FONTS.bold, 15, leading=18.5, spaceAfter=4, textColor=BLUE)
SUBTITLE = pdf.style("demo-subtitle", FONTS.regular, 9.5, leading=12, spaceAfter=10, textColor=GREY)
HEADING = pdf.style("demo-heading", FONTS.bold, 11.5, leading=14, spaceBefore=8, spaceAfter=4)
BULLET = pdf.style("demo-bullet", FONTS.regular, 10, leading=13, leftIndent=12, bulletIndent=2, spaceAfter=2)


@dataclass(frozen=True)
class Territory:
    """What the reference data says of a contract: its carrier, EPCI, QPV and their communes."""

    contract: CityContract
    qpvs: tuple[Qpv, ...]

    @property
    def epci_name(self) -> str:
        epci = self.contract.epci
        return str(epci.name) if epci is not None else str(self.contract.name)

    @property
    def communes(self) -> list[str]:
        """The communes of the QPV, each once, in the order of the QPV codes."""
        seen: dict[str, None] = {}
        for qpv in self.qpvs:
            seen.update(dict.fromkeys(commune_names(qpv)))
        return list(seen)

    @property
    def reference(self) -> str:
        """« Contrat de ville CV191 – CC Coeur d'Ostrevent [C.C.C.O.] (Nord, 59) »."""
        department = self.contract.department
        where = f" ({department.name}, {department.code})" if department is not None else ""
        return f"Contrat de ville {self.contract.code} – {self.contract.name}{where}"


ARTICLES = {"Le", "La", "Les", "L'"}
VOWELS = "AEIOUYÂÉÈÊÎÔ"


def of(name: str) -> str:
    """« de Somain », « d'Aniche »: the preposition before a commune's name."""
    return f"d'{name}" if name[:1].upper() in VOWELS else f"de {name}"


def commune_names(qpv: Qpv) -> list[str]:
    """The QPV's communes: the reference data writes their names separated by spaces (« Ecaillon
    Auberchicourt Masny ») and their INSEE codes by « ; »; an article (« Le Cateau-Cambrésis »)
    belongs to the name after it. When the words still do not match the codes, one name."""
    words: list[str] = []
    for word in str(qpv.commune_names).split():
        if words and words[-1] in ARTICLES:
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    codes = [code for code in str(qpv.commune_codes).split(";") if code.strip()]
    if len(words) == len(codes):
        return words
    return [str(qpv.commune_names)] if str(qpv.commune_names).strip() else []


@functools.lru_cache(maxsize=4096)
def _drawable(text: str, font: str) -> str:
    """``pdf.drawable``, once per text: a contract's names and QPV recur in its three documents."""
    return pdf.drawable(text, font)


def _markup(text: str, font: str) -> str:
    """``pdf.markup`` on the cached ``_drawable``."""
    return escape(_drawable(text, font)).replace("\n", "<br/>")


def prefect(department: Any) -> str:
    """« Préfet du Nord » (or « Préfète »: the prefecture's ``head_title``), as a party's name."""
    return pdf.prefect_title(department, title=prefect_of(department))


def _p(text: str, style: Any = BODY) -> Paragraph:
    return Paragraph(_markup(text, style.fontName), style)


def _bullets(items: Iterable[str]) -> list[Paragraph]:
    return [Paragraph(_markup(item, BULLET.fontName), BULLET, bulletText="•") for item in items]


def _heading(text: str) -> list[Any]:
    return pdf.heading(text, HEADING, follows=3 * BODY.leading)


def _canvas(reference: str) -> type[Canvas]:
    """Each page: « DOCUMENT DE DÉMONSTRATION » and the case above a rule, the notice and
    « page x / y » below one (the pages are counted before they are drawn)."""

    class DemoCanvas(pdf.CountedCanvas):
        def _frame(self, total: int) -> None:
            top = A4[1] - MARGIN / 2 - 4
            self.saveState()
            self.setFillColor(RED)
            self.setFont(FONTS.bold, 8.5)
            self.drawString(MARGIN, top, MARK)
            self.setFillColor(GREY)
            self.setFont(FONTS.regular, 8)
            self.drawRightString(A4[0] - MARGIN, top, pdf.drawable(reference, FONTS.regular)[:95])
            self.setStrokeColor(GREY)
            self.setLineWidth(0.4)
            self.line(MARGIN, top - 5, A4[0] - MARGIN, top - 5)
            self.line(MARGIN, MARGIN / 2 + 10, A4[0] - MARGIN, MARGIN / 2 + 10)
            self.drawString(MARGIN, MARGIN / 2, pdf.drawable(FOOTER, FONTS.regular))
            self.drawRightString(A4[0] - MARGIN, MARGIN / 2, f"page {self.getPageNumber()} / {total}")
            self.restoreState()

    return DemoCanvas


def _document(*, title: str, subtitle: str, reference: str, story: list[Any], author: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=f"{title} (document de démonstration)",
        author=author,
        subject=reference,
        creator="Quartiers – campagne de démonstration",
        lang="fr",
        # The same bytes at every run (no creation date, no random id): what the upload check
        # read once, it reads again.
        invariant=1,
    )
    document.build([_p(title, TITLE), _p(subtitle, SUBTITLE), *story], canvasmaker=_canvas(reference))
    return buffer.getvalue()


def _table(
    rows: Sequence[Sequence[str]], *, flexible: int, header: bool = True, minimum: dict[int, float] | None = None
) -> Table:
    """Cells as paragraphs (they wrap), columns as wide as their longest word (``column_widths``);
    a table without a header row has its labels in its first column."""
    faces = (FONTS.bold, FONTS.regular)
    if not header:
        minimum = {0: 3.8 * cm, **(minimum or {})}
    widths = pdf.column_widths(rows, WIDTH, font=faces, size=SMALL.fontSize, flexible=flexible, minimum=minimum)
    padding = 12  # a cell's left and right padding (reportlab's default, 6 points each)

    def cell(text: str, row: int, column: int) -> Any:
        """The text as drawn on one line when it fits its column, else a paragraph that wraps
        (a table of a métropole's QPV lays out several times faster so)."""
        style = CELL_HEAD if (header and row == 0) or (not header and column == 0) else SMALL
        drawn = _drawable(text, style.fontName)
        if "\n" not in drawn and stringWidth(drawn, style.fontName, style.fontSize) <= widths[column] - padding:
            return drawn
        return _p(text, style)

    data = [[cell(text, index, column) for column, text in enumerate(row)] for index, row in enumerate(rows)]
    table = Table(data, colWidths=widths, repeatRows=1 if header else 0)
    bold = ((0, 0), (-1, 0)) if header else ((0, 0), (0, -1))
    commands: list[Any] = [
        ("FONT", (0, 0), (-1, -1), SMALL.fontName, SMALL.fontSize, SMALL.leading),
        ("FONT", *bold, CELL_HEAD.fontName, CELL_HEAD.fontSize, CELL_HEAD.leading),
        ("GRID", (0, 0), (-1, -1), 0.4, GREY),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    commands.append(("BACKGROUND", *bold, LIGHT))
    table.setStyle(TableStyle(commands))
    return table


def _territory_story(territory: Territory) -> list[Any]:
    contract = territory.contract
    epci = contract.epci
    rows = [
        ["Contrat de ville", f"{contract.code} – {contract.name}"],
        ["Porteur", f"{contract.get_carrier_type_display()} ({contract.carrier_code})"],
        ["EPCI porteur", f"{epci.name} (SIREN {epci.siren})" if epci is not None else "non rattaché (données 2022)"],
        [
            "Département",
            f"{contract.department.name} ({contract.department.code})"
            if contract.department
            else contract.department_code,
        ],
        ["Communes du périmètre", pdf.number(contract.perimeter_commune_count) or "non renseigné"],
        ["Population des QPV", f"{pdf.number(contract.qpv_population)} habitants"],
    ]
    story: list[Any] = [_table(rows, flexible=1, header=False), Spacer(1, 6)]
    story += _heading(f"Les quartiers prioritaires du contrat ({len(territory.qpvs)})")
    if not territory.qpvs:
        story.append(
            _p(
                "Les données de référence ne rattachent aucun quartier prioritaire à l'EPCI porteur du contrat : "
                f"la population des QPV du contrat ({pdf.number(contract.qpv_population)} habitants) est celle "
                "du fichier de l'ANCT."
            )
        )
        return story
    rows = [["Code", "Quartier prioritaire", "Communes"]]
    rows += [[str(qpv.code), str(qpv.name), ", ".join(commune_names(qpv))] for qpv in territory.qpvs[:QPV_LISTED]]
    story.append(_table(rows, flexible=1))
    if len(territory.qpvs) > QPV_LISTED:
        story.append(_p(f"… et {len(territory.qpvs) - QPV_LISTED} autres quartiers prioritaires du contrat.", SMALL))
    return story


def evaluation_pdf(
    *,
    territory: Territory,
    evaluated_on: dt.date,
    strengths: str,
    improvements: str,
    councils: str,
    councils_on: dt.date,
) -> bytes:
    """The midterm evaluation: the contract, its QPV, the method, findings, and what follows."""
    contract = territory.contract
    epci = territory.epci_name
    communes = territory.communes
    if communes:
        where = f" à {', '.join(communes[:3])}" + (
            " et dans les autres communes du contrat" if len(communes) > 3 else ""
        )
    else:
        where = " dans les quartiers du contrat"
    story: list[Any] = [*_heading("1. Le contrat de ville"), *_territory_story(territory)]
    story += _heading("2. La démarche d'évaluation")
    story += [
        _p(
            f"Conduite sous le pilotage de {epci}, avec l'ensemble des signataires du contrat de ville, "
            "l'évaluation dresse le bilan de ce qui a été fait depuis 2015, de ce qui fonctionne bien, de ce "
            "qui reste à faire et de ce qui pourrait être amélioré. Elle prépare la rénovation du contrat, "
            "prolongé jusqu'en 2022, par un protocole d'engagements renforcés et réciproques."
        ),
        _p(
            f"{councils} ont été consultés le {pdf.long_date(councils_on)}. Trois ateliers ouverts aux "
            f"habitants se sont tenus{where}, ainsi qu'une réunion avec les associations et les adultes-relais "
            "des quartiers."
        ),
    ]
    story += _heading("3. Ce qui fonctionne")
    story += [
        _p(strengths),
        _p(
            "Les actions les plus citées par les habitants sont celles qui se voient au quotidien : "
            "l'accompagnement scolaire, les permanences d'accès aux droits tenues dans les quartiers et les "
            "chantiers de gestion urbaine de proximité menés avec les bailleurs sociaux."
        ),
    ]
    story += _heading("4. Ce qui doit être amélioré")
    story += [
        _p(improvements),
        _p(
            "Les partenaires relèvent aussi un suivi trop dispersé des actions : peu d'indicateurs communs, "
            "des bilans annuels établis par chaque financeur séparément, une information des habitants à "
            "renforcer sur les projets engagés dans leur quartier."
        ),
    ]
    story += _heading("5. Suites proposées pour le protocole")
    story += _bullets(
        [
            "Fixer pour chaque engagement un indicateur, une cible chiffrée et une fréquence de suivi.",
            "Accorder une place majeure au volet enfance et soutien à la parentalité.",
            "Décliner les engagements de l'État et de l'intercommunalité sur les domaines du pacte de Dijon.",
            "Associer les conseils citoyens au suivi annuel du protocole.",
        ]
    )
    return _document(
        title=f"Évaluation à mi-parcours du contrat de ville {contract.code} – {contract.name}",
        subtitle=f"{epci} · établie le {pdf.long_date(evaluated_on)}",
        reference=territory.reference,
        story=story,
        author=epci,
    )


@dataclass(frozen=True)
class Signature:
    """A signatory as the case's parties name it, and the day it signed."""

    role: str
    name: str
    signed_on: dt.date


def _commitments_story(commitments: Sequence[Any]) -> list[Any]:
    if not commitments:
        return [_p("Aucun engagement n'est encore inscrit au protocole.")]
    rows = [["Partie", "Domaine", "Engagement", "Indicateur", "Cible", "Suivi"]]
    for commitment in commitments:
        party = commitment.party_name if commitment.party == "other" else commitment.get_party_display()
        domain = commitment.other_domain if commitment.domain == "other" else commitment.get_domain_display()
        rows.append(
            [
                str(party),
                str(domain),
                str(commitment.text),
                str(commitment.indicator),
                f"{commitment.target_value} en {commitment.target_year}",
                str(commitment.get_frequency_display()),
            ]
        )
    return [_table(rows, flexible=2, minimum={1: 2.9 * cm, 3: 3.4 * cm, 4: 2.1 * cm})]


def protocol_pdf(
    *,
    territory: Territory,
    commitments: Sequence[Any],
    childhood_parenting: str,
    signatories: str,
    dated: dt.date,
    signatures: Sequence[Signature] = (),
) -> bytes:
    """The protocol of reinforced and reciprocal commitments: a draft, or signed (``signatures``)."""
    contract = territory.contract
    signed = bool(signatures)
    story: list[Any] = [
        _p(
            f"Le présent protocole est ajouté au contrat de ville {contract.code}, prolongé jusqu'en 2022. Il "
            "traduit la mobilisation de l'État et celle de chacun des partenaires, dans la logique du pacte de "
            "Dijon : approche globale de l'action publique, différenciation en fonction des territoires, "
            "responsabilisation et évaluation des acteurs. Il s'appuie sur l'évaluation à mi-parcours du contrat."
        ),
        *_heading("1. Le territoire"),
        *_territory_story(territory),
        *_heading("2. Volet enfance et soutien à la parentalité"),
        _p(childhood_parenting or "(non renseigné)"),
        *_heading(f"3. Les engagements réciproques ({len(commitments)})"),
        *_commitments_story(commitments),
        Spacer(1, 4),
        _p(
            "Chaque engagement est suivi à la fréquence indiquée ; les résultats sont présentés aux signataires "
            "et aux conseils citoyens.",
            SMALL,
        ),
        *_heading("4. Les signataires"),
        _p(signatories or "(non renseigné)"),
    ]
    if signed:
        rows = [["Signataire", "Qualité", "Signé le"]]
        rows += [[s.name, s.role, pdf.long_date(s.signed_on)] for s in signatures]
        story.append(
            KeepTogether(
                [
                    _p(f"Fait le {pdf.long_date(dated)}, en autant d'exemplaires que de signataires."),
                    _table(rows, flexible=0, minimum={1: 3.6 * cm, 2: 3.2 * cm}),
                ]
            )
        )
    title = f"Protocole d'engagements renforcés et réciproques – contrat de ville {contract.code} – {contract.name}"
    subtitle = (
        f"Version signée le {pdf.long_date(dated)}"
        if signed
        else f"Projet soumis aux signataires, version du {pdf.long_date(dated)}"
    )
    return _document(
        title=title,
        subtitle=f"{subtitle} · rénovation du contrat de ville (circulaire du 22 janvier 2019, annexe 1)",
        reference=territory.reference,
        story=story,
        author=territory.epci_name,
    )


def signed_page_pdf(*, territory: Territory, signature: Signature, commitments: int) -> bytes:
    """One signatory's signed page of the protocol."""
    contract = territory.contract
    box = Table(
        [[_p("Signature", CELL_HEAD)], [_p("(signature manuscrite – document de démonstration)", SMALL)]],
        colWidths=[8 * cm],
        rowHeights=[None, 2.6 * cm],
    )
    box.hAlign = "LEFT"
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, GREY), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [
        _p(
            f"Protocole d'engagements renforcés et réciproques du contrat de ville {contract.code} – "
            f"{contract.name}, porté par {territory.epci_name} : {commitments} engagement"
            f"{'s' if commitments > 1 else ''} de l'État, de l'intercommunalité et des communes."
        ),
        Spacer(1, 8),
        _table(
            [
                ["Signataire", signature.name],
                ["Qualité", signature.role],
                ["Date de signature", pdf.long_date(signature.signed_on)],
            ],
            flexible=1,
            header=False,
        ),
        Spacer(1, 10),
        _p("Lu et approuvé."),
        Spacer(1, 4),
        box,
    ]
    return _document(
        title=f"Page de signature – {signature.name}",
        subtitle=f"Protocole du contrat de ville {contract.code} · signé le {pdf.long_date(signature.signed_on)}",
        reference=territory.reference,
        story=story,
        author=signature.name,
    )


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    """What a browser's form would send: the file's name, bytes and declared type."""
    return SimpleUploadedFile(name, content, content_type="application/pdf")
