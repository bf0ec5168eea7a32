"""In chromium: the History tab lists writing sessions and shows the diff of two versions picked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
SHOTS = Path("/tmp/munbook-history-shots")
TEXTS = [
    "Kenya **supports** AFRIPOL.",
    "Kenya **supports** AFRIPOL and Operation Pangea in Nairobi.",
    "Kenya strongly supports AFRIPOL and Operation Pangea across East Africa.",
]


def seed() -> None:
    """Three versions of Kenya's Topic A background: two writing sessions a day apart."""
    from widgets.store import Store

    store = Store()
    kenya = store.find_delegation("interpol", "KEN").id
    at = datetime.now(UTC) - timedelta(days=1)
    version = None
    for text, minutes in zip(TEXTS, [0, 10, 24 * 60], strict=True):
        content = {"sections": {"A.background": text}, "sources": [], "disclosure": ""}
        version = store.save_draft(
            kenya,
            content,
            version,
            words=len(text.split()),
            saved_at=at + timedelta(minutes=minutes),
        )


def pick(page, which: str, version: int) -> None:
    """Choose "version N" in From or To (the options' text, as a person reads it)."""
    select = page.locator(f".mb-compare-{which} select")
    texts = [t.replace("\xa0", " ") for t in select.locator("option").all_inner_texts()]
    index = next(i for i, t in enumerate(texts) if t.startswith(f"version {version} ·"))
    select.select_option(index=index)


@pytest.mark.parametrize("width", [1280, 390])
def test_history_shows_sessions_and_the_diff_of_two_versions(served, browser, demo_home, width):
    seed()
    context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="UTC")
    page = context.new_page()
    page.goto(served.url(KENYA, demo_home["Kenya"]), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="History").click()
    sessions = page.locator(".mb-session-list select")
    sessions.locator("option").nth(1).wait_for(state="attached", timeout=TIMEOUT)
    assert sessions.locator("option").count() == 2
    first = sessions.locator("option").nth(1).inner_text().replace("\xa0", " ")
    assert first.endswith("· 2 versions · 8 words (+8)")
    pick(page, "from", 1)
    pick(page, "to", 3)
    page.get_by_text("From version 1 to version 3").wait_for(timeout=TIMEOUT)
    added = page.locator(".mb-diff-text ins").all_inner_texts()
    removed = page.locator(".mb-diff-text del").all_inner_texts()
    assert any("strongly" in t and "added" in t for t in added)
    assert removed == []  # only words added from version 1 to 3
    shown = page.locator(".mb-diff").inner_text()
    assert "**" not in shown and "Kenya" in shown  # text, not markdown
    # Not colour alone: the inserted words are underlined, the removed struck through.
    line = page.locator(".mb-diff-text ins").first.evaluate(
        "e => getComputedStyle(e).textDecorationLine"
    )
    assert line == "underline"
    # Keyboard: the session list takes focus and an arrow key picks a session.
    sessions.focus()
    page.keyboard.press("End")
    page.get_by_text("From version 1 to version 2").wait_for(timeout=TIMEOUT)
    pick(page, "from", 2)
    pick(page, "to", 3)
    page.get_by_text("From version 2 to version 3").wait_for(timeout=TIMEOUT)
    removed = page.locator(".mb-diff-text del").all_inner_texts()
    assert any("in Nairobi" in t and "removed" in t for t in removed)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1  # nothing runs off the side
    SHOTS.mkdir(exist_ok=True)
    pick(page, "from", 1)
    pick(page, "to", 3)
    page.get_by_text("From version 1 to version 3").wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(SHOTS / f"history-{width}.png"))
    page.locator(".mb-diff").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"history-diff-{width}.png"))
    context.close()
