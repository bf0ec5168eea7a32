"""Chromium: an advisor pins comments to passages (mouse and keyboard); the delegate sees and replies."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import full_content, seed_kenya
from test_accessibility import ALSO_REFUSED, BLOCKING, describe, findings

from widgets.store import Store

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
TIMEOUT = 90_000
TEXT = "Kenya works with AFRIPOL. Operation Pangea seized fake medicines in 2023. More follows."
SHOTS = Path(__file__).parent.parent / "docs" / "screenshots"


def no_serious_findings(page) -> None:
    """axe-core finds nothing critical or serious (nor the rules the house refuses)."""
    page.wait_for_timeout(300)
    found = [v for v in findings(page) if v["impact"] in BLOCKING or v["id"] in ALSO_REFUSED]
    assert not found, describe(found)


def drag_over(page, quote: str) -> None:
    """Press the mouse at the quote's first character and release it at its last."""
    box = page.evaluate(
        """(quote) => {
          const area = document.querySelector('.mb-picker-text');
          const walker = document.createTreeWalker(area, NodeFilter.SHOW_TEXT);
          while (walker.nextNode()) {
            const node = walker.currentNode, at = node.textContent.indexOf(quote);
            if (at < 0) continue;
            const range = document.createRange();
            range.setStart(node, at); range.setEnd(node, at + 1);
            const a = range.getBoundingClientRect();
            range.setStart(node, at + quote.length - 1); range.setEnd(node, at + quote.length);
            const b = range.getBoundingClientRect();
            return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
          }
          return null;
        }""",
        quote,
    )
    assert box, quote
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=5)
    page.mouse.up()


def test_advisor_comments_by_mouse_and_keyboard_and_the_delegate_replies(
    served, browser, demo_home
):
    content = full_content()
    content["sections"]["A.background"] = TEXT
    kenya = seed_kenya(content, 100)
    store = Store()
    store.add_code("ADVI-SORC-ODE1", "advisor", school="Nairobi Academy")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="UTC")
    page = context.new_page()
    page.goto(served.url("apps/advisor.ipynb", "ADVI-SORC-ODE1"), timeout=TIMEOUT)
    reader = page.locator(".mb-draft-reader")
    reader.get_by_role("button", name="Open").click(timeout=TIMEOUT)
    comments = page.locator(".mb-paper-comments")
    comments.locator("select").first.select_option(label="Topic A · Topic background")
    picker = page.locator(".mb-picker-text")
    picker.get_by_text("Kenya works", exact=False).wait_for(timeout=TIMEOUT)

    drag_over(page, "AFRIPOL")  # the mouse
    page.get_by_text("Selected: “AFRIPOL”").wait_for(timeout=TIMEOUT)
    comments.locator("textarea").fill("Which year did Kenya join AFRIPOL?")
    comments.get_by_role("button", name="Add comment").click()
    page.get_by_text("Comment saved.").wait_for(timeout=TIMEOUT)

    picker.focus()  # the keyboard: next sentence twice, then one word less
    picker.press("ArrowDown")
    page.get_by_text("Selected: “Kenya works with AFRIPOL.”").wait_for(timeout=TIMEOUT)
    picker.press("ArrowDown")
    picker.press("Shift+ArrowLeft")
    page.get_by_text("Selected: “Operation Pangea seized fake medicines in”").wait_for(
        timeout=TIMEOUT
    )
    box = comments.locator("textarea")
    box.focus()
    box.press_sequentially("Give the numbers seized.", delay=5)
    page.wait_for_timeout(500)  # the box's value reaches the kernel
    comments.get_by_role("button", name="Add comment").focus()
    page.keyboard.press("Enter")
    page.locator(".mb-picker-n", has_text="2").wait_for(timeout=TIMEOUT)
    no_serious_findings(page)  # the picker, its marks and the comment cards
    for width in (1280, 390):  # looked at: the picker and the comments, desktop and phone
        page.set_viewport_size({"width": width, "height": 900})
        comments.scroll_into_view_if_needed()
        page.screenshot(
            path=str(served.log.parent / f"advisor-comments-{width}.png"), full_page=True
        )
    found = store.comments(kenya)
    assert [(c.quote, c.start, c.author_role) for c in found] == [
        ("AFRIPOL", 17, "advisor"),
        ("Operation Pangea seized fake medicines in", 26, "advisor"),
    ]
    assert found[1].body == "Give the numbers seized."
    context.close()

    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, timezone_id="UTC")
        page = context.new_page()
        page.goto(served.url(KENYA, demo_home["Kenya"]), timeout=TIMEOUT)
        page.wait_for_selector(".mb-app", timeout=TIMEOUT)
        page.get_by_role("tab", name="Write").click()
        beside = page.locator(".mb-beside").first
        beside.locator("mark.mb-passage", has_text="AFRIPOL").wait_for(timeout=TIMEOUT)
        assert "Which year did Kenya join AFRIPOL?" in beside.inner_text()
        if width == 390:
            no_serious_findings(page)  # the commented section, on a phone
        if width == 1280:
            thread = beside.locator(".mb-thread").first
            thread.locator("textarea").fill("In 2019, with its NCB in Nairobi.")
            page.wait_for_timeout(500)
            thread.get_by_role("button", name="Reply").click()
            page.get_by_text("In 2019, with its NCB in Nairobi.").first.wait_for(timeout=TIMEOUT)
        else:
            # On a phone the comments sit below the text, not beside it.
            text_box = beside.locator(".mb-beside-text").bounding_box()
            notes_box = beside.locator(".mb-beside-notes").bounding_box()
            assert notes_box["y"] >= text_box["y"] + text_box["height"] - 1
        beside.scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -120)")
        out = SHOTS if os.environ.get("MUNBOOK_SHOTS") else served.log.parent
        page.screenshot(path=str(out / f"delegate-comments-{width}.png"))
        context.close()
    replies = store.comments(kenya)[0].replies
    assert [r.body for r in replies] == ["In 2019, with its NCB in Nairobi."]
    store.dispose()
