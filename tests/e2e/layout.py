"""Measures the layout in the browser: what makes a page scroll sideways on a phone (375 px)."""

from __future__ import annotations

from playwright.sync_api import Page

# Finds the culprit by hiding: from <body> down, the child without which the page fits, until
# no single child is to blame. (Text running out of its box, e.g. a button label that does not
# wrap, widens the page without any element's box passing the edge: boxes alone miss it.)
CULPRIT = """() => {
  const fits = () => document.documentElement.scrollWidth <= document.documentElement.clientWidth;
  const path = [];
  let node = document.body;
  for (let depth = 0; depth < 30; depth++) {
    let culprit = null;
    for (const child of node.children) {
      const display = child.style.display;
      child.style.display = 'none';
      const without = fits();
      child.style.display = display;
      if (without) { culprit = child; break; }
    }
    if (!culprit) break;
    node = culprit;
    path.push(node);
  }
  const last = path[path.length - 1] || document.body;
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('');
  return `${path.map(name).join(' > ')} « ${(last.textContent || '').trim().slice(0, 60)} »`;
}"""


def sideways_scroll(page: Page) -> str:
    """Empty when the page fits its viewport; otherwise the width and what makes it scroll."""
    width, client = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if width <= client:
        return ""
    return f"{width} px pour {client} px : {page.evaluate(CULPRIT)}"
