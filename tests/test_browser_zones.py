"""In chromium: times in the browser's zone, a Word list pasted into a section, the phone profile.

Screenshots at desktop (1280) and phone (390) width land in MUNBOOK_ZONES_SHOTS
when that is set, else beside the server log.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from conftest import pdf_words

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
SECTION = ".mb-section-A-country_policy textarea"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
FILES = Path(__file__).parent / "files"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def shots(served) -> Path:
    folder = Path(os.environ.get("MUNBOOK_ZONES_SHOTS") or served.log.parent)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_workbook(browser, served, code: str, viewport: dict, zone: str = "Africa/Nairobi"):
    context = browser.new_context(viewport=viewport, timezone_id=zone)
    page = context.new_page()
    page.goto(served.url(KENYA, code), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app .mb-header", timeout=TIMEOUT)
    return context, page


def test_times_in_the_browser_zone_with_the_committee_deadline(served, browser, demo_home):
    context, page = open_workbook(browser, served, demo_home["Kenya"], DESKTOP)
    header = page.locator(".mb-header")
    # The deadline is 23:59 in Mexico City on Fri 26 Feb: 08:59 the next morning in Nairobi.
    page.get_by_text("your time (Africa/Nairobi)").first.wait_for(timeout=TIMEOUT)
    text = header.inner_text()
    assert "Deadline Sat 27 Feb 2027, 08:59 your time (Africa/Nairobi)" in text
    assert "Fri 26 Feb 23:59 America/Mexico_City, the committee's" in text
    assert "committee's zone" not in text  # no fallback note once the browser said its zone
    page.get_by_role("tab", name="Write").click()
    page.locator(SECTION).fill("Kenya's policy in one line.")
    saved = page.get_by_text(re.compile(r"All changes saved · version 1 · .* your time"))
    saved.wait_for(timeout=TIMEOUT)
    clock = page.evaluate(
        "() => new Intl.DateTimeFormat('en-GB', {hour: '2-digit', minute: '2-digit',"
        " hourCycle: 'h23'}).format(new Date())"
    )
    assert clock[:2] in saved.inner_text()  # the hour the delegate's own clock shows
    page.screenshot(path=str(shots(served) / "zones-desktop-1280.png"), full_page=True)
    context.close()
    context, page = open_workbook(browser, served, demo_home["Kenya"], PHONE)
    page.get_by_text("your time (Africa/Nairobi)").first.wait_for(timeout=TIMEOUT)
    page.screenshot(path=str(shots(served) / "zones-phone-390.png"), full_page=True)
    context.close()


PASTE = """([selector, html, text]) => {
  const area = document.querySelector(selector);
  area.focus();
  area.setSelectionRange(area.value.length, area.value.length);
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", text);
  const event = new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true});
  area.dispatchEvent(event);
  return event.defaultPrevented;
}"""


def test_a_word_list_pasted_into_a_section_is_a_list_in_the_draft(served, browser, demo_home):
    from widgets.core.markdown import parse
    from widgets.paper.export import render
    from widgets.store import Store
    from widgets.workflows.papers import latest_paper

    context, page = open_workbook(browser, served, demo_home["Kenya"], DESKTOP)
    page.get_by_role("tab", name="Write").click()
    box = page.locator(SECTION)
    box.fill("Kenya acts at home.")
    page.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    html = (FILES / "paste_word.html").read_text(encoding="utf-8")
    text = (FILES / "paste_word.txt").read_text(encoding="utf-8")
    assert page.evaluate(PASTE, [SECTION, html, text])  # the page took the paste over
    page.wait_for_function(
        "s => document.querySelector(s).value.includes('  - sub-point')", arg=SECTION
    )
    page.get_by_text("All changes saved · version 2").wait_for(timeout=TIMEOUT)
    value = box.input_value()
    assert value.startswith("Kenya acts at home.\n\nKey measures:\n\n- the National KE-CIRT/CC")
    assert "osub-point" not in value and "•" not in value
    page.locator(".mb-section-A-country_policy").scroll_into_view_if_needed()
    page.screenshot(path=str(shots(served) / "paste-desktop-1280.png"))

    store = Store()
    kenya = store.find_delegation("interpol", "KEN")
    section = store.latest_draft(kenya.id).content["sections"]["A.country_policy"]
    assert section == value
    assert [b["t"] for b in parse(section)] == ["p", "p", "ul", "p", "ol"]
    pdf = render(latest_paper(store, kenya.id)).pdf
    words = pdf_words(pdf)
    assert "• the National KE-CIRT/CC" in words or "the National KE-CIRT/CC" in words
    from pypdf import PdfReader

    lines = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).splitlines()
    # Each item on its own line in the PDF, not run into "Key measures:".
    assert not any("Key measures:" in line and "National" in line for line in lines)
    assert any(line.strip().startswith(("1.", "1")) and "train" in line for line in lines)
    context.close()


def test_the_country_profile_reads_as_paragraphs_on_a_phone(served, browser, demo_home):
    context, page = open_workbook(browser, served, demo_home["Kenya"], PHONE)
    page.get_by_role("tab", name="Read").click()
    page.get_by_role("tab", name="Kenya", exact=True).click()
    page.wait_for_selector(".mb-profile", timeout=TIMEOUT)
    page.set_viewport_size({"width": 390, "height": 2400})  # Voilà scrolls inside
    page.screenshot(path=str(shots(served) / "profile-phone-390.png"), full_page=True)
    page.set_viewport_size(PHONE)
    widths = page.eval_on_selector_all(
        ".mb-profile .mb-facts td:first-of-type, .mb-profile p, .mb-source",
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().width)",
    )
    # Squeezed, a value was about 60 px wide: one or two words a line.
    assert widths and min(widths) >= 0.7 * PHONE["width"], widths
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= PHONE["width"] + 1  # nothing runs off the side
    context.close()
    context, page = open_workbook(browser, served, demo_home["Kenya"], DESKTOP)
    page.get_by_role("tab", name="Read").click()
    page.get_by_role("tab", name="Kenya", exact=True).click()
    page.wait_for_selector(".mb-profile", timeout=TIMEOUT)
    page.set_viewport_size({"width": 1280, "height": 2400})
    page.screenshot(path=str(shots(served) / "profile-desktop-1280.png"), full_page=True)
    context.close()
