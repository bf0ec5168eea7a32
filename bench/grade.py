"""The Grade tab's "Next": from the click to the next paper on screen, in chromium.

A committee of N submitted papers (22, a typical committee, and 196, every
INTERPOL member) and a chair with their own code; the chair page is opened
through ``munbook serve`` and Next is clicked through the "All submitted
papers" list. Each time runs from the pointer going down to the last part Next
changes (the "Paper k of N" line, after the paper text and the rubric) as a
MutationObserver sees it, after three warm-up clicks. The kernel's own
part (``GradePanel.next`` without a browser) is printed beside it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

ARM = """
(before) => {
  window.__next = new Promise((resolve, reject) => {
    let t0 = null;
    document.addEventListener('pointerdown', () => { t0 = performance.now(); },
                              {capture: true, once: true});
    const look = () => {
      // The position line is the last part a Next updates: the paper, rubric and spread are in.
      const line = document.querySelector('.mb-grade-position');
      if (t0 !== null && line && line.textContent !== before) {
        observer.disconnect();
        resolve(performance.now() - t0);
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('no next paper in 30 s')); }, 30000);
  });
}
"""
WORDS = [
    "police",
    "medicine",
    "crime",
    "cyber",
    "border",
    "laboratory",
    "data",
    "notice",
    "regulator",
    "training",
]


def _section(rng, words: int = 75) -> str:
    """Text of its own (no two papers share runs of words, as real papers mostly do not)."""
    return " ".join(f"{rng.choice(WORDS)}{rng.randrange(400)}" for _ in range(words))


def fill(store, n: int) -> str:
    """``n`` INTERPOL delegations, each with a submitted paper of about 600 words; a chair code."""
    import random

    import nbformat

    from widgets.core import countries
    from widgets.paper.notebook import paper_notebook
    from widgets.workflows import staff

    rng = random.Random(26)
    members = [c.alpha3 for c in countries.members("interpol")][:n]
    made = store.ensure_delegations("interpol", members)
    for iso, (delegation_id, _) in made.items():
        delegation = store.delegation(delegation_id)
        sections = {
            f"{t}.{s}": _section(rng)
            for t in "AB"
            for s in ("background", "past_action", "country_policy", "solutions")
        }
        nb = paper_notebook("interpol", delegation, {"sections": sections, "disclosure": "None."})
        store.add_submission(
            delegation_id,
            notebook=nbformat.writes(nb),
            pdf=b"%PDF-1.7",
            sha256=iso * 21 + "x",
            seconds_late=0,
            pages=2,
            words=600,
            text=" ".join(sections.values()),
        )
    return staff.add(store, "chair", "Bench Chair", committee="interpol")[1]


def kernel_next(store, n: int, clicks: int = 30) -> list[float]:
    """``GradePanel.next`` in this process (no browser): the kernel's share of a click."""
    from widgets.apps.chair import ChairPage

    chair = next(m for m in store.staff_members() if m.name == "Bench Chair")
    page = ChairPage(store, "interpol", chair.identity)
    page.grade.filter.value = "all"
    times, step = [], page.grade.next
    for _ in range(clicks):
        start = time.perf_counter()
        if not step():  # at the end of the list: walk back
            step = page.grade.previous if step == page.grade.next else page.grade.next
            start = time.perf_counter()
            step()
        times.append(time.perf_counter() - start)
    return times


def browser_next(url: str, chromium: str, args: list[str], clicks: int = 30) -> list[float]:
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url, timeout=180_000)
        page.locator(".mb-grade-title").first.wait_for(state="attached", timeout=180_000)
        page.get_by_role("tab", name="Grade").click()
        page.get_by_label("Show").select_option(label="All submitted papers")
        page.get_by_text("Paper 1 of").wait_for(timeout=60_000)
        buttons = [page.get_by_role("button", name=n) for n in ("Next", "Previous")]
        way = 0
        for i in range(clicks + 3):  # three warm-up clicks first
            if buttons[way].is_disabled():  # at the end of the list: walk back
                way = 1 - way
            button = buttons[way]
            before = page.locator(".mb-grade-position").text_content()
            page.evaluate(ARM, before)
            button.click()
            took = page.evaluate("window.__next")
            if i >= 3:
                times.append(took / 1000)
        browser.close()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def figures(report: Callable[[str, str, str, bool], None], n: int, kernel, browser) -> None:
    report(
        "grade",
        f"{n} papers: Next in chromium median {statistics.median(browser) * 1000:.0f} ms, "
        f"p95 {p95(browser) * 1000:.0f} ms ({len(browser)} clicks, warm); the kernel's part "
        f"median {statistics.median(kernel) * 1000:.1f} ms, p95 {p95(kernel) * 1000:.1f} ms",
        "p95 <= 300 ms warm",
        p95(browser) <= 0.3,
    )
