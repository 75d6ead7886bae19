"""``{% figure_link slug query value %}``: a figure of the dashboard as a link to the list of what
it counts (``workflows.steering.figures``), keeping the row's scope (``?departement=``, ``?region=``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from notifications.campaign import campaign_today
from workflows.cases.figures import AsOf, Scope
from workflows.renewal import figures as renewal_figures
from workflows.steering.figures import deadline_lines_for

register = template.Library()


@register.simple_tag
def figure_link(slug: str, query: str, value: int, words: str = "") -> SafeString:
    """The figure's value (followed by ``words``, « en retard ») as a link to its list."""
    url = reverse("steering:figure_list", args=[slug]) + (query or "")
    text = f"{value} {words}" if words else str(value)
    return format_html('<a class="fr-link quartiers-figure" href="{}" data-figure="{}">{}</a>', url, slug, text)


@register.filter
def get_slug(slugs: dict[str, str], key: str) -> str:
    """``step_slugs|get_slug:state``: the figure slug of a renovation step."""
    return slugs[key]


@register.simple_tag
def renovation_link(state: str, late: bool, value: int, synthesis: Any = None, department: Any = None) -> SafeString:
    """A cell of the synthesis's renovation table as a link to the contracts it counts: the
    renovation figure of the step (``state``; ``"total"``: every contract), late ones if ``late``.
    A frozen table (transmitted synthesis) lists the contracts as of its transmission
    (``?synthese=``), a draft's the contracts as they stand (``?departement=``)."""
    if state == "total":
        figure = renewal_figures.LATE if late else renewal_figures.CONTRACTS
    else:
        figure = (renewal_figures.LATE_BY_STEP if late else renewal_figures.STEPS)[state]
    if synthesis is not None and getattr(synthesis, "renovation_snapshot", None):
        query = f"?synthese={synthesis.pk}"
    else:
        query = f"?departement={department.code}" if department is not None else ""
    return figure_link(figure.slug, query, value)


@register.inclusion_tag("workflows/steering/partials/deadlines.html", takes_context=True)
def department_deadlines(context: Any, department: Any) -> dict[str, Any]:
    """``{% department_deadlines department %}``: the campaign's deadline kinds of one
    département (the same table as its steering page), for a page of another layer."""
    scope = Scope(department_ids=(department.pk,), as_of=AsOf(day=campaign_today()))
    return {
        "campaign": context.get("campaign"),
        "deadlines": deadline_lines_for(scope),
        "deadlines_query": f"?departement={department.code}",
        "caption": "Échéances de la circulaire pour le département : dossiers faits et en retard",
    }
