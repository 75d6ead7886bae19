"""The dashboard's bar charts drawn as SVG: each bar has its label on a line of its own (full
width: never cut, never overlapping the next), then the bar, whose length is a percentage of the
longest (the SVG stretches to its column, so it reads at 375 px as at 1280 px), then its value.

Every coordinate is a string with a dot, whatever the locale: SVG numbers are not localized
("350,0" is no number, and the bar is not drawn).

A value above 0 is never a bar too thin to see: 1 beside 420 is 0.2 % of the span, 0.7 px at
375 px. Such a bar gets a stub of ``MIN_BAR_PX`` drawn under it (its own rect, ``min_width``), so
that the bar reads « something » while its proportional rect stays the measure."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

LABEL_HEIGHT, BAR_HEIGHT, GAP, BAR_SPAN = 18, 18, 12, 85
MIN_BAR_PX = 4


@register.filter
def chart_layout(chart: dict[str, Any]) -> dict[str, Any]:
    """The SVG geometry of a chart given as ``{"bars": [{"label", "value"}, …]}``."""
    values = [bar["value"] for bar in chart["bars"]]
    top = max(values, default=0) or 1
    step = LABEL_HEIGHT + BAR_HEIGHT + GAP
    bars = []
    for index, bar in enumerate(chart["bars"]):
        y = index * step
        percent = f"{BAR_SPAN * bar['value'] / top:.2f}%"
        bars.append(
            {
                "label": bar["label"],
                "value": bar["value"],
                "label_y": str(y + LABEL_HEIGHT - 5),
                "y": str(y + LABEL_HEIGHT),
                "value_y": str(y + LABEL_HEIGHT + BAR_HEIGHT - 4),
                "width": percent,
                "min_width": str(MIN_BAR_PX) if bar["value"] > 0 else "",
            }
        )
    return {"bars": bars, "height": str(max(len(bars) * step - GAP, 1)), "bar_height": str(BAR_HEIGHT)}
