"""axe-core accessibility checks in a Playwright page.

The script comes from frontend/node_modules (a devDependency, so `npm ci` provides it) and
is evaluated through the DevTools protocol, which the page's Content-Security-Policy does
not govern: the policy stays exactly as served, nothing is injected as a <script>.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from playwright.async_api import Page

from app.migrate import ROOT

AXE_SCRIPT = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
# What a person cannot get past (a control with no name, text they cannot read).
BLOCKING = frozenset({"serious", "critical"})

RUN = """
async () => {
  const result = await window.axe.run(document, {resultTypes: ['violations']});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}
"""


@cache
def _source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"{AXE_SCRIPT} is missing: run `npm ci` in frontend/")
    return AXE_SCRIPT.read_text(encoding="utf-8")


async def violations(page: Page) -> list[dict[str, Any]]:
    """Every axe violation on the page as it is now (loads axe into the page once)."""
    if not await page.evaluate("typeof window.axe !== 'undefined'"):
        await page.evaluate(_source())
    found: list[dict[str, Any]] = await page.evaluate(RUN)
    return found


async def blocking_violations(page: Page) -> list[str]:
    """Serious and critical violations, one readable line per element."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {node['target']}: {node['summary']}"
        for v in await violations(page)
        if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


# WCAG 1.4.10 (reflow): content fits 320 CSS px without scrolling sideways; a phone is 390.
PHONE = {"width": 390, "height": 844}

# The widest elements, when the document is wider than the viewport (scrolls sideways).
OVERFLOW = """
() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  const describe = (e) => {
    const name = e.tagName.toLowerCase();
    const id = e.id ? '#' + e.id : '';
    const names = typeof e.className === 'string' ? e.className.trim() : '';
    const classes = names ? '.' + names.split(/\\s+/).join('.') : '';
    return `${name}${id}${classes} reaches ${Math.round(e.getBoundingClientRect().right)} px`;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .sort((a, b) => b.getBoundingClientRect().right - a.getBoundingClientRect().right);
  const page = `the page is ${document.documentElement.scrollWidth} px wide`;
  return [page, ...wide.slice(0, 6).map(describe)];
}
"""


async def overflow_on_a_phone(page: Page) -> list[str]:
    """What sticks out sideways at 390 x 844 (nothing when the page fits); the viewport is
    restored afterwards."""
    before = page.viewport_size
    await page.set_viewport_size(PHONE)
    try:
        found: list[str] = await page.evaluate(OVERFLOW)
    finally:
        if before is not None:
            await page.set_viewport_size(before)
    return found


async def assert_accessible(page: Page, where: str) -> None:
    """No serious axe violation, and the page reflows to a phone's width (390 px)."""
    found = await blocking_violations(page)
    assert found == [], f"accessibility problems on {where}:\n" + "\n".join(found)
    overflow = await overflow_on_a_phone(page)
    assert overflow == [], f"{where} scrolls sideways at 390 px:\n" + "\n".join(overflow)
