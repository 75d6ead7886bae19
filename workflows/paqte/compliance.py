"""The compliance rules of the PAQTE cases, from annex 2 of the circular of 22 January 2019
(``reference/data/sources/``: each quote is checked there, word for word, by
``tests/workflows/test_compliance_rules.py``).

A convention's objectives refuse « Enregistrer la signature »; the semestrial report's figures and
organisation refuse its sending to the prefect and to the CGET, the other rubrics of annex 2's
format are advice (``checklist=True`` in
``workflows.paqte.transitions`` and ``workflows.submissions.transitions``).
"""

from __future__ import annotations

from typing import Any

from workflows.cases.compliance import Rule, rules_register
from workflows.cases.parties import missing_parties, parties_of
from workflows.paqte.models import Axis

ANNEX_2_DEPLOYMENT = "circulaire du 22 janvier 2019, annexe 2, « 2. Mise en œuvre territoriale »"
ANNEX_2_PRESENTATION = "circulaire du 22 janvier 2019, annexe 2, « 1. Présentation du PAQTE »"


# --- Convention ------------------------------------------------------------------------------


def _missing_axes(convention: Any) -> list[str]:
    covered = {o.axis for o in convention.objectives.all() if o.indicator_id is not None}
    return [str(label) for value, label in Axis.choices if value not in covered]


def _off_indicator(convention: Any) -> list[str]:
    return [o.label for o in convention.objectives.all() if o.indicator_id is None]


def _key_indicators_hold(convention: Any) -> bool:
    if not convention.objectives.exists():
        return False
    return not (convention.company.commits_on_all_axes and _off_indicator(convention))


def _key_indicators_missing(convention: Any) -> str:
    if not convention.objectives.exists():
        return "La convention ne comporte encore aucun objectif."
    return (
        f"Une entreprise de taille « {convention.company.get_size_display()} » s'engage sur les indicateurs clés ; "
        "engagements spécifiques à remplacer : "
        + " ; ".join(f"« {label} »" for label in _off_indicator(convention))
        + "."
    )


CONVENTION_RULES = (
    Rule(
        code="paqte-four-axes",
        title="Une grande entreprise ou une ETI s'engage sur les quatre axes",
        quote=(
            "Vous signerez une convention PAQTE triannuelle avec chaque entreprise, après avoir défini pour chaque axe "
            "des objectifs associés aux indicateurs clés prédéfinis."
        ),
        source=ANNEX_2_DEPLOYMENT,
        severity="blocking",
        applies_to="paqte-convention",
        # « Pour tenir compte des spécificités des PME et TPE, il est possible de ne retenir que
        # certains des axes du PAQTE » (same paragraph): the rule is for the large companies and ETIs.
        applies=lambda convention: convention.company.commits_on_all_axes,
        holds=lambda convention: not _missing_axes(convention),
        missing=lambda convention: (
            "Il manque un objectif sur un indicateur clé pour : " + ", ".join(_missing_axes(convention)) + "."
        ),
        guard="has_valid_commitments",
    ),
    Rule(
        code="paqte-key-indicators",
        title="Les objectifs portent sur les indicateurs clés",
        quote=(
            "Pour chacun de ces axes, le PAQTE définit des indicateurs clés sur lesquels les entreprises s'engagent, "
            "qui sont disponibles à l'adresse suivante"
        ),
        source=ANNEX_2_PRESENTATION,
        severity="blocking",
        applies_to="paqte-convention",
        holds=_key_indicators_hold,
        missing=_key_indicators_missing,
        guard="has_valid_commitments",
    ),
    Rule(
        code="paqte-parties-signed",
        title="Chaque signataire obligatoire a signé",
        quote="Vous signerez une convention PAQTE triannuelle avec chaque entreprise",
        source=ANNEX_2_DEPLOYMENT,
        severity="blocking",
        applies_to="paqte-convention",
        # Once the parties are listed: an empty list is the rule below's finding, not a « conforme ».
        applies=lambda convention: (
            convention.state in ("negotiation", "signed", "active") and parties_of(convention).exists()
        ),
        holds=lambda convention: not missing_parties(convention),
        missing=lambda convention: (
            "Signature manquante : " + " ; ".join(str(p) for p in missing_parties(convention)) + "."
        ),
    ),
    Rule(
        code="paqte-parties-listed",
        title="Les signataires de la convention sont listés (le préfet, l'entreprise)",
        quote="Vous signerez une convention PAQTE triannuelle avec chaque entreprise",
        source=ANNEX_2_DEPLOYMENT,
        # Advice: a convention signed before the parties were kept here names them in its text.
        severity="advice",
        applies_to="paqte-convention",
        applies=lambda convention: convention.state in ("negotiation", "signed", "active"),
        holds=lambda convention: parties_of(convention).exists(),
        missing=lambda convention: (
            "Aucun signataire n'est listé : ajoutez-les dans « Signataires » pour suivre et relancer chacun."
        ),
    ),
)


# --- Semestrial report ---------------------------------------------------------------------------


# The fields of annex 2's format the prefecture writes (the companies, their aggregated results and
# the QPV figures come from the data): (the annex's words, is it filled?).
def _format_fields(report: Any) -> list[tuple[str, bool]]:
    referent = getattr(report.department, "paqte_referent", None) if report.department_id else None
    return [
        ("Référent du PAQTE (coordonnées)", bool(referent and referent.name and referent.email)),
        ("Organisation retenue de suivi et d'animation du PAQTE", bool(report.organisation.strip())),
        ("Associations et autres acteurs partenaires du déploiement du PAQTE", bool(report.partners.strip())),
        ("des exemples concrets d'actions réalisées", bool(report.examples.strip())),
        ("Nombre de QPV, de PRU d'intérêt national", report.pru_count is not None),
        ("Nombre de demandeurs d'emplois en fin de mois (DEFM) dans les QPV", report.job_seekers_qpv is not None),
    ]


def _format_missing(report: Any) -> str:
    missing = [label for label, filled in _format_fields(report) if not filled]
    return "Il manque : " + " ; ".join(f"« {label} »" for label in missing) + "." if missing else ""


def _essentials_missing(report: Any) -> str:
    missing = []
    if not report.organisation.strip():
        missing.append("« Organisation retenue de suivi et d'animation du PAQTE »")
    if report.pru_count is None:
        missing.append("le nombre de PRU d'intérêt national")
    if report.job_seekers_qpv is None:
        missing.append("« Nombre de demandeurs d'emplois en fin de mois (DEFM) dans les QPV »")
    return "Il manque : " + " ; ".join(missing) + "." if missing else ""


REPORT_RULES = (
    Rule(
        code="paqte-report-quantitative-qualitative",
        title="Le bilan est quantitatif et qualitatif : organisation retenue, PRU et demandeurs d'emploi des QPV",
        quote=(
            "Par la suite, vous ferez remonter tous les six mois un bilan quantitatif et qualitatif de la montée en "
            "charge du PAQTE"
        ),
        source=ANNEX_2_DEPLOYMENT,
        severity="blocking",
        applies_to="paqte-report",
        holds=lambda report: report.is_complete(),
        missing=_essentials_missing,
        guard="is_complete",
    ),
    Rule(
        code="paqte-report-annex-2-format",
        title="Le bilan renseigne chaque rubrique du format de l'annexe 2",
        quote="Vous pourrez utiliser le format suivant :",
        source=ANNEX_2_DEPLOYMENT,
        # Advice: the circular offers the format (« pourrez »); the blocking part is the rule above.
        severity="advice",
        applies_to="paqte-report",
        holds=lambda report: all(filled for _label, filled in _format_fields(report)),
        missing=_format_missing,
    ),
    Rule(
        code="paqte-report-strategy",
        title="Le bilan fait état de la stratégie et des obstacles",
        quote=(
            "qui fera état de la stratégie que vous avez définie et des éventuels obstacles que vous rencontrez dans "
            "sa mise en place."
        ),
        source=ANNEX_2_DEPLOYMENT,
        severity="advice",
        applies_to="paqte-report",
        holds=lambda report: bool(report.strategy.strip()),
        missing=lambda report: "Renseignez la rubrique « stratégie et obstacles rencontrés ».",
    ),
)

rules_register(*CONVENTION_RULES, *REPORT_RULES)
