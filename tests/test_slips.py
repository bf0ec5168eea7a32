"""Printable code slips: one per delegate, per school, any script, read back from the PDF."""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from widgets import settings
from widgets.apps.advisor import advisor_app
from widgets.cli import main
from widgets.core import access
from widgets.exceptions import MunbookError
from widgets.paper import fonts
from widgets.paper import slips as paper_slips
from widgets.store import Store
from widgets.workflows import roster, slips

ROSTER = (
    "delegate,school,committee,country\n"
    "يوسف العمراني,Lycée Descartes,INTERPOL,Morocco\n"
    "陈伟,Lycée Descartes,INTERPOL,Singapore\n"
    "प्रिया शर्मा,Lycée Descartes,INTERPOL,India\n"
    "Nguyễn Thị Lan,Lycée Descartes,INTERPOL,Vietnam\n"
    "Haruto Sato,Tokyo International School,INTERPOL,Japan\n"
)
NAMES = ("يوسف العمراني", "陈伟", "प्रिया शर्मा", "Nguyễn Thị Lan")


def pdf_text(path_or_bytes) -> str:
    """The PDF's text by pdftotext (keeps combining marks and Arabic order), else pypdf."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
        return done.stdout.decode()
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def school(store: Store) -> tuple[Store, dict[str, str]]:
    """A roster of two schools imported, on SQLite and on PostgreSQL."""
    result = roster.import_rows(roster.parse(ROSTER.encode()), store)
    with result.codes_file.open(encoding="utf-8") as fh:
        rows = list(__import__("csv").DictReader(fh))
    return store, {r["country"]: r["code"] for r in rows if r["role"] == "delegate"}


def test_one_slip_per_delegate_with_code_link_and_any_script(school):
    store, codes = school
    result = slips.write_slips(store, "lycee descartes")  # any spelling of the school
    assert result.count == 4 and result.without_code == []
    assert result.path.parent == settings.school_access_dir("lycee descartes")
    assert result.path.stat().st_mode & 0o777 == 0o600
    reader = PdfReader(result.path)
    text = " ".join(page.extract_text() for page in reader.pages)
    found = re.findall(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}(?!\S*ipynb)", text)
    school_codes = {codes[c] for c in ("Morocco", "Singapore", "India", "Vietnam")}
    assert school_codes <= set(found) and codes["Japan"] not in text
    assert "/open.ipynb?code=" + codes["India"] in text.replace("\n", "")
    printed = pdf_text(result.path)
    for name in NAMES:
        assert name in printed, f"{name} is missing from the slips"
    assert len(reader.pages) == 1  # four slips: one page of eight


def test_slips_leave_out_replaced_codes(school):
    store, codes = school
    japan = store.find_delegation("interpol", "JPN")
    new_code = roster.reissue_code(store, japan.id)[0]
    text = pdf_text(slips.write_slips(store, "Tokyo International School").path)
    assert new_code in text and codes["Japan"] not in text


def test_everyone_and_the_cli(school, home: Path):
    _, codes = school
    result = CliRunner().invoke(main, ["codes", "slips", "--public-url", "https://mun.example.org"])
    assert result.exit_code == 0, result.output
    (path,) = (home / "access").glob("slips-*.pdf")
    text = pdf_text(path).replace("\n", "")
    assert all(code in text for code in codes.values())
    # The entry page opens the workbook the code names; the link is short enough to type.
    assert f"https://mun.example.org/voila/render/open.ipynb?code={codes['Japan']}" in text
    unknown = CliRunner().invoke(main, ["codes", "slips", "--school", "Nowhere High"])
    assert unknown.exit_code == 2 and "Lycée Descartes" in unknown.output


def test_advisor_and_secretariat_download_slips(school):
    store, codes = school
    pdfs = {}
    for role, school_name in (("advisor", "Tokyo International School"), ("secretariat", None)):
        code = access.new_code()
        store.add_code(code, role, school=school_name)
        gate = advisor_app(store)
        gate._sleep = lambda seconds: None
        assert gate.try_code(code)
        page = gate.children[0]
        # An advisor cannot ask for another school's slips: they get their own.
        page.code_slips("Lycée Descartes")
        (blob,) = re.findall(
            r"data:application/pdf;base64,([A-Za-z0-9+/=]+)", page.slips_message.value
        )
        pdfs[role] = pdf_text(base64.b64decode(blob))
        assert "Download code slips (PDF)" in page.slips_message.value
    assert codes["Japan"] in pdfs["advisor"] and codes["India"] not in pdfs["advisor"]
    assert codes["India"] in pdfs["secretariat"] and codes["Japan"] not in pdfs["secretariat"]


def test_unprintable_characters_and_too_many_slips_are_refused():
    slip = {
        "delegate": "Ana",
        "school": "",
        "country": "Peru",
        "committee": "INTERPOL",
        "code": "AAAA-BBBB-CCCC",
        "link": "http://127.0.0.1:8866/x",
    }
    odd = "\U000f0001"  # a private-use character: no font should map it
    if fonts.drawable(odd):
        pytest.skip("an installed font maps U+F0001")
    with pytest.raises(MunbookError, match="U\\+F0001"):
        paper_slips.render_slips([{**slip, "delegate": "Ana" + odd}], "t")
    with pytest.raises(MunbookError, match=f"at most {paper_slips.MAX_SLIPS}"):
        paper_slips.render_slips([slip] * (paper_slips.MAX_SLIPS + 1), "t")


def test_serve_stops_on_the_first_ctrl_c(home: Path, tmp_path: Path):
    from conftest import free_port

    port = free_port()
    log = (tmp_path / "serve.log").open("w")
    munbook = Path(sys.executable).parent / "munbook"
    process = subprocess.Popen(
        [str(munbook), "serve", "--port", str(port)],
        env={**os.environ, "MUNBOOK_HOME": str(home)},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.3)
        process.send_signal(signal.SIGINT)  # what one Ctrl-C sends
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert "Stopping" in (tmp_path / "serve.log").read_text()
