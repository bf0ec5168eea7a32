"""Click to a busy state, and click to the result, in chromium: what a delegate waits for.

Three waits of the Paper tab: opening it the first time in a page (a cold
preview), "Refresh preview" (warm) and "Submit my paper" (the checks; an
empty demo draft is refused, so every try is the same). The page says what is
happening (``.mb-busy``) and then shows the result. Times run from the
pointer going down (a capture listener) to the first DOM change showing each,
seen by a MutationObserver, so a busy line shorter than a frame still counts.
Before the busy states, the first sign of any of these was the result itself.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

ARM = """
(done) => {
  window.__seen = new Promise((resolve, reject) => {
    const seen = {};
    let t0 = null;
    document.addEventListener('pointerdown', () => { t0 = performance.now(); },
                              {capture: true, once: true});
    const look = () => {
      if (t0 === null) return;
      if (!seen.busy && document.querySelector('.mb-busy')) seen.busy = performance.now() - t0;
      if (seen.busy && !document.querySelector('.mb-busy') && document.querySelector(done)) {
        seen.done = performance.now() - t0;
        observer.disconnect();
        resolve(seen);
      }
    };
    const observer = new MutationObserver(look);
    observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                     characterData: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('nothing in 90 s: ' + JSON.stringify(seen))); }, 90000);
  });
}
"""

PAGES = ".mb-paper-page"
SAID = "body"  # the submit's answer: whatever replaces the busy line


def _timed(page, click: Callable[[], None], done: str) -> tuple[float, float]:
    page.evaluate(ARM, done)
    click()
    seen = page.evaluate("window.__seen")
    return seen["busy"], seen["done"]


def run(
    report: Callable[[str, str, str, bool], None], url: str, chromium: str, args: list[str]
) -> None:
    from playwright.sync_api import sync_playwright

    waits: dict[str, list[tuple[float, float]]] = {"first preview": [], "refresh": [], "submit": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        for _ in range(3):  # a new page each time: a new kernel, so a cold first preview
            page = browser.new_page()
            page.goto(url, timeout=120_000)
            page.wait_for_selector(".mb-app", timeout=120_000)
            tab = page.get_by_role("tab", name="Paper & submit")
            waits["first preview"].append(_timed(page, tab.click, PAGES))
            refresh = page.locator(".mb-refresh-preview")
            waits["refresh"].append(_timed(page, refresh.click, PAGES))
            submit = page.get_by_role("button", name="Submit my paper")
            waits["submit"].append(_timed(page, submit.click, SAID))
            page.close()
        browser.close()
    for name, pairs in waits.items():
        b = statistics.median(x for x, _ in pairs)
        d = statistics.median(y for _, y in pairs)
        report(
            "busy",
            f"{name}: busy state on screen {b:.0f} ms after the click, the result {d:.0f} ms "
            f"(median of {len(pairs)}); before, nothing showed until the result: "
            f"{d / max(b, 1):.1f}x sooner",
            "busy state within 100 ms of the click",
            b <= 100,
        )
