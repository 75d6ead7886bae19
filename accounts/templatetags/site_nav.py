"""The site's breadcrumb (DSFR ``fr-breadcrumb``), always from « Accueil ».

``templates/base.html`` renders it once for every page::

    {% breadcrumb %}{% block breadcrumb_links %}{% endblock %}
    {% current %}{% block breadcrumb_current %}{{ title }}{% endblock %}{% endbreadcrumb %}

A page says only what lies between « Accueil » and itself, one ``{% crumb %}`` per level::

    {% block breadcrumb_links %}{% crumb "Départements" "reference:department_list" %}{% endblock %}

and the current page's label defaults to its ``title``. The markup is ``partials/breadcrumb.html``.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings
from django.template.base import Node, NodeList, Parser, Token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

# The footer, written once per process, language and address prefix (``site_footer``).
_FOOTERS: dict[tuple[str | None, str], SafeString] = {}


@register.simple_tag
def site_footer() -> SafeString:
    """The site's footer (``partials/footer.html``): the same on every page, it depends only on
    ``SITE_CONFIG`` and the addresses of the site's pages, so it is written once per process
    rather than on each page (some 2,000 Python calls, benchmarks/RESULTS.md). With ``DEBUG``,
    written each time, so that an edited template shows at once."""
    from config.context_processors import SITE_CONFIG

    key = (get_language(), get_script_prefix())
    footer = None if settings.DEBUG else _FOOTERS.get(key)
    if footer is None:
        footer = _FOOTERS[key] = mark_safe(render_to_string("partials/footer.html", {"SITE_CONFIG": SITE_CONFIG}))  # noqa: S308 (a template's output)
    return footer


class BreadcrumbNode(Node):
    child_nodelists = ("links", "current")

    def __init__(self, links: NodeList, current: NodeList) -> None:
        self.links = links
        self.current = current

    def render(self, context: template.Context) -> str:
        current = mark_safe(self.current.render(context).strip())  # noqa: S308 (the template's own output)
        if not current:
            return ""  # a page without a title has no place to say
        return render_to_string(
            "partials/breadcrumb.html",
            {"links": self.links.render(context), "current": current},
            request=context.get("request"),
        )


@register.tag
def breadcrumb(parser: Parser, token: Token) -> BreadcrumbNode:
    links = parser.parse(("current",))
    parser.delete_first_token()
    current = parser.parse(("endbreadcrumb",))
    parser.delete_first_token()
    return BreadcrumbNode(links, current)


@register.simple_tag
def crumb(label: Any, to: str, *args: Any) -> str:
    """One level of the breadcrumb: ``to`` is a URL name (reversed with ``args``) or a path."""
    url = to if to.startswith("/") else reverse(to, args=args)
    return format_html('<li><a class="fr-breadcrumb__link" href="{}">{}</a></li>', url, label)


@register.simple_tag
def page_items(page: Any) -> list[Any]:
    """The page numbers the pagination shows: the first, the last, the current one and its
    neighbours, « … » between (Django's elided range)."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
