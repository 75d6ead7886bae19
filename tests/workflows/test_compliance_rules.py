"""The compliance checklist (``workflows.cases.compliance``): each rule quotes its source word for
word, and each is tested on its own: broken, it shows on the checklist and, if blocking, refuses
the submission through the kernel's runner with its quoted sentence."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from django.conf import settings
from django.test import Client

import pytest

from accounts.models import Role, User
from notifications.campaign import campaign_today
from reference.models import CityContract, Department
from tests.conftest import MakeUser
from tests.workflows.paqte.helpers import company_of
from tests.workflows.renewal.helpers import PROTOCOL, add_commitment, fresh, open_task, renewal_in
from tests.workflows.synthesis.helpers import at_length, complete_parts
from workflows.cases.compliance import checklist, rule_get, rules_for
from workflows.cases.registry import kind_for_code
from workflows.cases.runner import transition_run
from workflows.models import Commitment, Renewal, RenewalState
from workflows.paqte import services as paqte
from workflows.paqte.models import Company, KeyIndicator, Objective, PaqteConvention
from workflows.paqte.transitions import PaqteError
from workflows.renewal.services import RenewalRefused, renewal_task_complete
from workflows.synthesis.models import TOTAL_MAX_CHARS
from workflows.synthesis.services import SynthesisError, synthesis_save

pytestmark = pytest.mark.django_db

SOURCES = Path(settings.BASE_DIR) / "reference" / "data" / "sources"
KINDS = ["renewal", "paqte-convention", "paqte-report", "synthesis"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("*", "")).strip()


def _status(case: object, code: str) -> str:
    return next(f.status for f in checklist(case) if f.rule.code == code)


# --- The rules as data -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_quote_is_in_its_source_word_for_word(kind: str) -> None:
    circular = _flat((SOURCES / "circulaire_2019-01-22.txt").read_text())
    note = _flat((SOURCES / "note_france_urbaine_adcf_2018-07.txt").read_text())
    assert rules_for(kind)
    for rule in rules_for(kind):
        text = note if rule.source.startswith("note France urbaine") else circular
        assert rule.source.startswith(("circulaire du 22 janvier 2019", "note France urbaine")), rule.code
        assert _flat(rule.quote) in text, rule.code
        assert rule.severity in ("blocking", "advice") and kind_for_code(rule.applies_to) is not None


# --- Renovation --------------------------------------------------------------------------------


@pytest.fixture
def negotiation(make_user: MakeUser) -> tuple[User, Renewal]:
    agent = make_user(Role.AGENT, "59")
    renewal = renewal_in(RenewalState.NEGOTIATION, agent=agent)
    add_commitment(renewal)
    return agent, fresh(renewal)


def _build(agent: User, renewal: Renewal, **fields: str) -> None:
    renewal_task_complete(task_pk=open_task(renewal, "build_protocol").pk, user=agent, fields={**PROTOCOL, **fields})


def test_removing_the_volet_enfance_blocks_the_submission_with_the_quoted_sentence(
    negotiation: tuple[User, Renewal],
) -> None:
    agent, renewal = negotiation
    with pytest.raises(RenewalRefused) as refused:
        _build(agent, renewal, childhood_parenting="  ")
    assert refused.value.reasons == [
        "Le volet enfance et soutien à la parentalité est présent : « Vous accorderez une place majeure au volet "
        "enfance et soutien à la parentalité. » (circulaire du 22 janvier 2019, annexe 1). Le volet enfance et "
        "soutien à la parentalité du protocole est vide."
    ]
    assert fresh(renewal).state == RenewalState.NEGOTIATION
    assert _status(fresh(renewal), "renewal-childhood-parenting") == "bloquant"
    _build(agent, renewal)
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION
    assert _status(fresh(renewal), "renewal-childhood-parenting") == "conforme"


def test_a_commitment_without_indicator_blocks_and_is_named(negotiation: tuple[User, Renewal]) -> None:
    agent, renewal = negotiation
    Commitment.objects.filter(renewal=renewal).update(indicator=" ", frequency="")
    with pytest.raises(RenewalRefused) as refused:
        _build(agent, renewal)
    (reason,) = refused.value.reasons
    assert "« partage des objectifs à atteindre en 2020/2021 (avec indicateurs de suivi très précis" in reason
    assert "engagement n° 1" in reason and "l'indicateur, la fréquence de suivi" in reason
    assert fresh(renewal).state == RenewalState.NEGOTIATION


def test_a_merged_contract_of_another_department_blocks(negotiation: tuple[User, Renewal]) -> None:
    agent, renewal = negotiation
    assert _status(renewal, "renewal-perimeter-merged-contracts") == "non applicable"
    other = CityContract.objects.filter(department__code="62").order_by("code").first()
    assert other is not None
    renewal.merged_contracts.add(other)
    with pytest.raises(RenewalRefused) as refused:
        _build(agent, renewal)
    (reason,) = refused.value.reasons
    assert "la rénovation des contrats de ville permettra d'en faire évoluer le périmètre" in reason
    assert f"{other.code} relève d'un autre département" in reason
    renewal.merged_contracts.set(CityContract.objects.filter(department__code="59").order_by("code")[1:3])
    _build(agent, renewal)
    assert _status(fresh(renewal), "renewal-perimeter-merged-contracts") == "conforme"


def test_the_dijon_domains_and_the_major_projects_are_advice_that_never_blocks(
    negotiation: tuple[User, Renewal],
) -> None:
    agent, renewal = negotiation
    findings = {f.rule.code: f for f in checklist(renewal)}
    assert findings["renewal-dijon-domains"].status == "à revoir"
    assert "Aucun engagement sur : " in findings["renewal-dijon-domains"].detail
    assert findings["renewal-major-projects"].status == "à revoir"
    _build(agent, renewal)  # not refused
    assert fresh(renewal).state == RenewalState.PREFECT_VALIDATION
    Renewal.objects.filter(pk=renewal.pk).update(urban_renewal_project="NPNRU Lille-Sud")
    assert _status(fresh(renewal), "renewal-major-projects") == "conforme"


def test_the_evaluation_rules_read_the_recorded_evaluation(negotiation: tuple[User, Renewal]) -> None:
    _agent, renewal = negotiation
    assert _status(renewal, "renewal-midterm-evaluation") == "conforme"
    assert _status(renewal, "renewal-citizens-councils") == "conforme"
    Renewal.objects.filter(pk=renewal.pk).update(councils_consulted="")
    assert _status(fresh(renewal), "renewal-citizens-councils") == "bloquant"


def test_case_page_and_cget_review_show_the_checklist(make_user: MakeUser) -> None:
    agent, validator = make_user(Role.AGENT, "59"), make_user(Role.PREFECT_VALIDATOR, "59")
    cget = make_user(Role.CGET_REFERENT)
    renewal = renewal_in(RenewalState.CGET_REVIEW, agent=agent, validator=validator, referent=cget)
    client = Client()
    client.force_login(cget)
    task = open_task(renewal, "review")
    for url in (f"/renovations/{renewal.pk}/", f"/circuits/{task.process_id}/taches/{task.pk}/"):
        body = client.get(url).content.decode()
        assert "Conformité à la circulaire" in body, url
        assert "Vous accorderez une place majeure au volet enfance et soutien à la parentalité." in body
        assert 'data-rule="renewal-dijon-domains" data-status="à revoir"' in body
    other = Client()
    other.force_login(make_user(Role.AGENT, "62"))
    assert other.get(f"/renovations/{renewal.pk}/").status_code == 404


# --- PAQTE convention --------------------------------------------------------------------------


def _indicators(*axes: str) -> list[KeyIndicator]:
    found: dict[str, KeyIndicator] = {}
    for indicator in KeyIndicator.objects.order_by("position"):
        found.setdefault(indicator.axis, indicator)
    return [found[axis] for axis in axes]


def _negotiated(agent: User, nord: Department, size: str, axes: list[str], label: str = "") -> PaqteConvention:
    convention = paqte.convention_create(user=agent, company=company_of(size), department=nord)
    for indicator in _indicators(*axes):
        paqte.objective_add(user=agent, convention=convention, indicator=indicator, target=5)
    if label:  # written directly: the service refuses it to a large company (a charter's migration may bring one)
        Objective.objects.create(convention=convention, axis="hiring", label=label, target=2)
    return transition_run(case=convention, user=agent, name="start_negotiation")


def test_a_large_company_on_three_axes_is_not_signed(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.PAQTE_REFERENT, "59")
    convention = _negotiated(agent, nord, Company.Size.LARGE, ["awareness", "training", "hiring"])
    with pytest.raises(PaqteError) as refused:
        transition_run(case=convention, user=agent, name="sign", signed_on=paqte_today())
    (reason,) = refused.value.reasons
    assert "après avoir défini pour chaque axe des objectifs associés aux indicateurs clés prédéfinis" in reason
    assert reason.endswith("Il manque un objectif sur un indicateur clé pour : Acheter.")
    assert _status(convention, "paqte-four-axes") == "bloquant"


def test_an_eti_s_specific_commitment_is_refused_a_pme_s_is_not(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.PAQTE_REFERENT, "59")
    four = ["awareness", "training", "hiring", "purchasing"]
    eti = _negotiated(agent, nord, Company.Size.ETI, four, label="Parrainage de créateurs")
    with pytest.raises(PaqteError) as refused:
        transition_run(case=eti, user=agent, name="sign", signed_on=paqte_today())
    assert "le PAQTE définit des indicateurs clés sur lesquels les entreprises s'engagent" in str(refused.value)
    pme = _negotiated(agent, nord, Company.Size.PME, ["hiring"], label="Parrainage de créateurs")
    assert _status(pme, "paqte-four-axes") == "non applicable"
    signed = transition_run(case=pme, user=agent, name="sign", signed_on=paqte_today())
    assert signed.state == "signed"


def paqte_today() -> datetime.date:
    return campaign_today()


# --- Semestrial report -------------------------------------------------------------------------


def test_the_report_s_figures_block_the_other_rubrics_of_annex_2_advise(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.PAQTE_REFERENT, "59")
    report = paqte.report_create(user=agent, department=nord, year=2019, semester=1)
    report = paqte.report_update(user=agent, report=report, organisation="Chargé de mission", pru_count=3)
    with pytest.raises(PaqteError) as refused:
        transition_run(case=report, user=agent, name="send_to_validation")
    assert refused.value.reasons == [rule_get("paqte-report-quantitative-qualitative").refusal(report)]
    assert refused.value.reasons[0].endswith(
        "Il manque : « Nombre de demandeurs d'emplois en fin de mois (DEFM) dans les QPV »."
    )
    report = paqte.report_update(user=agent, report=report, job_seekers_qpv=100)
    findings = {f.rule.code: f for f in checklist(report)}
    assert findings["paqte-report-annex-2-format"].status == "à revoir"
    assert "« Référent du PAQTE (coordonnées) »" in findings["paqte-report-annex-2-format"].detail
    assert findings["paqte-report-strategy"].status == "à revoir"
    assert transition_run(case=report, user=agent, name="send_to_validation").state == "prefect_validation"
    paqte.referent_save(user=agent, department=nord, name="C. Martin", function="R", email="c@nord.gouv.fr", phone="1")
    fresh_report = type(report).objects.get(pk=report.pk)
    assert "Référent" not in {f.rule.code: f for f in checklist(fresh_report)}["paqte-report-annex-2-format"].detail


# --- Synthesis ---------------------------------------------------------------------------------


def test_the_synthesis_s_four_parts_and_five_pages(make_user: MakeUser, nord: Department) -> None:
    agent = make_user(Role.AGENT, "59")
    parts = complete_parts()
    parts["difficulties"] = ""
    synthesis = synthesis_save(user=agent, department=nord, year=2019, **parts)
    assert _status(synthesis, "synthesis-four-parts") == "bloquant"
    with pytest.raises(SynthesisError, match="« une synthèse de cinq pages sur les démarches engagées"):
        transition_run(user=agent, case=synthesis, name="send_to_validation")
    synthesis = synthesis_save(user=agent, department=nord, year=2019, **at_length(TOTAL_MAX_CHARS))
    assert _status(synthesis, "synthesis-five-pages") == "conforme"
    assert transition_run(user=agent, case=synthesis, name="send_to_validation").state == ("prefect_validation")


def test_the_case_read_by_its_page_knows_its_merged_contracts_without_a_query_of_their_own(
    negotiation: tuple[User, Renewal],
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from workflows.renewal.selectors import renewal_get

    agent, renewal = negotiation

    def perimeter() -> tuple[str, int]:
        read = renewal_get(user=agent, pk=renewal.pk)
        with CaptureQueriesContext(connection) as captured:
            status = _status(read, "renewal-perimeter-merged-contracts")
        asked = sum('"workflows_renewal_merged_contracts"' in query["sql"] for query in captured.captured_queries)
        return status, asked

    assert perimeter() == ("non applicable", 0)
    other = CityContract.objects.filter(department__code="62").order_by("code").first()
    assert other is not None
    renewal.merged_contracts.add(other)
    status, _asked = perimeter()
    assert status != "non applicable"  # read with the case: the rule applies, its problems listed
    renewal.merged_contracts.clear()
    assert perimeter() == ("non applicable", 0)
    # A case read otherwise (a locked copy) asks the database.
    assert _status(fresh(renewal), "renewal-perimeter-merged-contracts") == "non applicable"
