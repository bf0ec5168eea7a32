"""End-to-end in chromium: a new code is asked once by name, Cancel keeps the old one,
Confirm shows the new code and its slip; one slips link; no empty progress bar.

Screenshots of the codes panel (question, then result) at desktop and phone width
land in ``$MUNBOOK_SHOTS`` when set, else beside the server log.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

NBSP = "\xa0"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine
ROSTER = (
    b"delegate,school,committee,country\n"
    b"Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
    b"Haruto Sato,TIS,INTERPOL,Japan\n"
)


def shots(served) -> Path:
    folder = Path(os.environ.get("MUNBOOK_SHOTS") or served.log.parent)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_new_code_is_asked_once_and_shown(served, browser, demo_home):
    from widgets.store import Store
    from widgets.workflows import roster

    store = Store()
    roster.import_rows(roster.parse(ROSTER), store)  # names the demo's Kenya and Japan
    kenya = store.find_delegation("interpol", "KEN")
    people = ((1280, "Kenya", "KEN", "Wanjiru Kamau"), (390, "Japan", "JPN", "Haruto Sato"))
    for width, country, iso, who in people:
        delegation = store.find_delegation("interpol", iso)
        old = demo_home[country]
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(served.url("apps/advisor.ipynb", demo_home["secretariat"]), timeout=TIMEOUT)
        page.get_by_text("munbook · secretariat").wait_for(timeout=TIMEOUT)
        assert page.locator(".widget-hprogress, .widget-progress").first.is_hidden()
        box = page.locator(".mb-issue-code")
        picker = box.locator("select")
        shown = picker.evaluate("s => s.options[s.selectedIndex].text")
        assert shown.replace(NBSP, " ") == "Choose a delegation"  # ipywidgets keeps spaces so
        texts = picker.evaluate("s => [...s.options].map(o => o.text)")
        wanted = f"INTERPOL · {iso} · {who}"
        picker.select_option(index=[t.replace(NBSP, " ") for t in texts].index(wanted))
        box.get_by_role("button", name="Issue a new code").click()
        question = f"{country} - {who} (INTERPOL): the old code stops working now."
        page.get_by_text(question).wait_for(timeout=TIMEOUT)
        assert store.check_code(old, "delegate", "interpol", delegation.id)
        page.set_viewport_size({"width": width, "height": 2400})
        page.wait_for_timeout(300)
        page.locator(".mb-codes").screenshot(path=str(shots(served) / f"codes-ask-{width}.png"))
        if width == 1280:
            box.get_by_role("button", name="Cancel").click()
            page.get_by_text("Nothing changed: the old code still works.").wait_for(timeout=TIMEOUT)
            assert store.check_code(old, "delegate", "interpol", delegation.id)
            box.get_by_role("button", name="Issue a new code").click()
            page.get_by_text(question).wait_for(timeout=TIMEOUT)
        box.get_by_role("button", name="Confirm").click()
        page.get_by_text(f"New code for {country} - {who} (INTERPOL)").wait_for(timeout=TIMEOUT)
        code = box.locator("code.mb-new-code").inner_text()
        assert re.fullmatch(r"[A-Z0-9-]+", code)
        assert store.check_code(code, "delegate", "interpol", delegation.id)
        assert not store.check_code(old, "delegate", "interpol", delegation.id)
        slip = box.get_by_role("link", name="Download its slip (PDF)")
        assert slip.get_attribute("href").startswith("data:application/pdf;base64,")
        # Tall enough that the page's own scrolling box shows the whole panel in the shot.
        page.set_viewport_size({"width": width, "height": 2400})
        page.wait_for_timeout(300)
        page.locator(".mb-codes").screenshot(path=str(shots(served) / f"codes-done-{width}.png"))
        page.screenshot(path=str(shots(served) / f"advisor-{width}.png"), full_page=True)
        if width == 1280:
            for _ in range(2):
                page.get_by_role("button", name="Make code slips (PDF)").click()
                page.get_by_text("one per delegate, to cut out").wait_for(timeout=TIMEOUT)
            page.wait_for_timeout(500)
            assert page.get_by_role("link", name="Download code slips (PDF)").count() == 1
            assert page.get_by_role("button", name="Download code slips (PDF)").count() == 0
        context.close()
    assert store.find_delegation("interpol", "KEN").id == kenya.id
