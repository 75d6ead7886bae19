"""The run command's living 2019 campaign: built through the real services, idempotent, and
each demo account's home shows work to do, counted from the campaign's clock."""

from __future__ import annotations

import io
import re
from typing import Any
from unittest import mock

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import Client, override_settings

import pytest

from accounts.management.commands.seed_demo import DEMO_ACCOUNTS
from accounts.models import User
from notifications.campaign import campaign_calendar, campaign_today
from notifications.models import Deadline
from reference.models import Qpv
from tests.documents import outside_margins, pdf_pages, pdf_words, words
from workflows.cases.parties import Party
from workflows.models import Renewal, RenewalDocument
from workflows.paqte.models import PaqteConvention, SemesterResult
from workflows.steering.models import Meeting
from workflows.synthesis.models import Synthesis
from workflows.uploads import upload_check

pytestmark = pytest.mark.django_db(transaction=False)

MARGIN = 2 * 72 / 2.54  # the documents' 2 cm side margins, in points
CASE_LINK = re.compile(r'href="/(circuits|renovations|paqte|syntheses|pilotage|departements)/[^"]*\d')


def demo_run() -> str:
    out = io.StringIO()
    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=io.StringIO())
        call_command("demo_campaign", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo() -> str:
    return demo_run()


def test_the_demo_campaign_is_true_and_idempotent(demo: str) -> None:
    calendar = campaign_calendar()
    assert campaign_today() > calendar.renewal_signature
    states = set(Renewal.objects.values_list("state", flat=True))
    assert {"evaluation", "negotiation", "prefect_validation", "cget_review", "signed"} <= states
    assert Renewal.objects.exclude(return_comment="").exists()
    assert PaqteConvention.objects.filter(state="active").exists() and SemesterResult.objects.exists()
    assert Synthesis.objects.filter(state="approved").exists()
    assert Meeting.objects.filter(kind="service_heads", state="held", department__code="59").exists()
    late = Deadline.objects.filter(due_on__lt=campaign_today(), met_at__isnull=True, department__code="59")
    assert late.exists()

    def counts() -> tuple[int, ...]:
        models = (Renewal, PaqteConvention, Deadline, RenewalDocument, Party)
        return tuple(model.objects.count() for model in models)

    before = counts()
    with override_settings(DEBUG=True):
        call_command("demo_campaign", stdout=io.StringIO())
    assert counts() == before  # no document deposited twice


def test_each_demo_account_s_home_shows_work_to_do(demo: str) -> None:
    for email, *_ in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page = client.get("/", follow=True).content.decode()
        assert 'id="campaign-clock"' in page, email
        assert CASE_LINK.search(page), email
        assert "2680 jours" not in page and "Aucune tâche" not in page, email


def test_the_demo_s_records_are_dated_in_the_campaign(demo: str) -> None:
    from viewflow.workflow.models import Task

    year = campaign_calendar().first_year
    created = {t.created.date() for t in Task.objects.all()}
    assert {day.year for day in created} == {year} and len(created) > 10  # each on its own day
    # A synthesis sent on time is not counted late (its « transmis le » is a campaign day).
    assert not Synthesis.objects.get(department__code="59").is_late(campaign_today())


def test_each_document_the_demo_deposits_is_a_readable_pdf_about_its_case() -> None:
    """The evaluations, the draft and signed protocols and the signatories' signed pages are PDFs
    a reader sees text in: their case's contract, its QPV, the protocol's commitments, the
    signatory; each says it is a demonstration document, and each went through the upload check
    of a user's deposit (``workflows.uploads.upload_check``, called by the services)."""
    checked: list[str] = []

    def spy(*, upload: Any, **kwargs: Any) -> str:
        checked.append(upload.name)
        return upload_check(upload=upload, **kwargs)

    with (
        mock.patch("workflows.renewal.services.upload_check", spy),
        mock.patch("workflows.cases.party_services.upload_check", spy),
    ):
        out = demo_run()
    assert f"{len(checked)} documents PDF déposés" in out

    documents = list(RenewalDocument.objects.select_related("renewal__city_contract").order_by("pk"))
    renewal_type = ContentType.objects.get_for_model(Renewal)
    parties = list(Party.objects.filter(case_type=renewal_type, state="signed").order_by("pk"))
    assert {document.kind for document in documents} == {"evaluation", "protocol", "signed_protocol"}
    assert len(parties) >= 6  # the EPCI, mayors and prefect of each signed protocol
    files = [(document.renewal, document.file, document.original_name, document.kind) for document in documents]
    files += [(Renewal.objects.get(pk=party.case_id), party.proof, party.proof_name, "page") for party in parties]
    assert sorted(checked) == sorted(name for *_, name, _kind in files)  # each through the check, once

    listed = 0  # the QPV named, all documents together
    for renewal, stored, name, kind in files:
        with stored.open("rb") as handle:
            content = handle.read()
        assert content.startswith(b"%PDF-"), name
        text = words(" ".join(pdf_pages(content)))
        seen = {word.text for page in pdf_words(content) for word in page.words}
        contract = renewal.city_contract
        assert f"Contrat de ville {contract.code}" in text, name
        assert set(contract.name.split()) <= seen, name
        pages = len(re.findall(r"page \d+ / \d+", text))
        assert text.count("DOCUMENT DE DÉMONSTRATION") == text.count("sans valeur officielle") == pages >= 1, name
        assert not outside_margins(pdf_words(content), MARGIN), name
        if kind == "evaluation":
            assert f"Évaluation à mi-parcours du contrat de ville {contract.code}" in text, name
            assert "Ce qui fonctionne" in text and renewal.evaluation_strengths in text, name
        if kind in ("evaluation", "protocol", "signed_protocol"):
            qpvs = Qpv.objects.filter(geography=Qpv.Geography.G2015, epcis=contract.epci_id)[:25]
            assert all(qpv.code in text and set(qpv.name.split()) <= seen for qpv in qpvs), name
            listed += len(qpvs)
        if kind in ("protocol", "signed_protocol"):
            assert "Protocole d'engagements renforcés et réciproques" in text, name
            for commitment in renewal.commitments.all():
                assert set(commitment.text.split()) <= seen, (name, commitment.text)
        if kind == "signed_protocol":
            for party in Party.objects.filter(case_type=renewal_type, case_id=renewal.pk):
                assert set(party.name.split()) <= seen, (name, party.name)
        if kind == "page":
            party = next(p for p in parties if p.proof_name == name)
            assert f"Page de signature – {party.name}" in text and "Lu et approuvé" in text, name
    assert listed > 20  # most of the demo's contracts have their QPV in the reference data
