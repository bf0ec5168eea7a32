"""Bounded ingest: sizes, pages, zip bombs and broken zips, links and FIFOs, patterns, names."""

import os
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import typst
from click.testing import CliRunner
from conftest import hand_pdf

from widgets.cli import main
from widgets.core.namepattern import compile_pattern
from widgets.exceptions import MunbookError
from widgets.store import Store
from widgets.workflows import ingest, ingest_sources, pdftext

PATTERN = "{committee}_{country}_{delegate}.pdf"


def raw_pdf(kids: bytes, count: int, content: bytes, flate: bool = False) -> bytes:
    """A PDF written by hand: a page tree with ``kids`` and one content stream."""
    stream = zlib.compress(content, 9) if flate else content
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % count,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d %s>>stream\n" % (len(stream), b"/Filter /FlateDecode " if flate else b"")
        + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return hand_pdf(objects)


def pages_pdf(pages: int, declared: int | None = None) -> bytes:
    """``pages`` pages that all point at one page object (60,000 pages in 360 KB)."""
    text = b"BT /F1 12 Tf 72 720 Td (Kenya works with AFRIPOL.) Tj ET"
    return raw_pdf(b"3 0 R " * pages, pages if declared is None else declared, text)


@pytest.fixture
def db(store: Store) -> Store:
    for code, name in (("KEN", "Kenya"), ("JPN", "Japan"), ("GHA", "Ghana"), ("PER", "Peru")):
        store.add_delegation("interpol", code, f"Delegate of {name}", f"School of {name}")
    return store


@pytest.fixture(scope="module")
def good() -> bytes:
    return typst.compile(b"Kenya works with AFRIPOL on Operation Pangea.", format="pdf")


# ---- the name pattern ---------------------------------------------------------------


def test_pattern_matches_like_before_and_in_linear_time():
    pattern = compile_pattern(PATTERN)
    assert pattern.match("INTERPOL_Kenya_Wanjiru_Kamau.PDF") == {
        "committee": "INTERPOL",
        "country": "Kenya",
        "delegate": "Wanjiru_Kamau",
    }
    assert pattern.match("interpol_Kenya.pdf") is None
    assert pattern.match("interpol__x.pdf") is None  # an empty field does not match
    assert compile_pattern("{country}.pdf").match("Côte d'Ivoire.pdf") == {
        "country": "Côte d'Ivoire"
    }
    assert compile_pattern("paper-{country}-{any}.pdf").match("Paper-Peru-v2.pdf") == {
        "country": "Peru"
    }
    # The name that took 36 s with the backtracking regex; 400,000 characters too.
    for size in (4_000, 400_000):
        assert pattern.match("_" * size) is None
        assert pattern.match("a_" * (size // 2) + ".pd") is None
    assert pattern.match("x_" * 2_000 + "y.pdf")["delegate"] == "x_" * 1_998 + "y"
    with pytest.raises(MunbookError, match="put a separator"):
        compile_pattern("{country}{delegate}.pdf")
    with pytest.raises(MunbookError, match="unknown: name"):
        compile_pattern("{country}_{name}.pdf")


def test_a_4000_character_name_is_refused_with_the_limit(db: Store, tmp_path: Path, good: bytes):
    archive = tmp_path / "long.zip"
    long_name = "interpol_Kenya_" + "_" * 4_000 + ".pdf"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(long_name, good)
        z.writestr("interpol_Japan_ok.pdf", good)
    result = ingest.ingest("interpol", archive, PATTERN)
    assert result.stored == ["interpol_Japan_ok.pdf"]
    assert "4,019 characters; at most 255" in dict(result.refused)[long_name]


# ---- PDFs ---------------------------------------------------------------------------


def test_page_limit_is_checked_before_any_text(db: Store, tmp_path: Path):
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "interpol_Kenya_bomb.pdf").write_bytes(pages_pdf(60_000))
    (folder / "interpol_Japan_51.pdf").write_bytes(pages_pdf(51))
    (folder / "interpol_Ghana_liar.pdf").write_bytes(pages_pdf(51, declared=1))
    (folder / "interpol_Peru_50.pdf").write_bytes(pages_pdf(50))
    assert (folder / "interpol_Kenya_bomb.pdf").stat().st_size < 400_000
    result = ingest.ingest("interpol", folder, PATTERN)
    reasons = dict(result.refused)
    assert reasons["interpol_Kenya_bomb.pdf"] == "the PDF has 60,000 pages; at most 50 are taken"
    assert reasons["interpol_Japan_51.pdf"] == "the PDF has 51 pages; at most 50 are taken"
    assert "more than 50 pages" in reasons["interpol_Ghana_liar.pdf"]  # /Count lied
    assert result.stored == ["interpol_Peru_50.pdf"]
    [peru] = db.submissions(db.find_delegation("interpol", "PER").id)
    assert peru["pages"] == 50 and peru["text"].count("AFRIPOL") == 50


def test_pdf_bombs_and_pypdf_errors_become_reasons(db: Store, tmp_path: Path, good: bytes):
    folder = tmp_path / "mail"
    folder.mkdir()
    inflates = raw_pdf(b"3 0 R", 1, b" " * (80 * 2**20), flate=True)  # 80 MB from 80 KB
    loop = pages_pdf(1).replace(b"/Kids [3 0 R ]", b"/Kids [2 0 R ]")
    (folder / "interpol_Kenya_inflates.pdf").write_bytes(inflates)
    (folder / "interpol_Japan_loop.pdf").write_bytes(loop)
    (folder / "interpol_Ghana_big.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(20 * 2**20))
    (folder / "interpol_Peru_ok.pdf").write_bytes(good)
    result = ingest.ingest("interpol", folder, PATTERN)
    reasons = dict(result.refused)
    assert "inflates past the reader's limits" in reasons["interpol_Kenya_inflates.pdf"]
    assert "loops back on itself" in reasons["interpol_Japan_loop.pdf"]
    assert reasons["interpol_Ghana_big.pdf"].startswith("larger than 20 MB")
    assert result.stored == ["interpol_Peru_ok.pdf"]


def test_a_pdf_that_stalls_the_reader_is_stopped(good: bytes):
    # 3 million text operations in 170 KB: pypdf needs about 15 s for this page.
    stalls = raw_pdf(b"3 0 R", 1, b"BT " + b"1 0 0 1 0 0 Tm (a) Tj\n" * 3_000_000 + b"ET", True)
    with pdftext.PdfWorker(seconds=2) as worker:
        with pytest.raises(MunbookError, match="took longer than 2 s"):
            worker.read(stalls)
        assert worker.read(good)[0] == 1  # a fresh worker reads the next one


# ---- zips ---------------------------------------------------------------------------


def _patch(archive: Path, name: str, local_offset: int, value: bytes) -> None:
    """Overwrite a field of ``name``'s local header and the same field of its central one."""
    data = bytearray(archive.read_bytes())
    # The central header has two more bytes (version made by) before the same fields.
    for signature, name_at, shift in ((b"PK\x03\x04", 30, 0), (b"PK\x01\x02", 46, 2)):
        start = data.find(signature)
        while start != -1:
            if data[start + name_at : start + name_at + len(name)] == name.encode():
                at = start + local_offset + shift
                data[at : at + len(value)] = value
            start = data.find(signature, start + 1)
    archive.write_bytes(bytes(data))


def test_zip_bombs_and_broken_entries_are_reasons(db: Store, tmp_path: Path, good: bytes):
    archive = tmp_path / "form.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("interpol_Kenya_bomb.pdf", b"%PDF-1.4\n" + b"0" * (10 * 2**20))
        z.writestr("interpol_Japan_crc.pdf", good, zipfile.ZIP_STORED)  # a flipped byte: bad CRC
        z.writestr("interpol_Ghana_method.pdf", good)
        z.writestr("interpol_Peru_locked.pdf", good)
        z.writestr("interpol_Peru_ok.pdf", good)
        link = zipfile.ZipInfo("interpol_Japan_link.pdf")
        link.external_attr = 0o120777 << 16
        z.writestr(link, "/proc/self/environ")
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("interpol_Japan_crc.pdf")
    at = info.header_offset + 30 + len(info.filename) + 100
    data[at] ^= 0xFF
    archive.write_bytes(bytes(data))
    _patch(archive, "interpol_Ghana_method.pdf", 8, struct.pack("<H", 99))  # compression
    _patch(archive, "interpol_Peru_locked.pdf", 6, struct.pack("<H", 1))  # flags: encrypted
    result = ingest.ingest("interpol", archive, PATTERN)
    reasons = dict(result.refused)
    assert "looks like a zip bomb" in reasons["interpol_Kenya_bomb.pdf"]
    assert "Bad CRC-32" in reasons["interpol_Japan_crc.pdf"]
    assert "a symbolic link" in reasons["interpol_Japan_link.pdf"]
    assert "cannot be read from the zip" in reasons["interpol_Ghana_method.pdf"]
    assert "encrypted" in reasons["interpol_Peru_locked.pdf"]
    assert result.stored == ["interpol_Peru_ok.pdf"]


def test_zip_entry_count_and_total_size_are_bounded(
    db: Store, tmp_path: Path, good: bytes, monkeypatch: pytest.MonkeyPatch
):
    crowded = tmp_path / "crowded.zip"
    with zipfile.ZipFile(crowded, "w") as z:
        for i in range(1_001):
            z.writestr(f"interpol_Kenya_{i}.pdf", b"")
    with pytest.raises(MunbookError, match="1,001 entries; munbook takes at most 1,000"):
        ingest.ingest("interpol", crowded, PATTERN)
    # One past the total: three papers fit, the fourth does not (the limit scaled down).
    monkeypatch.setattr(ingest_sources, "MAX_TOTAL_BYTES", 3 * len(good))
    archive = tmp_path / "total.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for country in ("Kenya", "Japan", "Ghana", "Peru"):
            z.writestr(f"interpol_{country}_x.pdf", good)
    result = ingest.ingest("interpol", archive, PATTERN)
    assert len(result.stored) == 3
    assert "uncompressed here: not read" in dict(result.refused)["interpol_Peru_x.pdf"]


# ---- folders ------------------------------------------------------------------------


def test_links_fifos_and_folders_named_pdf_are_refused(db: Store, tmp_path: Path, good: bytes):
    folder = tmp_path / "mail"
    (folder / "nested").mkdir(parents=True)
    (folder / "interpol_Japan_x.pdf").symlink_to("/proc/self/environ")
    (folder / "interpol_Ghana_x.pdf").symlink_to(folder / "nested")
    os.mkfifo(folder / "interpol_Peru_fifo.pdf")
    (folder / "interpol_Peru_dir.pdf").mkdir()
    (folder / "nested" / "interpol_Kenya_x.pdf").write_bytes(good)
    result = ingest.ingest("interpol", folder, PATTERN)  # a FIFO opened blocking would hang
    reasons = dict(result.refused)
    assert reasons["interpol_Japan_x.pdf"] == "a symbolic link: refused, never followed"
    assert reasons["interpol_Ghana_x.pdf"] == "a symbolic link: refused, never followed"
    assert "FIFO" in reasons["interpol_Peru_fifo.pdf"]
    assert "a folder named like a PDF" in reasons["interpol_Peru_dir.pdf"]
    assert result.stored == ["nested/interpol_Kenya_x.pdf"]
    japan = db.find_delegation("interpol", "JPN")
    assert db.submissions(japan.id) == []


def test_a_folder_of_more_than_1000_files_stops_there(db: Store, tmp_path: Path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(1_001):
        (folder / f"note-{i:04}.txt").write_text("x")
    result = ingest.ingest("interpol", folder, PATTERN)
    assert len(result.refused) == 1_001
    assert "more than 1,000 files" in result.refused[-1][1]


# ---- what the chair reads -----------------------------------------------------------


def test_control_characters_in_names_are_escaped(db: Store, tmp_path: Path, good: bytes):
    archive = tmp_path / "mail.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("interpol_\x1b[2J\x1b[31mJapan\u202e_x.pdf", b"junk")
        z.writestr("interpol_Kenya_x.pdf", good)
    result = CliRunner().invoke(
        main,
        ["collect", "--committee", "interpol", "--ingest", str(archive), "--pattern", PATTERN],
        prog_name="munbook",
    )
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\u202e" not in result.output
    assert "refused: interpol_\\x1b[2J\\x1b[31mJapan\\u202e_x.pdf:" in result.output
    assert "ingested: 1 stored" in result.output
