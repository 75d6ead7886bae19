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
    widths = re.findall(r'<rect[^>]* width="([^"]+)"', svg)
    assert widths == ["36.43%", "85.00%", "0.00%"]
    # each label on its own line above its bar: ordered, never on the same y
    label_ys = [float(y) for y in re.findall(r'<text x="0" y="([^"]+)"', svg)]
    assert label_ys == sorted(set(label_ys)) and len(label_ys) == 3
