"""The compliance rules of the prefect's synthesis, from the letter of the circular of 22 January
2019 (``reference/data/sources/``: each quote is checked there, word for word, by
``tests/workflows/test_compliance_rules.py``): its four parts and its five pages refuse its
sending to the prefect and to the CGET (``checklist=True`` in ``workflows.submissions.transitions``).
"""

from __future__ import annotations

from workflows.cases.compliance import Rule, rules_register
from workflows.synthesis.models import PARTS, length_errors, normalize

LETTER = "circulaire du 22 janvier 2019, lettre aux préfets"

RULES = (
    Rule(
        code="synthesis-four-parts",
        title="La synthèse traite les quatre parties demandées",
        quote=(
            "une synthèse de cinq pages sur les démarches engagées, les mesures de la feuille de route gouvernementale "
            "et du pacte de Dijon déclinées dans les contrats de ville, l'échéance de rénovation des contrats et les "
            "difficultés rencontrées."
        ),
        source=LETTER,
        severity="blocking",
        applies_to="synthesis",
        holds=lambda synthesis: synthesis.has_all_parts(),
        missing=lambda synthesis: (
            "La synthèse est incomplète, renseignez : "
            + " ; ".join(title for field, title in PARTS if not normalize(getattr(synthesis, field)))
            + "."
        ),
        guard="has_all_parts",
    ),
    Rule(
        code="synthesis-five-pages",
        title="La synthèse tient en cinq pages",
        quote="une synthèse de cinq pages",
        source=LETTER,
        severity="blocking",
        applies_to="synthesis",
        holds=lambda synthesis: synthesis.is_within_limit(),
        missing=lambda synthesis: " ".join(length_errors(synthesis.parts)),
        guard="is_within_limit",
    ),
)

rules_register(*RULES)
