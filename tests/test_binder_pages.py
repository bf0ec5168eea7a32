"""The binder prints its own page numbers: each one is the page's place, as the contents say."""

import hashlib
import re
import subprocess
from pathlib import Path

import pytest
from conftest import hand_pdf
from PIL import Image
from pypdf import PdfReader

from widgets.paper import export, notebook
from widgets.store import Store, now
from widgets.workflows import binder

WORDS = "Counterfeit medicines reach patients through informal markets in every region. "
SOURCES = [{"author": "INTERPOL", "title": "Operation Pangea", "date": "2024"}]


def _untagged_pdf() -> bytes:
    """An A4 page from an old word processor: its footer 'page 1 of 1' is not marked as one."""
    stream = (
        b"BT /F1 11 Tf 72 700 Td (Ghana supports regional police training.) Tj ET "
        b"BT /F1 9 Tf 280 20 Td (page 1 of 1) Tj ET"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>stream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return hand_pdf(objects)


def _submit_pdf(db: Store, delegation: int, pdf: bytes, ingested: bool = False) -> None:
    db.add_submission(
        delegation,
        submitted_at=now(),
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        seconds_late=0,
        pages=1,
        words=1,
        text="",
        ingested=ingested,
        source_name="x.pdf",
    )


@pytest.fixture
def bound(home: Path) -> tuple[PdfReader, Path]:
    db = Store()
    lengths = {"KEN": 700, "JPN": 150}  # words a section: Kenya's paper 5 pages, Japan's 3
    for code, per_section in lengths.items():
        delegation = db.add_delegation("interpol", code, f"Delegate {code}", "School")
        sections = {f"{t}.background": WORDS * (per_section // 10) for t in "AB"}
        nb = notebook.paper_notebook(
            "interpol", db.delegation(delegation), {"sections": sections, "sources": SOURCES}
        )
        _submit_pdf(db, delegation, export.render(nb).pdf)
    ghana = db.add_delegation("interpol", "GHA", "Ama Mensah", "Accra School")
    _submit_pdf(db, ghana, _untagged_pdf(), ingested=True)
    result = binder.build_binder(db, "interpol")
    return PdfReader(result.path), result.path


def _text(page) -> list[str]:
    return [line.strip() for line in page.extract_text().splitlines() if line.strip()]


def test_every_page_prints_its_place(bound):
    reader, _ = bound
    total = len(reader.pages)
    assert total == 2 + 1 + 3 + 5  # cover, contents, Ghana, Japan, Kenya (works cited included)
    assert not re.search(r"page \d+ of \d+", reader.pages[0].extract_text())  # the cover
    for number, page in enumerate(reader.pages[1:], 2):
        lines = _text(page)
        assert lines[-1].endswith(f"page {number} of {total}"), (number, lines[-3:])
        printed = re.findall(r"page (\d+) of (\d+)", page.extract_text())
        if number != 3:  # Ghana's unmarked footer stays in its text, hidden under white
            assert printed == [(str(number), str(total))], (number, printed)


def test_contents_and_bookmarks_point_at_the_printed_numbers(bound):
    reader, _ = bound
    contents = {
        m.group(1): int(m.group(2))
        for line in _text(reader.pages[1])
        if (m := re.match(r"^(\w+)[ .]*?(\d+)$", line))
    }
    assert contents == {"Ghana": 3, "Japan": 4, "Kenya": 7}
    marks = {item.title: reader.get_destination_page_number(item) + 1 for item in reader.outline}
    assert marks == {"Contents": 2, **contents}
    for country, number in contents.items():
        first = _text(reader.pages[number - 1])
        assert first[-1] == f"{country} · INTERPOL page {number} of {len(reader.pages)}"


def test_unmarked_footer_is_covered_on_the_printed_page(bound, tmp_path: Path):
    """Ghana's own 'page 1 of 1' (x 280-330 pt, 20 pt up an A4 page) prints as white."""
    _, path = bound
    subprocess.run(
        ["pdftoppm", "-png", "-r", "72", "-f", "3", "-l", "3", str(path), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    width, height = image.size
    assert (width, height) == (595, 842)
    old_footer = image.crop((275, height - 32, 340, height - 16))
    assert old_footer.getextrema() == (255, 255)
    body = image.crop((72, height - 712, 300, height - 695))
    assert body.getextrema()[0] < 128  # the paper's text is still there
