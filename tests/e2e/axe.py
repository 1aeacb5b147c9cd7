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


async def assert_accessible(page: Page, where: str) -> None:
    found = await blocking_violations(page)
    assert found == [], f"accessibility problems on {where}:\n" + "\n".join(found)
