"""``{% export_links %}``: the « Exporter CSV / XLSX » links of a list, keeping its filters."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.inclusion_tag("partials/export_links.html", takes_context=True)
def export_links(context: dict[str, Any], label: str = "la liste") -> dict[str, Any]:
    request = context["request"]
    links = []
    for fmt, name in (("csv", "CSV"), ("xlsx", "XLSX")):
        query = request.GET.copy()
        query["export"] = fmt
        links.append({"url": f"{request.path}?{query.urlencode()}", "name": name})
    return {"links": links, "label": label}
