"""The DSFR pagination of every paginated list: one include, French labels, the filters kept."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import get_resolver

from tests.security.urls import _walk


def render(number: int, query: str = "") -> str:
    paginator = Paginator(range(500), 50)
    request = RequestFactory().get("/taches/" + query)
    return render_to_string(
        "partials/pagination.html", {"page_obj": paginator.page(number), "paginator": paginator}, request=request
    )


def test_a_middle_page_links_first_previous_neighbours_next_last() -> None:
    html = render(5, "?dossier=renewal&page=5")
    assert 'aria-label="Pagination"' in html and 'class="fr-pagination fr-mt-2w"' in html
    labels = re.findall(r'class="fr-pagination__link[^"]*"[^>]*>([^<]+)</a>', html)
    assert labels == [
        "Première page",
        "Page précédente",
        "1",
        "…",
        "4",
        "5",
        "6",
        "…",
        "10",
        "Page suivante",
        "Dernière page",
    ]
    assert 'aria-current="page" title="Page 5">5</a>' in html
    assert 'href="?dossier=renewal&amp;page=4">Page précédente' in html  # the filters stay
    assert 'href="?dossier=renewal&amp;page=10">Dernière page' in html


def test_the_first_page_has_no_way_back_and_one_page_no_pagination() -> None:
    html = render(1)
    assert '<a class="fr-pagination__link fr-pagination__link--first" aria-disabled="true" role="link">' in html
    assert "fr-pagination" not in render_to_string(
        "partials/pagination.html", {"page_obj": Paginator(range(3), 50).page(1), "paginator": Paginator(range(3), 50)}
    )


def test_every_paginated_list_uses_the_include() -> None:
    templates = Path(settings.BASE_DIR) / "templates"
    direct = [str(path) for path in templates.rglob("*.html") if "dsfr_pagination" in path.read_text()]
    assert not direct, f"pagination hors de partials/pagination.html : {direct}"
    patterns = _walk(get_resolver().url_patterns)
    views: list[Any] = [getattr(pattern.callback, "view_class", None) for _route, _ns, pattern in patterns]
    paginated = [view for view in views if getattr(view, "paginate_by", None)]
    assert paginated
    for view in paginated:
        name = view.template_name
        assert name and 'include "partials/pagination.html"' in (templates / name).read_text(), view
