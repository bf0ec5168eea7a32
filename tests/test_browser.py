"""End-to-end: Debian's chromium (playwright) against `munbook serve` on loopback."""

import sqlite3
import time
from pathlib import Path

import pytest
from conftest import SECTIONS, SOURCES

pytestmark = pytest.mark.browser

KENYA = "workbooks/interpol/kenya.ipynb"
JAPAN = "workbooks/interpol/japan.ipynb"
SECTION = ".mb-section-A-background textarea"
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine


def open_page(page, url: str):
    page.goto(url, timeout=TIMEOUT)
    page.wait_for_selector(".mb-gate, .mb-app", timeout=TIMEOUT)
    return page


def enter_code(page, code: str):
    page.fill(".mb-gate input[type=password]", code, timeout=TIMEOUT)
    page.get_by_role("button", name="Open").click()


def write(page, text: str):
    page.get_by_role("tab", name="Write").click()
    box = page.locator(SECTION)
    box.click()
    box.press("End")
    box.press_sequentially(text, delay=5)


def wait_saved(page, version: int | None = None):
    text = f"All changes saved · version {version}" if version else "All changes saved"
    page.get_by_text(text).wait_for(timeout=TIMEOUT)


def test_code_typing_reload_restores(served, page, demo_home):
    open_page(page, served.url(KENYA))
    enter_code(page, demo_home["Kenya"])
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    write(page, "Kenya's Pharmacy and Poisons Board leads the fight — 日本語 too.")
    wait_saved(page, 1)
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    assert (
        page.locator(SECTION).input_value()
        == "Kenya's Pharmacy and Poisons Board leads the fight — 日本語 too."
    )
    page.screenshot(path=str(served.log.parent / "workbook.png"), full_page=True)


def test_wrong_code_shows_nothing(served, page):
    open_page(page, served.url(KENYA))
    enter_code(page, "AAAA-BBBB-CCCC")
    page.wait_for_selector(".mb-denied", timeout=TIMEOUT)
    assert page.locator(".mb-app").count() == 0
    assert "Wanjiru" not in page.content() and "Counterfeit" not in page.content()


def test_another_delegations_workbook_refuses_the_code(served, page, demo_home):
    open_page(page, served.url(JAPAN, demo_home["Kenya"]))
    page.wait_for_selector(".mb-denied", timeout=TIMEOUT)
    assert page.locator(".mb-app").count() == 0


def test_sigkill_mid_typing_keeps_the_last_save(served, page, demo_home, home: Path):
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    write(page, "saved before the crash.")
    wait_saved(page, 1)
    time.sleep(2.5)
    page.locator(SECTION).press_sequentially(" typed while it dies", delay=20, timeout=5_000)
    served.kill()  # SIGKILL to the whole server process group, mid-typing
    with sqlite3.connect(home / "munbook.sqlite") as db:
        assert db.execute("pragma integrity_check").fetchone() == ("ok",)
    served.start()
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Write").click()
    restored = page.locator(SECTION).input_value()
    assert restored.startswith("saved before the crash.")
    assert (
        " typed while it dies".startswith(restored.removeprefix("saved before the crash."))
        or restored == "saved before the crash."
    )


def test_advisor_app_shows_the_delegations(served, page, demo_home):
    open_page(page, served.url("apps/advisor.ipynb"))
    enter_code(page, demo_home["secretariat"])
    page.get_by_text("munbook · secretariat").wait_for(timeout=TIMEOUT)
    table = page.locator(".mb-delegations .mb-table")
    assert "Kenya" in table.inner_text() and "Japan" in table.inner_text()
    page.screenshot(path=str(served.log.parent / "advisor.png"), full_page=True)


def test_codes_never_reach_the_server_log(served, page, demo_home):
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    served.kill(15)
    log = served.log.read_text()
    assert "GET /voila/render/workbooks/interpol/kenya.ipynb" in log
    for code in demo_home.values():
        assert code not in log


def test_paper_tab_previews_and_submits(served, page, demo_home, home: Path):
    from widgets.store import Store
    from widgets.workflows import roster

    store = Store()
    roster.import_rows(
        roster.parse(
            b"delegate,school,committee,country\nWanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\n"
        )
    )
    kenya = store.find_delegation("interpol", "KEN")
    sections = {f"{t}.{s}": f"Kenya {t} {s}." for t in "AB" for s in SECTIONS}
    store.save_draft(
        kenya.id, {"sections": sections, "sources": SOURCES, "disclosure": "None."}, None
    )
    open_page(page, served.url(KENYA, demo_home["Kenya"]))
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Paper & submit").click()
    page.get_by_text("1 page of 2 allowed").wait_for(timeout=TIMEOUT)
    assert page.locator(".mb-app img").count() == 2  # the paper page and the works cited
    assert (
        page.locator("a.mb-download")
        .get_attribute("href")
        .startswith("data:application/pdf;base64,")
    )
    page.get_by_role("button", name="Submit my paper").click()
    page.get_by_role("button", name="Submit anyway").click()  # 32 words: far under
    page.get_by_text("Submitted version 1 at").first.wait_for(timeout=TIMEOUT)
    receipt = page.locator(".mb-receipt").inner_text()
    assert store.submissions(kenya.id)[-1]["sha256"] in receipt and "on time" in receipt
    page.screenshot(path=str(served.log.parent / "paper.png"), full_page=True)


def test_chair_app_shows_the_committee(served, page, demo_home):
    open_page(page, served.url("apps/chair.ipynb"))
    enter_code(page, demo_home["chair"])
    page.get_by_text("munbook · chair · INTERPOL").wait_for(timeout=TIMEOUT)
    assert "<b>0</b> missing, <b>2</b> not yet submitted" in page.content()  # deadline ahead
    assert "No paper submitted yet." in page.content() and "No paper scored yet." in page.content()
    table = page.locator(".mb-table").first.inner_text()
    assert "Kenya" in table and "Japan" in table
    page.screenshot(path=str(served.log.parent / "chair.png"), full_page=True)


def test_a_delegate_code_does_not_open_the_chair_app(served, page, demo_home):
    open_page(page, served.url("apps/chair.ipynb", demo_home["Kenya"]))
    page.wait_for_selector(".mb-denied", timeout=TIMEOUT)
    assert "munbook · chair · INTERPOL" not in page.content()


def test_advisor_uploads_a_roster(served, page, demo_home, files: Path):
    open_page(page, served.url("apps/advisor.ipynb", demo_home["secretariat"]))
    page.get_by_text("munbook · secretariat").wait_for(timeout=TIMEOUT)

    def upload(name: str, data: bytes) -> None:
        with page.expect_file_chooser(timeout=TIMEOUT) as chooser:
            page.get_by_role("button", name="Roster CSV").click()
        chooser.value.set_files(files=[{"name": name, "mimeType": "text/csv", "buffer": data}])

    upload("bad.csv", (files / "roster_bad_rows.csv").read_bytes())
    page.get_by_text("bad.csv: nothing imported.").wait_for(timeout=TIMEOUT)
    page.get_by_text("Line 4: “Keyna”").wait_for(timeout=TIMEOUT)  # asked, never guessed
    good = b"delegate,school,committee,country\nAma Owusu,Accra Academy,INTERPOL,Ghana\n"
    upload("good.csv", good)
    page.get_by_text("1 created").wait_for(timeout=TIMEOUT)
    page.get_by_role("button", name="Generate workbooks").click()
    page.get_by_text("Workbooks: 1 written, 2 unchanged, 0 failed").wait_for(timeout=TIMEOUT)
    assert "Ama Owusu" in page.locator(".mb-delegations .mb-table").inner_text()
