"""`munbook lab`: JupyterLab for staff, driven in Debian's chromium."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import CHROMIUM, free_port

from widgets.serving import lab
from widgets.workflows import demo

pytestmark = pytest.mark.browser


@pytest.fixture
def lab_server(home: Path, tmp_path: Path):
    """``munbook lab`` on the demo data, in a subprocess; yields its URL with the token."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/system-packages installs it)")
    made = demo.prepare()
    port = free_port()
    log = (tmp_path / "lab.log").open("w")
    munbook = Path(sys.executable).parent / "munbook"
    process = subprocess.Popen(
        [str(munbook), "lab", "--port", str(port), "--allow-root"],
        env={**os.environ, "MUNBOOK_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
    )
    url = ""
    for line in process.stdout:
        if "open: " in line:
            url = line.split("open: ", 1)[1].strip()
            break
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    yield url, made
    os.killpg(process.pid, 9)
    process.wait(timeout=30)


def test_prepare_refuses_a_busy_port_and_makes_a_token(home: Path):
    launch = lab.prepare(port=free_port())
    assert re.search(r"/lab\?token=[\w-]{20,}$", launch.url)
    assert "--ServerApp.terminals_enabled=False" in launch.argv
    assert (home / "analysis" / "chair-analysis.ipynb").exists()
    assert (home / "site" / "apps" / "chair.ipynb").exists()


def test_lab_without_the_token_shows_nothing(lab_server):
    url, _ = lab_server
    base = url.split("/lab?")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{base}/api/contents/analysis")
    assert refused.value.code == 403


def run_all(page) -> None:
    page.wait_for_selector(".jp-Notebook", state="attached", timeout=60_000)
    # The status bar says "Python 3 (ipykernel) | Idle" once the kernel is up.
    page.get_by_text("| Idle").wait_for(timeout=90_000)
    page.locator("#jp-MainMenu").get_by_text("Run", exact=True).click()
    page.get_by_text("Run All Cells", exact=True).click()


def test_chair_analysis_renders_its_table_in_lab(lab_server, page):
    url, _ = lab_server
    page.goto(url.replace("/lab?", "/lab/tree/analysis/chair-analysis.ipynb?"))
    run_all(page)
    table = page.wait_for_selector(".jp-OutputArea-output table", state="attached", timeout=120_000)
    assert "Kenya" in table.text_content()
    page.screenshot(path=str(Path(os.environ.get("MUNBOOK_HOME", ".")) / "lab.png"))


def test_a_workbook_opens_in_lab_behind_its_gate(lab_server, page):
    url, made = lab_server
    page.goto(url.replace("/lab?", "/lab/tree/site/workbooks/interpol/kenya.ipynb?"))
    run_all(page)
    page.get_by_text("Type the access code you were given").wait_for(timeout=120_000)
    page.locator(".mb-gate .mb-code-field input").fill(made.delegate_code)
    page.locator(".mb-gate").get_by_role("button", name="Open").click()
    output = page.locator(".jp-OutputArea-output")
    output.get_by_text("Write", exact=True).first.wait_for(timeout=60_000)
    assert output.get_by_text("Kenya", exact=False).first.is_visible()
    page.screenshot(path=str(Path(os.environ["MUNBOOK_HOME"]) / "lab-workbook.png"))
