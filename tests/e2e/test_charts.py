"""The national dashboard's charts in a real browser: each bar's drawn length is proportional to
the value its data table gives, every label is drawn whole on its own line, and the page does not
scroll sideways, at 1280 and 375 px."""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests.conftest import MakeUser
from tests.e2e.helpers import PASSWORD, log_in
from tests.e2e.layout import sideways_scroll
from tests.security.urls import seed_nord, seed_roles

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SHOTS = os.environ.get("QUARTIERS_SHOTS", "")

MEASURE = """figure => {
  const svg = figure.querySelector('svg');
  const box = svg.getBoundingClientRect();
  const bars = [...svg.querySelectorAll('rect[data-value]')].map(r => r.getBoundingClientRect().width);
  // what the eye sees of each bar: its proportional rect or the stub under it, the wider
  const drawn = [...svg.querySelectorAll('rect[data-value]')].map(r => {
    const before = r.previousElementSibling;
    const stub = before && before.tagName === 'rect' ? before : null;
    return Math.max(r.getBoundingClientRect().width, stub ? stub.getBoundingClientRect().width : 0);
  });
  const labels = [...svg.querySelectorAll('text[x="0"]')].map(t => {
    const b = t.getBoundingClientRect();
    return {text: t.textContent, left: b.left - box.left, right: b.right - box.left, top: b.top, bottom: b.bottom};
  });
  const values = [...figure.querySelectorAll('tbody td')].map(td => Number(td.textContent.replace(/\\s/g, '')));
  const names = [...figure.querySelectorAll('tbody th')].map(th => th.textContent.trim());
  const attrs = [...svg.querySelectorAll('rect')].map(r => r.getAttribute('width'));
  return {bars, drawn, labels, values, names, attrs, width: box.width};
}"""


@pytest.mark.parametrize("width", [1280, 375])
def test_dashboard_bars_match_their_data_table(
    live_server: LiveServer, page: Page, make_user: MakeUser, width: int
) -> None:
    users = seed_roles(make_user)
    seed_nord(agent=users["agent-59"], validator=users["valideur-59"], referent=users["referent-cget"])  # type: ignore[arg-type]
    referent = users["referent-cget"]
    assert referent is not None
    referent.set_password(PASSWORD)
    referent.save()
    log_in(page, live_server, referent.email)
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/pilotage/tableau-de-bord/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord national")
    figures = page.locator("figure:has(svg)")
    assert figures.count() == 3
    drawn = 0
    for index in range(figures.count()):
        chart = figures.nth(index).evaluate(MEASURE)
        assert all("," not in attr for attr in chart["attrs"]), chart["attrs"]
        assert len(chart["bars"]) == len(chart["values"]) == len(chart["labels"]) > 0
        top_value, top_bar = max(chart["values"]), max(chart["bars"])
        for bar, value in zip(chart["bars"], chart["values"], strict=True):
            if top_value == 0:
                assert bar == 0
                continue
            assert abs(bar / top_bar - value / top_value) < 0.01, (chart["names"], chart["values"], chart["bars"])
            drawn += bar > 0
        # a value above 0 is a bar one sees (3 px at least, at 375 px too), a 0 none
        for seen, value in zip(chart["drawn"], chart["values"], strict=True):
            assert (seen >= 3) if value > 0 else (seen == 0), (chart["names"], chart["values"], chart["drawn"])
        # each label whole, inside the chart, on its own line (below the previous one)
        assert [label["text"] for label in chart["labels"]] == chart["names"]
        for label in chart["labels"]:
            assert label["left"] >= 0 and label["right"] <= chart["width"] + 0.5, label
        for upper, lower in zip(chart["labels"], chart["labels"][1:], strict=False):
            assert upper["bottom"] <= lower["top"] + 0.5, (upper, lower)
    assert drawn > 0, "aucune barre dessinée"
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dashboard-{width}.png", full_page=True)
    assert not sideways_scroll(page), sideways_scroll(page)
