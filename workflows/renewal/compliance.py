"""The compliance rules of a renovation's protocole d'engagements renforcés et réciproques, from
annex 1 of the circular of 22 January 2019 and from the France urbaine / AdCF note of July 2018
(``reference/data/sources/``: each quote is checked there, word for word, by
``tests/workflows/test_compliance_rules.py``).

The blocking ones refuse « Transmettre le protocole au préfet » and « Valider le protocole et le
transmettre au CGET » (``checklist=True`` in ``workflows.renewal.transitions``) with their quoted
sentence; the advice is shown on the case page and beside the CGET's decision.
"""

from __future__ import annotations

from typing import Any

from workflows.cases.compliance import Rule, rules_register
from workflows.cases.parties import missing_parties, parties_of
from workflows.renewal.models import Commitment
from workflows.renewal.models.protocol import DIJON_DOMAINS, DijonDomain
from workflows.renewal.selectors import MERGED_ANY

KIND = "renewal"
CIRCULAR_ANNEX_1 = "circulaire du 22 janvier 2019, annexe 1"
NOTE = "note France urbaine – AdCF de juillet 2018, « La méthode et le calendrier de travail », étape 2"


def _evaluation_missing(renewal: Any) -> str:
    missing = []
    if not renewal.evaluation_date:
        missing.append("la date de l'évaluation")
    if not renewal.evaluation_strengths.strip():
        missing.append("ce qui fonctionne")
    if not renewal.evaluation_improvements.strip():
        missing.append("ce qui doit être amélioré")
    if not renewal.has_evaluation_document():
        missing.append("le document d'évaluation")
    return "Il manque : " + ", ".join(missing) + "." if missing else ""


def _has_evaluation(renewal: Any) -> bool:
    return bool(renewal.has_evaluation_summary() and renewal.has_evaluation_document())


def _covered_domains(renewal: Any) -> set[str]:
    return {commitment.domain for commitment in renewal.commitments.all()}


def _domains_missing(renewal: Any) -> str:
    covered = _covered_domains(renewal)
    missing = [str(domain.label) for domain in DIJON_DOMAINS if domain not in covered]
    if not missing:
        return ""
    return (
        "Aucun engagement sur : " + ", ".join(missing) + ". Dites dans le protocole pourquoi ces domaines ne sont pas "
        "retenus (par exemple dans « Autres grands projets »)."
    )


def _incomplete_commitments(renewal: Any) -> list[str]:
    """Each commitment lacking its party, indicator, target or follow-up frequency, named."""
    found = []
    for number, commitment in enumerate(renewal.commitments.all(), start=1):
        missing = []
        if not commitment.party or (commitment.party == Commitment.Party.OTHER and not commitment.party_name.strip()):
            missing.append("la partie")
        if not commitment.indicator.strip():
            missing.append("l'indicateur")
        if not str(commitment.target_value).strip() or not commitment.target_year:
            missing.append("la cible")
        if not commitment.frequency:
            missing.append("la fréquence de suivi")
        if commitment.domain == DijonDomain.OTHER and not commitment.other_domain.strip():
            missing.append("le domaine")
        if missing:
            found.append(f"engagement n° {number} (« {commitment.text[:60]} ») : " + ", ".join(missing))
    return found


def _commitments_missing(renewal: Any) -> str:
    if not renewal.commitments.exists():
        return "Le protocole ne contient aucun engagement."
    incomplete = _incomplete_commitments(renewal)
    return ("Incomplet : " + " ; ".join(incomplete) + ".") if incomplete else ""


def _has_complete_commitments(renewal: Any) -> bool:
    return bool(renewal.commitments.exists()) and not _incomplete_commitments(renewal)


def _has_major_projects(renewal: Any) -> bool:
    return any(
        text.strip()
        for text in (renewal.urban_renewal_project, renewal.educational_city_project, renewal.other_major_projects)
    )


def _merges_contracts(renewal: Any) -> bool:
    """Whether the case names merged contracts: read with the case by ``renewal_get``
    (``selectors.MERGED_ANY``), else asked now (a case read otherwise, a locked copy)."""
    known = renewal.__dict__.get(MERGED_ANY)
    return bool(known) if known is not None else bool(renewal.merged_contracts.exists())


def _merged_problems(renewal: Any) -> list[str]:
    problems = []
    for contract in renewal.merged_contracts.all():
        if contract.pk == renewal.city_contract_id:
            problems.append(f"{contract.code} est le contrat rénové lui-même")
        elif renewal.department_id is not None and contract.department_id not in (None, renewal.department_id):
            problems.append(f"{contract.code} relève d'un autre département")
        elif contract.merged_into_renewals.exclude(pk=renewal.pk).exists():
            problems.append(f"{contract.code} est déjà réuni dans une autre rénovation")
    return problems


RULES = (
    Rule(
        code="renewal-midterm-evaluation",
        title="La rénovation s'appuie sur l'évaluation à mi-parcours",
        quote="Elle s'appuiera sur l'évaluation à mi-parcours et associera les conseils citoyens.",
        source=CIRCULAR_ANNEX_1,
        severity="blocking",
        applies_to=KIND,
        holds=_has_evaluation,
        missing=_evaluation_missing,
    ),
    Rule(
        code="renewal-citizens-councils",
        title="Les conseils citoyens sont associés",
        quote="Elle s'appuiera sur l'évaluation à mi-parcours et associera les conseils citoyens.",
        source=CIRCULAR_ANNEX_1,
        severity="blocking",
        applies_to=KIND,
        holds=lambda renewal: renewal.has_consulted_councils(),
        missing=lambda renewal: "Indiquez la date de consultation et les conseils citoyens consultés.",
    ),
    Rule(
        code="renewal-childhood-parenting",
        title="Le volet enfance et soutien à la parentalité est présent",
        quote="Vous accorderez une place majeure au volet enfance et soutien à la parentalité.",
        source=CIRCULAR_ANNEX_1,
        severity="blocking",
        applies_to=KIND,
        holds=lambda renewal: renewal.has_childhood_parenting(),
        missing=lambda renewal: "Le volet enfance et soutien à la parentalité du protocole est vide.",
        guard="has_childhood_parenting",
    ),
    Rule(
        code="renewal-commitments-complete",
        title="Chaque engagement a sa partie, son indicateur, sa cible et sa fréquence de suivi",
        quote=(
            "partage des objectifs à atteindre en 2020/2021 (avec indicateurs de suivi très précis, alimentant "
            "également la conférence régionale)"
        ),
        source=NOTE,
        severity="blocking",
        applies_to=KIND,
        holds=_has_complete_commitments,
        missing=_commitments_missing,
        guard="has_commitment",
    ),
    Rule(
        code="renewal-dijon-domains",
        title="Les engagements couvrent les six domaines du pacte de Dijon, ou le protocole dit pourquoi",
        quote=(
            "Le président de l'établissement public de coopération intercommunale, le ou les maire(s) et le préfet "
            "devront rechercher la traduction des engagements de l'État et du mouvement intercommunal tels qu'ils "
            "figurent dans le pacte de Dijon."
        ),
        source=CIRCULAR_ANNEX_1 + ", c)",
        severity="advice",
        applies_to=KIND,
        holds=lambda renewal: not _domains_missing(renewal),
        missing=_domains_missing,
    ),
    Rule(
        code="renewal-major-projects",
        title="Les grands projets sont identifiés",
        quote=(
            "En concertation avec les signataires du contrat de ville, vous identifieriez des grands projets (projets "
            "de rénovation urbaine, cités éducatives, ...), relevant des champs du pacte de Dijon avec les engagements "
            "réciproques de l'Etat et des collectivités, en veillant à les rendre identifiables par les habitants."
        ),
        source=CIRCULAR_ANNEX_1 + ", c)",
        # Advice: the circular's « identifieriez » leaves the prefect the choice of the projects.
        severity="advice",
        applies_to=KIND,
        holds=_has_major_projects,
        missing=lambda renewal: (
            "Renseignez au moins un grand projet : rénovation urbaine, cité éducative ou autre grand projet."
        ),
    ),
    Rule(
        code="renewal-parties-signed",
        title="Chaque signataire obligatoire a signé",
        quote=(
            "Vous engagerez leur rénovation avec les autres signataires pour qu'elle soit effective avant fin juillet "
            "2019, afin d'y intégrer les priorités gouvernementales."
        ),
        source="circulaire du 22 janvier 2019, lettre aux préfets",
        severity="blocking",
        applies_to=KIND,
        # From the signature step (before, the parties are still being asked), once they are listed:
        # an empty list is the rule below's finding, not a « conforme ».
        applies=lambda renewal: renewal.state in ("signature", "signed") and parties_of(renewal).exists(),
        holds=lambda renewal: not missing_parties(renewal),
        missing=lambda renewal: "Signature manquante : " + " ; ".join(str(p) for p in missing_parties(renewal)) + ".",
    ),
    Rule(
        code="renewal-parties-listed",
        title="Les signataires du protocole sont listés (préfet, président de l'EPCI, maires, autres)",
        quote=(
            "Vous engagerez leur rénovation avec les autres signataires pour qu'elle soit effective avant fin juillet "
            "2019, afin d'y intégrer les priorités gouvernementales."
        ),
        source="circulaire du 22 janvier 2019, lettre aux préfets",
        # Advice: a protocol signed before the parties were kept here names them in its text.
        severity="advice",
        applies_to=KIND,
        applies=lambda renewal: renewal.state in ("signature", "signed"),
        holds=lambda renewal: parties_of(renewal).exists(),
        missing=lambda renewal: (
            "Aucun signataire n'est listé : ajoutez-les dans « Signataires » pour suivre et relancer chacun."
        ),
    ),
    Rule(
        code="renewal-perimeter-merged-contracts",
        title="Un changement de périmètre nomme les contrats réunis",
        quote=(
            "Dans un contexte d'évolution des intercommunalités, la rénovation des contrats de ville permettra d'en "
            "faire évoluer le périmètre pour les inscrire dans de nouveaux territoires de projets."
        ),
        source=CIRCULAR_ANNEX_1 + ", b)",
        severity="blocking",
        applies_to=KIND,
        applies=lambda renewal: _merges_contracts(renewal),
        holds=lambda renewal: not _merged_problems(renewal),
        missing=lambda renewal: "Contrats réunis à revoir : " + " ; ".join(_merged_problems(renewal)) + ".",
    ),
)

rules_register(*RULES)
