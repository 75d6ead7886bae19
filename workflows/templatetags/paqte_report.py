"""``{% report_figure_link report slug value %}``: a figure of the semestrial PAQTE report as a
link to the list of what it counts or sums (``workflows.paqte.figures``), with the report's
département and semester; once transmitted, as of its transmission. A figure with nothing to
list is its number alone, no link to an empty list."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def report_figure_link(report: Any, slug: str, value: int | None) -> SafeString:
    """A 0 is plain text: a count of 0 lists nothing; a sum of 0 (results of the semester) may
    list conventions that recorded a 0, which its « Conventions » figure beside links to."""
    if not value:
        return format_html('<span class="quartiers-figure" data-figure="{}">0</span>', slug)
    url = reverse("paqte:report_figure", args=[report.pk, slug])
    return format_html('<a class="fr-link quartiers-figure" href="{}" data-figure="{}">{}</a>', url, slug, value)


@register.filter
def report_title_figure(title: str) -> str:
    """The slug of the figure an annex 2 row is (``exports.TITLE_FIGURES``), else ``""``."""
    from workflows.paqte.exports import TITLE_FIGURES

    return TITLE_FIGURES.get(title, "")
