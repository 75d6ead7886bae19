"""The dashboard's SVG bar charts are drawn with numbers SVG reads (a dot, never the French
decimal comma), whatever the active language."""

from __future__ import annotations

import re

from django.template.loader import render_to_string
from django.utils import translation

CHART = {
    "id": "graphique-1",
    "title": "Contrats de ville par étape de la rénovation",
    "unit": "contrats",
    "bars": [
        {"label": "Évaluation en cours", "value": 3},
        {"label": "Signé", "value": 7},
        {"label": "Non lancé", "value": 0},
    ],
}


def test_svg_numbers_are_never_localized() -> None:
    with translation.override("fr"):
        html = render_to_string("workflows/steering/partials/bar_chart.html", {"chart": CHART})
    svg = html[html.index("<svg") : html.index("</svg>")]
    numbers = re.findall(r'\s(?:x|y|dx|width|height)="([^"]*)"', svg)
    assert numbers and all(re.fullmatch(r"\d+(\.\d+)?%?", number) for number in numbers if number != "100%"), numbers
    widths = re.findall(r'<rect[^>]* width="([^"]+)"[^>]* data-value=', svg)
    assert widths == ["36.43%", "85.00%", "0.00%"]
    # a value above 0 gets its stub of a few pixels (visible at 375 px), a 0 none
    assert re.findall(r'<rect[^>]* width="([^"]+)"[^>]* class="quartiers-chart__stub"', svg) == ["4", "4"]
    # each label on its own line above its bar: ordered, never on the same y
    label_ys = [float(y) for y in re.findall(r'<text x="0" y="([^"]+)"', svg)]
    assert label_ys == sorted(set(label_ys)) and len(label_ys) == 3


def test_a_small_value_beside_a_large_one_is_still_drawn() -> None:
    chart = {**CHART, "bars": [{"label": "Non commencée", "value": 420}, {"label": "Signature", "value": 1}]}
    html = render_to_string("workflows/steering/partials/bar_chart.html", {"chart": chart})
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.findall(r'<rect[^>]* width="([^"]+)"[^>]* data-value=', svg) == ["85.00%", "0.20%"]
    assert svg.count('class="quartiers-chart__stub"') == 2
