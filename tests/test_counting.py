"""One counting rule: the same PDF has the same pages and words from the app and from a zip."""

import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import typst
from click.testing import CliRunner

from widgets.cli import main
from widgets.core import committees
from widgets.core.bodycount import count_body
from widgets.store import Store
from widgets.workflows import ingest, submit

PATTERN = "{committee}_{country}_{delegate}.pdf"
PARA = (
    "Counterfeit medicines kill tens of thousands of people in Africa every year, and Kenya's "
    "Pharmacy and Poisons Board has seized 1,200 shipments since 2019 (WHO, 2018). The "
    "delegation of Kenya believes that *INTERPOL's* Operation Pangea shows what **coordinated** "
    "action can do. "
)
SECTIONS = {
    f"{t}.{s}": PARA * 2 for t in "AB" for s in ("background", "past_action", "country_policy")
} | {"A.solutions": PARA, "B.solutions": "Kenya proposes a regional task force."}
SOURCES = [
    {"author": "World Health Organization", "title": "Substandard and Falsified Medical Products"},
    {"author": "Mwangi, Peter", "title": "Fake Drugs", "publisher": "Daily Nation", "date": "2024"},
    {"author": "AT&T", "title": "Cyber Report", "publisher": "AT&T", "date": "2023"},
]


def _zip(path: Path, name: str, pdf: bytes, when=(2020, 1, 2, 3, 4, 5)) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo(name, date_time=when), pdf)
    return path


def test_app_and_zip_count_the_same(store: Store, tmp_path: Path):
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    japan = store.add_delegation("interpol", "JPN", "Aiko Sato", "Tokyo School")
    store.save_draft(kenya, {"sections": SECTIONS, "sources": SOURCES, "disclosure": "None."}, None)
    receipt = submit.submit(store, kenya)
    app = store.submissions(kenya)[-1]
    assert (receipt.pages, receipt.words) == (app["pages"], app["words"]) == (2, 539)

    before = datetime.now(UTC)
    archive = _zip(tmp_path / "mail.zip", "interpol_Japan_Aiko.pdf", app["pdf"])
    result = ingest.ingest("interpol", archive, PATTERN, store=store)
    assert result.stored == ["interpol_Japan_Aiko.pdf"] and result.warnings == []
    ingested = store.submissions(japan)[-1]
    assert (ingested["pages"], ingested["words"]) == (app["pages"], app["words"])
    # Received now, not at the zip entry's 2020 timestamp.
    assert before <= ingested["submitted_at"].astimezone(UTC) <= datetime.now(UTC)


def _typst_pdf(tmp_path: Path, body: str) -> bytes:
    source = tmp_path / "word.typ"
    source.write_text('#set page(paper: "us-letter", margin: 1in, numbering: "1")\n' + body)
    return typst.compile(str(source))


def _texts(tmp_path: Path, body: str) -> list[str]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(_typst_pdf(tmp_path, body)))
    return [page.extract_text() for page in reader.pages]


INTERPOL = committees.load("interpol")
HEADER = "Country: Kenya \\\nCommittee: INTERPOL \\\nDelegate: Wanjiru Kamau\n\n"
WORDS = " ".join(f"w{i}" for i in range(300)) + "\n\n"


def test_references_mid_page_counts_that_page(tmp_path: Path):
    """A word processor's paper: the heading below body text on page 2; pages 1-2 count."""
    body = HEADER + "= Topic background\n\n" + WORDS * 3 + "= References\n\nMwangi, Peter. Drugs.\n"
    counted = count_body(_texts(tmp_path, body), INTERPOL)
    assert counted.heading == "References" and counted.pages == 2
    assert counted.words == 900  # header, heading, page numbers and references left out


@pytest.mark.parametrize("heading", ["Works Cited", "BIBLIOGRAPHY", "Works Consulted:"])
def test_heading_at_top_of_page_starts_the_uncounted_pages(tmp_path: Path, heading: str):
    body = HEADER + "= Country policy\n\n" + WORDS + f"#pagebreak()\n= {heading}\n\nA. B. C.\n"
    counted = count_body(_texts(tmp_path, body), INTERPOL)
    assert (counted.pages, counted.words, counted.heading) == (1, 300, heading)


def test_no_heading_counts_everything_and_says_so(store: Store, tmp_path: Path):
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    pdf = _typst_pdf(tmp_path, HEADER + WORDS + "#pagebreak()\n" + WORDS + "Smith, Jo. Notes.\n")
    archive = _zip(tmp_path / "mail.zip", "interpol_Kenya_Wanjiru.pdf", pdf)
    result = ingest.ingest("interpol", archive, PATTERN, store=store)
    assert dict(result.warnings)["interpol_Kenya_Wanjiru.pdf"] == (
        "no works-cited heading (Works Cited, References, Bibliography) found: "
        "all 2 pages and all 603 words counted"
    )
    stored = store.submissions(kenya)[-1]
    assert (stored["pages"], stored["words"]) == (
        2,
        603,
    )  # header lines left out, the last line counted


def test_collect_received_is_the_mails_time_in_the_committee_zone(tmp_path: Path, store: Store):
    db = store  # SQLite and PostgreSQL: the CLI opens the same store (MUNBOOK_DB)
    kenya = db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    pdf = _typst_pdf(tmp_path, HEADER + WORDS + "= Works Cited\n\nA. B.\n")
    archive = _zip(tmp_path / "mail.zip", "interpol_Kenya_Wanjiru.pdf", pdf)
    args = ["collect", "--committee", "INTERPOL", "--ingest", str(archive)]
    out = CliRunner().invoke(main, [*args, "--received", "2027-02-27 00:10"])
    assert out.exit_code == 0, out.output
    stored = db.submissions(kenya)[-1]
    mail = datetime(2027, 2, 27, 0, 10, tzinfo=ZoneInfo("America/Mexico_City"))
    assert stored["submitted_at"].astimezone(UTC) == mail.astimezone(UTC)
    assert stored["seconds_late"] == 11 * 60  # the deadline is 2027-02-26 23:59 there
    bad = CliRunner().invoke(main, [*args, "--received", "tomorrow"])
    assert bad.exit_code == 2 and "not a date and time" in bad.output
    alone = CliRunner().invoke(main, ["collect", "--committee", "INTERPOL", "--received", "x"])
    assert alone.exit_code == 2 and "--received goes with --ingest" in alone.output
