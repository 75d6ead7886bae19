"""The compliance checklist: the rules of the circular of 22 January 2019 (and of the France
urbaine / AdCF note of July 2018) as data, computed on a case.

Each case kind declares its rules in its own ``compliance.py`` (``workflows/renewal/``,
``workflows/paqte/``, ``workflows/synthesis/``) and registers them here: a code, a short French
statement, the sentence of the source it comes from, quoted exactly, with its annex, a severity
(``blocking``: the submission is refused with the quoted sentence; ``advice``: shown, never
refusing), the case kind it applies to and a predicate on the case. ``checklist(case)`` is what
the case page and the CGET's review show; the kernel's runner asks ``blocking_refusals`` for the
transitions of a table declared with ``checklist=True`` (``workflows.cases.transitions``), so a
blocking rule refuses through the same path as every other refusal, all reasons at once.

A rule may answer for a guard of the case's state machine (``guard``: the FSM condition of the
same meaning, e.g. ``has_childhood_parenting``): when both fail, the runner gives the rule's
sentence, not a second one for the guard.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["blocking", "advice"]

SEVERITY_LABELS: dict[str, str] = {"blocking": "Bloquant", "advice": "Conseil"}


@dataclass(frozen=True)
class Rule:
    code: str  # stable: "renewal-childhood-parenting"
    title: str  # what is checked, in French ("Le volet enfance et soutien à la parentalité est présent")
    quote: str  # the sentence of the source, exactly as written there
    source: str  # "Circulaire du 22 janvier 2019, annexe 1"
    severity: Severity
    applies_to: str  # the case kind's code (``CaseKind.code``)
    holds: Callable[[Any], bool]
    # What is missing, in French, when the rule does not hold ("il manque : Mobilité, Santé").
    missing: Callable[[Any], str] | None = None
    guard: str = ""  # the FSM guard of the case this rule answers for, if any
    # Whether the rule concerns this case at all (a perimeter change, a large company…).
    applies: Callable[[Any], bool] | None = None

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def refusal(self, case: Any) -> str:
        """The French sentence that refuses a transition: the rule, its quoted source, what is missing."""
        detail = self.missing(case) if self.missing is not None else ""
        sentence = f"{self.title} : « {self.quote} » ({self.source})."
        return f"{sentence} {detail}".strip()


@dataclass(frozen=True)
class Finding:
    rule: Rule
    ok: bool
    applicable: bool = True
    detail: str = ""

    @property
    def blocking(self) -> bool:
        return self.applicable and not self.ok and self.rule.severity == "blocking"

    @property
    def status(self) -> str:
        """« conforme », « non applicable », « bloquant » or « à revoir » (advice not followed)."""
        if not self.applicable:
            return "non applicable"
        if self.ok:
            return "conforme"
        return "bloquant" if self.rule.severity == "blocking" else "à revoir"


_RULES: dict[str, Rule] = {}


def rules_register(*rules: Rule) -> None:
    for rule in rules:
        assert _RULES.get(rule.code, rule) is rule, f"compliance rule {rule.code} declared twice"
        _RULES[rule.code] = rule


def rules_for(kind_code: str) -> list[Rule]:
    return [rule for rule in _RULES.values() if rule.applies_to == kind_code]


def rule_get(code: str) -> Rule:
    return _RULES[code]


def _kind_code(case: Any) -> str:
    from workflows.cases.registry import kind_of

    return kind_of(case).code


def checklist(case: Any, *, kind_code: str | None = None) -> list[Finding]:
    """Every rule of the case's kind, computed now on the case (in declaration order)."""
    return _findings(case, rules_for(kind_code or _kind_code(case)))


def _findings(case: Any, rules: list[Rule]) -> list[Finding]:
    findings = []
    for rule in rules:
        if rule.applies is not None and not rule.applies(case):
            findings.append(Finding(rule, ok=True, applicable=False))
            continue
        ok = bool(rule.holds(case))
        detail = rule.missing(case) if (not ok and rule.missing is not None) else ""
        findings.append(Finding(rule, ok=ok, detail=detail))
    return findings


def blocking_findings(case: Any, *, kind_code: str | None = None) -> list[Finding]:
    """The blocking rules the case breaks now (empty: nothing blocks). Only the blocking rules
    are computed: an advice never refuses, so the runner does not read what it asks for."""
    rules = [rule for rule in rules_for(kind_code or _kind_code(case)) if rule.severity == "blocking"]
    return [finding for finding in _findings(case, rules) if finding.blocking]


def blocking_refusals(case: Any, *, kind_code: str | None = None) -> list[str]:
    """The quoted sentences of the blocking rules the case breaks now."""
    return [finding.rule.refusal(case) for finding in blocking_findings(case, kind_code=kind_code)]


def summary(findings: list[Finding]) -> dict[str, int]:
    """Counts for a badge: blocking rules broken, advice not followed, rules met."""
    return {
        "blocking": sum(1 for f in findings if f.blocking),
        "advice": sum(1 for f in findings if f.applicable and not f.ok and f.rule.severity == "advice"),
        "ok": sum(1 for f in findings if f.applicable and f.ok),
        "total": sum(1 for f in findings if f.applicable),
    }
