"""The compliance checklist of a case (``workflows.cases.compliance``), computed as the page is
drawn: ``{% case_checklist case as checks %}`` then include ``workflows/partials/checklist.html``."""

from __future__ import annotations

from typing import Any

from django import template

from workflows.cases.compliance import checklist, summary

register = template.Library()


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
    from workflows.cases.parties import parties_of
    from workflows.cases.party_services import may_change_parties
    from workflows.cases.registry import kind_of

    parties = PartyList(parties_of(case).order_by("position", "pk"))
    request = context.get("request")
    if request is not None and getattr(request.user, "is_authenticated", False):
        parties.may_change = may_change_parties(case=case, user=request.user)
    parties.kind_code, parties.case_pk = kind_of(case).code, case.pk
    return parties
