"""The semestrial report: aggregates equal to the sums of the conventions' results, annex 2's
sections, and the PDF and spreadsheet downloads."""

from __future__ import annotations

import datetime
import io
import random

from django.test import Client

import pytest
from openpyxl import load_workbook

from accounts.models import User
from reference.models import CityContract, Department, Qpv
from tests.workflows.paqte.helpers import convention_of
from workflows.cases.runner import transition_run
from workflows.paqte import exports, selectors, services
from workflows.paqte.models import Axis, Company, KeyIndicator, Objective, SemesterResult

pytestmark = pytest.mark.django_db

SIGNED = datetime.date(2019, 3, 1)


def filled_report(agent: User, nord: Department, pas_de_calais: Department, make_user_62: User) -> tuple:
    rng = random.Random(5)
    conventions = [
        convention_of(agent, nord, state="active", signed_on=SIGNED, size=size) for size in ("large", "eti", "pme")
    ]
    specific_pme = convention_of(agent, nord, state="draft", size=Company.Size.TPE)
    services.objective_add(
        user=agent, convention=specific_pme, axis=Axis.HIRING, label="Job dating au centre social", target=5
    )
    specific_pme = transition_run(case=specific_pme, user=agent, name="start_negotiation")
    specific_pme = transition_run(case=specific_pme, user=agent, name="sign", signed_on=SIGNED)
    specific_pme = transition_run(case=specific_pme, user=agent, name="activate")
    conventions.append(specific_pme)
    for convention in conventions:
        for objective in convention.objectives.all():
            for year, semester in ((2019, 1), (2019, 2)):
                services.result_record(
                    user=agent, objective=objective, year=year, semester=semester, value=rng.randint(0, 50)
                )
    # Noise that must not count: another département, a draft convention.
    other = convention_of(make_user_62, pas_de_calais, state="active", signed_on=SIGNED)
    for objective in other.objectives.all():
        services.result_record(user=make_user_62, objective=objective, year=2019, semester=1, value=1000)
    convention_of(agent, nord, state="draft")
    report = services.report_create(user=agent, department=nord, year=2019, semester=1)
    report = services.report_update(
        user=agent,
        report=report,
        organisation="Chargée de mission PAQTE en préfecture",
        pru_count=12,
        job_seekers_qpv=23456,
        partners="FACE Nord, CREPI",
        examples="Forum des métiers à Roubaix",
    )
    return report, conventions


def test_aggregates_equal_the_sum_of_the_conventions_results(
    agent: User, nord: Department, pas_de_calais: Department, make_user
) -> None:
    from accounts.models import Role

    report, conventions = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    data = selectors.report_data(report=report)

    for block in data.axes:
        for line in block.indicators:
            expected_result = sum(
                r.value
                for r in SemesterResult.objects.filter(
                    objective__convention__in=conventions, objective__indicator__code=line.code, year=2019, semester=1
                )
            )
            expected_target = sum(
                o.target for o in Objective.objects.filter(convention__in=conventions, indicator__code=line.code)
            )
            assert (line.result, line.target) == (expected_result, expected_target), line.code
    total = sum(line.result for block in data.axes for line in block.indicators) + sum(
        line.result or 0 for block in data.axes for line in block.specific
    )
    assert total == sum(
        r.value for r in SemesterResult.objects.filter(objective__convention__in=conventions, year=2019, semester=1)
    )
    hiring = next(block for block in data.axes if block.axis == Axis.HIRING)
    assert [(s.label, s.target) for s in hiring.specific] == [("Job dating au centre social", 5)]
    assert data.company_count == 4
    assert sorted(c.siret for c in data.companies) == sorted(c.company.siret for c in conventions)
    assert data.qpv_count == Qpv.objects.filter(department=nord, geography=2015).count() > 0
    assert data.qpv_population == sum(
        CityContract.objects.filter(department=nord).values_list("qpv_population", flat=True)
    )


def test_downloads_carry_the_annex_2_sections(
    agent: User, nord: Department, pas_de_calais: Department, make_user
) -> None:
    from accounts.models import Role

    report, _ = filled_report(agent, nord, pas_de_calais, make_user(Role.AGENT, "62"))
    services.referent_save(
        user=agent,
        department=nord,
        name="Camille Martin",
        function="Chargée de mission",
        email="c.martin@nord.gouv.fr",
        phone="03 20 00 00 00",
    )
    client = Client()
    client.force_login(agent)
    pdf = client.get(f"/paqte/bilans/{report.pk}/bilan.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and 'filename="bilan-paqte-59-2019-S1.pdf"' in pdf["Content-Disposition"]

    xlsx = client.get(f"/paqte/bilans/{report.pk}/bilan.xlsx")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Bilan", "Résultats agrégés", "Entreprises signataires", "Informations"]
    first_column = [row[0] for row in workbook["Bilan"].iter_rows(values_only=True)]
    for title in (
        "Référent du PAQTE (coordonnées)",
        "Organisation retenue de suivi et d'animation du PAQTE",
        "Nombre et liste des entreprises signataires au niveau départemental",
        "Associations et autres acteurs partenaires du déploiement du PAQTE",
        "Nombre de QPV",
        "Nombre de PRU d'intérêt national",
        "Population des QPV du département",
        "Demandeurs d'emploi en fin de mois (DEFM) dans les QPV",
    ):
        assert title in first_column
    bilan = {row[0]: row[1] for row in workbook["Bilan"].iter_rows(values_only=True) if row and row[0]}
    assert str(bilan["Référent du PAQTE (coordonnées)"]).startswith("Camille Martin")
    assert bilan["Demandeurs d'emploi en fin de mois (DEFM) dans les QPV"] == 23456  # a number, not text
    results = list(workbook["Résultats agrégés"].iter_rows(values_only=True))
    data = selectors.report_data(report=report)
    assert results[1:] == [tuple(cell if cell != "" else None for cell in row) for row in exports.result_rows(data)]
    for name in ("Résultats agrégés", "Entreprises signataires"):
        table = workbook[name]
        assert table.freeze_panes == "A2" and table.auto_filter.ref.startswith("A1:E")
        assert all(cell.font.bold for cell in table[1])
    about = {row[0]: row[1] for row in workbook["Informations"].iter_rows(values_only=True)}
    assert str(about["Par"]).endswith(f"<{agent.email}>") and about["Page"] == f"/paqte/bilans/{report.pk}/bilan.xlsx"
    assert len(list(workbook["Entreprises signataires"].iter_rows())) == 1 + data.company_count
    assert KeyIndicator.objects.count() == sum(1 for r in results[1:] if not str(r[1]).startswith("Engagement"))
