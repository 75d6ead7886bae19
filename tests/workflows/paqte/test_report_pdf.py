"""The semestrial report PDF as a reader sees it (poppler renders it to PNG and reads its text):
the State's identity (Marianne block, « Préfet du Nord », title, date), « page x / y » on every
page, numbers in French, no word cut inside a column."""

from __future__ import annotations

import datetime
import re

from django.test import Client

import pytest

from accounts.models import Role, User
from reference.models import Department
from tests.documents import pdf_pages, pdf_to_png, words
from tests.workflows.paqte.helpers import convention_of
from tests.workflows.paqte.test_report import SIGNED, filled_report
from workflows.cases.runner import transition_run
from workflows.paqte import services
from workflows.paqte.models import Axis, Company, KeyIndicator

pytestmark = pytest.mark.django_db


def test_report_pdf_carries_the_state_identity_pages_and_french_numbers(
    agent: User, nord: Department, pas_de_calais: Department, make_user, settings
) -> None:
    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-07-10"
    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    services.report_update(user=agent, report=report, job_seekers_qpv=200000, examples="Forum des métiers\n" * 60)
    client = Client()
    client.force_login(agent)
    response = client.get(f"/paqte/bilans/{report.pk}/bilan.pdf")
    assert response.status_code == 200

    pages = pdf_pages(response.content)
    images = pdf_to_png(response.content, "bilan-paqte-59-2019-S1")
    assert len(images) == len(pages) >= 2  # the long examples push the tables to a second page
    first = words(pages[0])
    for text in ("RÉPUBLIQUE FRANÇAISE", "Liberté Égalité Fraternité", "Préfet du Nord"):
        assert text in first
    assert "Bilan semestriel du PAQTE – Nord (59)" in first
    assert "Le 10 juillet 2019" in first
    for number, page in enumerate(pages, start=1):
        assert f"page {number} / {len(pages)}" in page
    everything = words(" ".join(pages))
    assert "200 000" in everything and not re.search(r"\b200000\b", everything)
    # every unit whole: no « recrutement s » in the narrow column
    for unit in set(KeyIndicator.objects.values_list("unit", flat=True)):
        assert unit in everything
    assert "recrutement s" not in everything


def test_report_pdf_of_a_sent_report_is_dated_the_day_it_was_sent(
    agent: User, nord: Department, pas_de_calais: Department, make_user
) -> None:
    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    report.submitted_at = datetime.datetime(2019, 7, 31, 10, 0, tzinfo=datetime.UTC)
    from workflows.paqte import exports, selectors

    pages = pdf_pages(exports.report_pdf(selectors.report_data(report=report)))
    assert "Le 31 juillet 2019" in words(pages[0])


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("59", "Préfet du Nord"),
        ("80", "Préfet de la Somme"),
        ("02", "Préfet de l'Aisne"),
        ("13", "Préfet des Bouches-du-Rhône"),
        ("75", "Préfet de Paris"),
        ("974", "Préfet de La Réunion"),
    ],
)
def test_the_prefect_is_named_with_the_departement_s_article(code: str, expected: str) -> None:
    from reference import pdf

    assert pdf.prefect_title(Department.objects.get(code=code)) == expected


def test_a_prefecture_headed_by_a_woman_signs_prefete(
    agent: User, nord: Department, pas_de_calais: Department, make_user
) -> None:
    from accounts.models import Organisation
    from workflows.paqte import exports, selectors

    Organisation.objects.filter(department=nord).update(head_title="Préfète")
    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    nord.refresh_from_db()
    first = words(pdf_pages(exports.report_pdf(selectors.report_data(report=report)))[0])
    assert "Préfète du Nord" in first and "Préfet du Nord" not in first


SECTION = (
    "Job dating au centre social de Roubaix, stages de 3e dans les collèges REP+ de Lille-Sud, achats auprès "
    "des entreprises des quartiers\u202f; 120\u202f000\u00a0€ de commandes, l’objectif de l’année est atteint\u202f! "
)
ADDRESS = "https://www.monstagedetroisieme.fr/offres/recherche?departement=59&secteur=batiment&commune=roubaix&rayon=30"


def test_a_long_report_fills_its_pages_and_stays_within_the_margins(
    agent: User, nord: Department, pas_de_calais: Department, make_user, settings
) -> None:
    """Sections of 2,000 to 4,000 characters, an address pasted in a text and in a specific
    commitment (a word wider than its column, or than the page): every word stays inside the 2 cm
    margins (the commitment's column is no longer pushed off the page with the figures beside it),
    no page before the last is left half blank (a heading kept with a whole long text moved it to
    the next page), every section's text is there whole, the figures' headers on two lines."""
    from tests.documents import body_text, outside_margins, pdf_to_png, pdf_words

    settings.QUARTIERS_CAMPAIGN_TODAY = "2019-07-10"
    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    small = convention_of(agent, nord, state="draft", size=Company.Size.TPE)
    label = f"Accueillir des stagiaires de 3e : {ADDRESS}"
    services.objective_add(user=agent, convention=small, axis=Axis.AWARENESS, label=label, target=12)
    small = transition_run(case=small, user=agent, name="start_negotiation")
    small = transition_run(case=small, user=agent, name="sign", signed_on=SIGNED)
    small = transition_run(case=small, user=agent, name="activate")
    sections = {
        "organisation": "\n".join(f"{n}. {SECTION * 6}"[:990] for n in range(3)),
        "examples": "\n".join(f"{n}. {SECTION * 6}"[:660] for n in range(6)),
        "strategy": (SECTION * 10)[:2000],
        "partners": f"FACE Nord, CREPI Hauts-de-France, Pôle emploi\n{ADDRESS}{ADDRESS}",
    }
    services.report_update(user=agent, report=report, **sections)
    client = Client()
    client.force_login(agent)
    content = client.get(f"/paqte/bilans/{report.pk}/bilan.pdf").content
    pdf_to_png(content, "bilan-paqte-59-2019-S1-long")
    layout = pdf_words(content)
    margin = 2 * 72 / 2.54
    assert len(layout) >= 3
    assert outside_margins(layout, margin=margin) == []
    for page in layout[:-1]:
        lowest = max(word.y_max for word in page.words if word.y_max < page.height - margin)
        assert lowest > page.height - margin - 90, (page.words[0].page, lowest)  # at most ~6 lines blank
    pages = pdf_pages(content)
    text = body_text(pages, "Bilan semestriel du PAQTE – Nord (59) – 1er semestre 2019")
    for name in ("organisation", "examples", "strategy"):
        for paragraph in sections[name].split("\n"):
            assert words(paragraph.replace("\u202f", " ").replace("\xa0", " ")) in text, name
    assert re.findall(r"\?(?!departement)", text) == []  # only the address's own: no « ? » for a narrow space
    assert "quartiers ; 120 000 € de commandes" in text and "atteint !" in text
    assert "Engagement spécifique" in text and "stagiaires de 3e" in text
    assert re.search(r"Cible des\s+Réalisé au", " ".join(pages))  # two lines, not three
