"""The compliance checklist of a case (``workflows.cases.compliance``), computed as the page is
drawn: ``{% case_checklist case as checks %}`` then include ``workflows/partials/checklist.html``."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from workflows.cases.compliance import Finding, checklist, summary
from workflows.cases.states import html_escaped

register = template.Library()


_e = html_escaped


BADGES = {
    "non applicable": '<span class="fr-badge fr-badge--sm fr-badge--no-icon">Non applicable</span>',
    "conforme": '<span class="fr-badge fr-badge--success fr-badge--sm">Conforme</span>',
    "bloquant": '<span class="fr-badge fr-badge--error fr-badge--sm">Bloquant</span>',
    "à revoir": '<span class="fr-badge fr-badge--warning fr-badge--sm">Conseil</span>',
}


@lru_cache(maxsize=4096)
def _finding_html(finding: Finding) -> str:
    rule = finding.rule
    error = " fr-error-text" if finding.blocking else ""
    detail = f'<p class="fr-text--sm fr-mb-0 fr-ml-2w{error}">{_e(finding.detail)}</p>' if finding.detail else ""
    return (
        f'<li class="fr-mb-2w" data-rule="{_e(rule.code)}" data-status="{_e(finding.status)}">'
        f"{BADGES[finding.status]} <strong>{_e(rule.title)}</strong> "
        f'<blockquote class="fr-text--sm fr-mb-0 fr-ml-2w"><p class="fr-mb-0">«&nbsp;{_e(rule.quote)}&nbsp;»</p>'
        f'<p class="fr-text--xs fr-mb-0">— {_e(capfirst(rule.source))}</p></blockquote>{detail}</li>'
    )


@register.simple_tag
def checklist_item(finding: Finding) -> SafeString:
    """One rule of the checklist (``partials/checklist.html``), as the template wrote it: the
    rules and their quotes are the same on every page, so a finding's item is written once per
    process (2,500 template calls on a renovation page, benchmarks/RESULTS.md)."""
    try:
        html = _finding_html(finding)
    except TypeError:  # a detail that cannot be a key: written each time
        html = _finding_html.__wrapped__(finding)
    return mark_safe(html)  # noqa: S308 (each value escaped above)


@register.simple_tag
def case_checklist(case: Any) -> dict[str, Any]:
    if case is None:  # a page drawn before its case exists (the synthesis not yet written)
        return {"findings": [], "summary": summary([])}
    findings = checklist(case)
    return {"findings": findings, "summary": summary(findings)}


class PartyList(list[Any]):
    """The parties of a case, with what the page's user may do on them."""

    may_change = False
    kind_code = ""
    case_pk = 0


@register.simple_tag(takes_context=True)
def case_parties(context: Any, case: Any) -> PartyList:
    """The parties that sign the case, in order (``workflows.cases.parties``), and whether the
    page's user may add one or record a signature (``party_services.may_change_parties``)."""
    from workflows.cases.parties import parties_in_order
    from workflows.cases.party_services import may_change_parties
    from workflows.cases.registry import kind_of

    parties = PartyList(parties_in_order(case))
    request = context.get("request")
    if request is not None and getattr(request.user, "is_authenticated", False):
        parties.may_change = may_change_parties(case=case, user=request.user)
    parties.kind_code, parties.case_pk = kind_of(case).code, case.pk
    return parties
