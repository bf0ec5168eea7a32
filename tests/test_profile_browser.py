"""The country profile in a real browser: Kenya, Malta and Kyrgyzstan show the right memberships.

Screenshots of each Read tab are written to tmp_path (and kept in
MUNBOOK_PROFILE_SHOTS when that is set) so a person can look at them.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import pytest
from conftest import CHROMIUM, Served

pytestmark = pytest.mark.browser
TIMEOUT = 90_000  # a cold kernel on a busy 2-core machine

EXPECTED = {
    # country: (shown, not shown)
    "Kenya": (
        ["African Union", "G20: through the African Union", "AFRIPOL", "member: yes"],
        ["OECD", "European Union"],
    ),
    "Malta": (
        ["European Union", "G20: through the European Union", "Council of Europe"],
        ["OECD", "African Union"],
    ),
    "Kyrgyzstan": (["CIS", "United Nations", "INTERPOL"], ["G20", "OECD", "BRICS"]),
}


@pytest.fixture
def profiles(home: Path, tmp_path: Path):
    """Workbooks for the three countries (codes from generation), served by munbook."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    from widgets.workflows import generate

    result = generate.generate("interpol", country_names=list(EXPECTED), progress=False)
    with result.codes_file.open() as fh:
        codes = {row["country"]: row["code"] for row in csv.DictReader(fh) if row["country"]}
    server = Served(home, tmp_path / "serve.log")
    server.start()
    yield server, codes
    server.kill()


def open_profile(page, server: Served, country: str, code: str):
    path = f"workbooks/interpol/{country.lower()}.ipynb"
    page.goto(server.url(path, code), timeout=TIMEOUT)
    page.wait_for_selector(".mb-app", timeout=TIMEOUT)
    page.get_by_role("tab", name="Read").click()
    page.get_by_role("tab", name=country, exact=True).click()
    page.wait_for_selector(".mb-profile", timeout=TIMEOUT)
    return page.locator(".mb-profile-page")


def test_profiles_show_the_right_memberships(profiles, page, tmp_path: Path):
    server, codes = profiles
    keep = os.environ.get("MUNBOOK_PROFILE_SHOTS")
    for country, (shown, hidden) in EXPECTED.items():
        card = open_profile(page, server, country, codes[country])
        pills = card.locator(".mb-membership").all_inner_texts()
        text = card.inner_text()
        for name in shown:
            assert name in text, f"{country}: {name} missing"
        for name in hidden:
            assert not any(name in pill for pill in pills), f"{country}: {name} shown"
        assert "G20" not in pills, f"{country} shown as a G20 member"
        assert "as of" in text.lower() or "2025-01-01" in text
        shot = tmp_path / f"profile-{country.lower()}.png"
        page.set_viewport_size({"width": 1100, "height": 2800})  # Voilà scrolls inside
        page.screenshot(path=str(shot), full_page=True)
        page.set_viewport_size({"width": 1100, "height": 900})
        if keep:
            Path(keep).mkdir(parents=True, exist_ok=True)
            shutil.copy(shot, Path(keep) / shot.name)


def test_add_to_sources_reaches_the_draft(profiles, page):
    server, codes = profiles
    card = open_profile(page, server, "Malta", codes["Malta"])
    button = card.locator(".mb-add-source").first
    button.click()
    page.get_by_text("All changes saved · version 1").wait_for(timeout=TIMEOUT)
    card.get_by_role("button", name="In your sources").first.wait_for(timeout=TIMEOUT)
    page.get_by_role("tab", name="Sources").click()
    # The first source of the card, as the Sources tab's works cited shows it.
    assert "ISO 3166 Country Codes" in page.locator(".mb-app").inner_text()
