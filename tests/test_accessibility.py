"""Accessibility in chromium: axe-core on every page, and the keyboard alone.

axe-core (the `axe-playwright-python` package ships it) runs on the gate, every
workbook tab, the advisor page and the chair page of a home holding a draft, a
submission, scores and released feedback (``full_home``), so the plots and
tables have data. The pages must have no critical and no serious finding;
each assertion names the rules and the nodes. The screenshots of the tour
(docs/screenshots/) are taken here too, beside the server log, at desktop and
phone width.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
BLOCKING = ("critical", "serious")
# MUNBOOK_SCREENSHOTS=docs/screenshots refreshes the README's tour from this test.
SHOTS = os.environ.get("MUNBOOK_SCREENSHOTS", "")


def findings(page) -> list[dict]:
    """axe-core's violations on the page as it is now (every impact)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page).response["violations"]


def describe(violations: list[dict]) -> str:
    """Rule ids, impacts and the first nodes' selectors: what the assertion message shows."""
    lines = []
    for v in violations:
        nodes = "; ".join(
            f"{' '.join(map(str, n['target']))} ({n.get('failureSummary', '').splitlines()[-1:]})"
            for n in v["nodes"][:4]
        )
        lines.append(f"{v['impact']} {v['id']} ×{len(v['nodes'])}: {nodes}")
    return "\n".join(lines)


class Scan:
    """The findings per page, kept until the end so one run reports every page."""

    def __init__(self, shots: Path):
        self.pages: dict[str, list[dict]] = {}
        self.shots = shots

    def check(self, page, name: str) -> None:
        page.wait_for_timeout(300)  # let the widgets settle after a tab change
        self.pages[name] = findings(page)

    def shot(self, page, name: str) -> None:
        for folder in filter(None, (self.shots, Path(SHOTS) if SHOTS else None)):
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)

    def report(self) -> str:
        return "\n".join(
            f"== {name}: {len(found)} rule(s)\n{describe(found)}"
            for name, found in self.pages.items()
        )

    def blocking(self) -> dict[str, list[dict]]:
        return {
            name: [v for v in found if v["impact"] in BLOCKING]
            for name, found in self.pages.items()
            if any(v["impact"] in BLOCKING for v in found)
        }


def open_page(page, url: str, ready: str):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(ready, timeout=TIMEOUT)
    return page


def scan_workbook(page, served, code: str, scan: Scan, width: str) -> None:
    open_page(page, served.url(KENYA, code), ".mb-app")
    if width == "desktop":
        for inner in ("Committee", "Topic A", "Kenya"):
            page.get_by_role("tab", name=inner, exact=True).click()
            scan.check(page, f"workbook Read · {inner}")
    tabs = ("Research", "Write", "Sources", "History", "Paper & submit", "Feedback")
    for tab in tabs:
        page.get_by_role("tab", name=tab, exact=True).click()
        if tab == "Paper & submit":
            page.locator(".mb-app img").first.wait_for(timeout=TIMEOUT)
        if tab == "History":
            page.locator(".mb-history-preview").first.wait_for(timeout=TIMEOUT)
        if width == "desktop":
            scan.check(page, f"workbook {tab}")
        if tab in ("Write", "Paper & submit"):
            scan.shot(page, f"workbook-{tab.split()[0].lower()}-{width}")


def test_axe_finds_nothing_serious_on_any_page(full_home, home: Path, browser, tmp_path: Path):
    from conftest import CHROMIUM, Served

    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    made = full_home["made"]
    served = Served(home, tmp_path / "serve.log")
    served.start()
    scan = Scan(tmp_path / "shots")
    try:
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport)
            page = context.new_page()
            open_page(page, served.url(KENYA), ".mb-gate")
            if width == "desktop":
                scan.check(page, "gate")
            scan.shot(page, f"gate-{width}")
            scan_workbook(page, served, made.delegate_code, scan, width)
            open_page(page, served.url("apps/advisor.ipynb", made.secretariat_code), ".mb-advisor")
            page.get_by_text("Kenya").first.wait_for(timeout=TIMEOUT)
            if width == "desktop":
                scan.check(page, "advisor (secretariat)")
            scan.shot(page, f"advisor-{width}")
            open_page(page, served.url("apps/chair.ipynb", made.chair_code), ".mb-chair")
            page.locator(".mb-chair img").first.wait_for(timeout=TIMEOUT)
            if width == "desktop":
                scan.check(page, "chair")
            scan.shot(page, f"chair-{width}")
            context.close()
    finally:
        served.kill()
    print(scan.report())  # every finding, moderate ones too (pytest -s shows them)
    assert not scan.blocking(), "axe-core found:\n" + scan.report()
