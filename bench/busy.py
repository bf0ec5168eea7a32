"""Click to a busy state, and click to the result, in chromium: the Paper tab's preview.

The delegate clicks "Refresh preview"; the page says what is happening (``.mb-busy``)
within a round trip, then shows the page images. Both times are measured in
the page (``performance.now()`` at the click and at the first frame showing each).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

WATCH = """
() => new Promise((resolve) => {
  const t0 = performance.now();
  const seen = {};
  const look = () => {
    if (!seen.busy && document.querySelector('.mb-busy')) seen.busy = performance.now() - t0;
    if (seen.busy && !document.querySelector('.mb-busy') && document.querySelector('.mb-paper-page')) {
      seen.done = performance.now() - t0;
      resolve(seen);
      return;
    }
    requestAnimationFrame(look);
  };
  document.querySelector('.mb-refresh-preview').click();
  requestAnimationFrame(look);
})
"""


def run(
    report: Callable[[str, str, str, bool], None], url: str, chromium: str, args: list[str]
) -> None:
    from playwright.sync_api import sync_playwright

    busy, done = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page()
        page.goto(url, timeout=120_000)
        page.wait_for_selector(".mb-app", timeout=120_000)
        page.get_by_role("tab", name="Paper & submit").click()
        page.locator(".mb-paper-page").first.wait_for(timeout=120_000)  # the first preview
        for _ in range(5):
            seen = page.evaluate(WATCH)
            busy.append(seen["busy"])
            done.append(seen["done"])
        browser.close()
    b, d = statistics.median(busy), statistics.median(done)
    report(
        "busy",
        f"Refresh preview: busy state on screen {b:.0f} ms after the click, the preview "
        f"{d:.0f} ms (median of 5); before, the first sign was the preview itself: "
        f"ratio {d / b:.0f}x sooner",
        "busy state within 100 ms of the click",
        b <= 100,
    )
