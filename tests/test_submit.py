import hashlib
import io
from datetime import timedelta
from pathlib import Path

import nbformat
import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from conftest import SOURCES
from pypdf import PdfReader

from widgets.cli import main
from widgets.core import checks, committees
from widgets.paper import export, notebook
from widgets.store import Store
from widgets.workflows import batch, submit

FULL = {
    f"{t}.{s}": f"Kenya {t} {s} text."
    for t in "AB"
    for s in ("background", "past_action", "country_policy", "solutions")
}


@pytest.fixture
def db(store: Store) -> Store:
    return store  # SQLite and PostgreSQL


@pytest.fixture
def kenya(db: Store) -> int:
    return db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")


def write_draft(db: Store, delegation: int, **content) -> None:
    latest = db.latest_draft(delegation)
    db.save_draft(delegation, content, latest.version if latest else None)


def kinds(violations) -> list[tuple[str, bool]]:
    return sorted((v.kind, v.blocking) for v in violations)


def test_checks_find_every_violation(db: Store, kenya: int):
    interpol = committees.load("interpol")
    db_delegation = db.delegation(kenya)
    nb = notebook.paper_notebook(
        "interpol", db_delegation, {"sections": {"A.background": "word " * 1600}}
    )
    rendered = export.render(nb)
    found = checks.check(nb, interpol, rendered)
    assert kinds(found) == sorted(
        [("words", False), ("pages", True), ("sources", False), ("disclosure", True)]
        + [("empty_section", False)] * 7
    )
    pages = next(v for v in found if v.kind == "pages")
    assert f"{rendered.body_pages} pages long; INTERPOL allows 2" in pages.message
    nameless = db.add_delegation("interpol", "JPN", "", "")
    nb = notebook.paper_notebook(
        "interpol",
        db.delegation(nameless),
        {"sections": FULL, "sources": SOURCES, "disclosure": "None."},
    )
    assert kinds(checks.check(nb, interpol, export.render(nb))) == [
        ("header", True),
        ("header", True),
    ]


def test_submission_is_write_once_with_receipt(db: Store, kenya: int, home: Path):
    write_draft(db, kenya, sections=FULL, sources=SOURCES, disclosure="None.")
    receipt = submit.submit(db, kenya)
    stored = db.submissions(kenya)[-1]
    assert stored["sha256"] == receipt.sha256 == hashlib.sha256(stored["pdf"]).hexdigest()
    assert receipt.seconds_late == 0 and stored["pages"] == 1
    assert "Kenya A background text." in " ".join(
        PdfReader(io.BytesIO(stored["pdf"])).pages[0].extract_text().split()
    )
    assert nbformat.reads(stored["notebook"], as_version=4).metadata.munbook["country"] == "Kenya"
    pdf_file = Path(receipt.path)
    assert pdf_file.parent == home.resolve() / "submissions" / "interpol"
    assert pdf_file.read_bytes() == stored["pdf"]
    with pytest.raises(sa.exc.DatabaseError), db.begin() as conn:
        conn.execute(sa.text("update submissions set pdf = :b"), {"b": b"forged"})
    assert db.submissions(kenya)[-1]["pdf"] == stored["pdf"]
    assert hashlib.sha256(db.submissions(kenya)[-1]["pdf"]).hexdigest() == receipt.sha256


def test_blocking_violations_submit_nothing(db: Store, kenya: int):
    write_draft(db, kenya, sections=FULL, sources=SOURCES)  # no disclosure
    with pytest.raises(submit.SubmissionBlocked, match="AI-use disclosure is empty"):
        submit.submit(db, kenya)
    assert db.submissions(kenya) == []


def test_resubmission_versions_and_late_marking(db: Store, kenya: int):
    write_draft(db, kenya, sections=FULL, sources=SOURCES, disclosure="None.")
    deadline = committees.load("interpol").rules.deadline_utc
    first = submit.submit(db, kenya, at=deadline - timedelta(hours=1))
    late = submit.submit(db, kenya, at=deadline + timedelta(minutes=90))
    assert (first.seconds_late, late.seconds_late) == (0, 5400)
    assert len(db.submissions(kenya)) == 2
    db.grant_extension(kenya, deadline + timedelta(days=1))
    assert submit.submit(db, kenya, at=deadline + timedelta(hours=3)).seconds_late == 0


def test_batch_export_reports_failures_and_finishes_the_rest(db: Store, kenya: int, tmp_path: Path):
    good = tmp_path / "good.ipynb"
    nbformat.write(
        notebook.paper_notebook("interpol", db.delegation(kenya), {"sections": FULL}), good
    )
    bad_char = tmp_path / "bad_char.ipynb"
    nbformat.write(
        notebook.paper_notebook(
            "interpol", db.delegation(kenya), {"sections": {"A.background": "\x00"}}
        ),
        bad_char,
    )
    not_json = tmp_path / "not_json.ipynb"
    not_json.write_text("{")
    result = batch.export_many([good, bad_char, not_json], tmp_path / "out", jobs=2)
    assert [p.name for p in result.written] == ["good.pdf"]
    reasons = dict(result.failed)
    assert (
        "U+0000" in reasons[str(bad_char)]
        and "not a readable paper notebook" in reasons[str(not_json)]
    )


def test_export_command_for_a_committee(db: Store, kenya: int, home: Path):
    write_draft(db, kenya, sections=FULL, sources=SOURCES, disclosure="None.")
    runner = CliRunner()
    none_yet = runner.invoke(main, ["export", "--committee", "interpol"], prog_name="munbook")
    assert none_yet.exit_code == 2 and "no submissions in interpol yet" in none_yet.output
    drafts = runner.invoke(
        main, ["export", "--committee", "interpol", "--drafts"], prog_name="munbook"
    )
    assert drafts.exit_code == 0 and "1 exported, 0 failed" in drafts.output
    assert (home / "papers" / "interpol" / "drafts" / "kenya.pdf").exists()


def test_exporting_drafts_never_touches_submitted_papers(db: Store, kenya: int, home: Path):
    write_draft(db, kenya, sections=FULL, sources=SOURCES, disclosure="None.")
    receipt = submit.submit(db, kenya)
    runner = CliRunner()
    done = runner.invoke(main, ["export", "--committee", "interpol"], prog_name="munbook")
    assert done.exit_code == 0, done.output
    submitted = home / "papers" / "interpol" / "submitted" / "kenya.pdf"
    assert "papers/interpol/submitted" in done.output and submitted.exists()
    originals = {p: p.read_bytes() for p in (home / "submissions").rglob("*.pdf")}
    assert list(originals) == [Path(receipt.path)]
    before = submitted.read_bytes()
    write_draft(db, kenya, sections={**FULL, "A.background": "A newer draft."})
    done = runner.invoke(
        main, ["export", "--committee", "interpol", "--drafts"], prog_name="munbook"
    )
    assert done.exit_code == 0 and "papers/interpol/drafts" in done.output
    draft = home / "papers" / "interpol" / "drafts" / "kenya.pdf"
    assert "A newer draft." in " ".join(PdfReader(draft).pages[0].extract_text().split())
    assert submitted.read_bytes() == before
    assert {p: p.read_bytes() for p in (home / "submissions").rglob("*.pdf")} == originals
    into_originals = runner.invoke(
        main,
        ["export", "--committee", "interpol", "--drafts", "--out", str(home / "submissions")],
        prog_name="munbook",
    )
    assert into_originals.exit_code == 2 and "never overwritten" in into_originals.output
    assert {p: p.read_bytes() for p in (home / "submissions").rglob("*.pdf")} == originals
