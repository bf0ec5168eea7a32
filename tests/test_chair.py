"""Chairs: ingesting PDFs (good and broken), similarity, rubric, feedback, binder, collection."""

import csv
import io
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
import typst
from click.testing import CliRunner
from conftest import add_blind_committee
from pypdf import PdfReader, PdfWriter

from widgets.cli import main
from widgets.core import committees, scoring, similarity
from widgets.paper import export, notebook
from widgets.store import Store, now
from widgets.workflows import binder, ingest, review

TEXT = {
    "Kenya": "Kenya strengthens its Pharmacy and Poisons Board and works with AFRIPOL on Operation Pangea.",
    "Japan": "Japan funds cybercrime training through the Global Complex for Innovation in Singapore.",
    "Ghana": "Ghana's Food and Drugs Authority uses mobile verification to trace medicines.",
}


@pytest.fixture
def db(store: Store) -> Store:
    """Four INTERPOL delegations, on SQLite and on PostgreSQL."""
    for country, code in (("Kenya", "KEN"), ("Japan", "JPN"), ("Ghana", "GHA"), ("Peru", "PER")):
        store.add_delegation("interpol", code, f"Delegate of {country}", f"School of {country}")
    return store


def paper_pdf(db: Store, country: str, text: str) -> bytes:
    delegation = db.find_delegation(
        "interpol", {"Kenya": "KEN", "Japan": "JPN", "Ghana": "GHA", "Peru": "PER"}[country]
    )
    sections = {f"{t}.{s}": text for t in "AB" for s in ("background", "solutions")}
    return export.render(
        notebook.paper_notebook("interpol", delegation, {"sections": sections})
    ).pdf


def broken_pdfs(good: bytes) -> dict[str, bytes]:
    encrypted = io.BytesIO()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.encrypt("secret")
    writer.write(encrypted)
    image_only = typst.compile(b"#rect(width: 80%, height: 40%, fill: gray)", format="pdf")
    return {
        "interpol_Japan_truncated.pdf": good[: len(good) // 2],
        "interpol_Ghana_locked.pdf": encrypted.getvalue(),
        "interpol_Peru_empty.pdf": b"",
        "interpol_Peru_fake.pdf": b"Hello, this is not a PDF at all.",
    }, image_only


def test_ingest_folder_good_and_broken(db: Store, tmp_path: Path):
    folder = tmp_path / "mail"
    folder.mkdir()
    good = paper_pdf(db, "Kenya", TEXT["Kenya"])
    (folder / "INTERPOL_Kenya_Wanjiru.pdf").write_bytes(good)
    broken, image_only = broken_pdfs(good)
    for name, data in broken.items():
        (folder / name).write_bytes(data)
    (folder / "interpol_Peru_scan.pdf").write_bytes(image_only)
    (folder / "interpol_Atlantis_x.pdf").write_bytes(good)
    (folder / "readme.txt").write_text("not a paper")
    (folder / "random-name.pdf").write_bytes(good)
    result = ingest.ingest("interpol", folder, "{committee}_{country}_{delegate}.pdf")
    assert result.stored == ["INTERPOL_Kenya_Wanjiru.pdf", "interpol_Peru_scan.pdf"]
    reasons = dict(result.refused)
    assert "damaged or truncated" in reasons["interpol_Japan_truncated.pdf"]
    assert "encrypted" in reasons["interpol_Ghana_locked.pdf"]
    assert "empty (0 bytes)" in reasons["interpol_Peru_empty.pdf"]
    assert "not a PDF" in reasons["interpol_Peru_fake.pdf"]
    assert "unknown country 'Atlantis'" in reasons["interpol_Atlantis_x.pdf"]
    assert reasons["readme.txt"] == "not a PDF file"
    assert reasons["random-name.pdf"] == "the name does not match the pattern"
    assert dict(result.warnings)["interpol_Peru_scan.pdf"].startswith("no text could be read")
    kenya = db.find_delegation("interpol", "KEN")
    [stored] = db.submissions(kenya.id)
    assert stored["ingested"] and stored["pdf"] == good and stored["pages"] == 1
    assert "Pharmacy and Poisons Board" in stored["text"]
    again = ingest.ingest("interpol", folder, "{committee}_{country}_{delegate}.pdf")
    assert again.stored == [] and len(again.skipped) == 2


def test_ingest_zip_refuses_slip_and_non_pdfs(db: Store, tmp_path: Path):
    good = paper_pdf(db, "Ghana", TEXT["Ghana"])
    archive = tmp_path / "form.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("papers/interpol_Ghana_Ama.pdf", good)
        z.writestr("../../escape/interpol_Kenya_x.pdf", good)
        z.writestr("/abs/interpol_Japan_x.pdf", good)
        z.writestr("papers/notes.docx", b"PK...")
    result = ingest.ingest("interpol", archive, "{committee}_{country}_{delegate}.pdf")
    assert result.stored == ["papers/interpol_Ghana_Ama.pdf"]
    reasons = dict(result.refused)
    assert "zip slip" in reasons["../../escape/interpol_Kenya_x.pdf"]
    assert "zip slip" in reasons["/abs/interpol_Japan_x.pdf"]
    assert reasons["papers/notes.docx"] == "not a PDF file"
    assert not (tmp_path.parent / "escape").exists()


def test_bad_pattern_and_source(db: Store, tmp_path: Path):
    with pytest.raises(ingest.MunbookError, match=r"must name \{country\}"):
        ingest.ingest("interpol", tmp_path, "{delegate}.pdf")
    with pytest.raises(ingest.MunbookError, match="neither a folder nor a zip"):
        ingest.ingest("interpol", tmp_path / "nothing", "{country}.pdf")
    notzip = tmp_path / "x.zip"
    notzip.write_text("no")
    with pytest.raises(ingest.MunbookError, match="not a readable zip"):
        ingest.ingest("interpol", notzip, "{country}.pdf")


def test_similarity_flags_copies_and_shows_passages():
    base = (
        "INTERPOL should fund regional laboratories that test medicines at every port of entry "
        "and share results through the National Central Bureaus within a day of testing."
    )
    papers = {
        "Kenya": "Kenya proposes this. " + base + " Kenya will also train customs officers.",
        "Ghana": "Ghana agrees entirely. " + base,
        "Japan": "Japan proposes a cyber capacity fund for Pacific island police forces and a 24/7 network.",
    }
    background = committees.load("interpol").topics[0].background
    papers["Peru"] = "Peru notes: " + background[:400]
    matches = similarity.compare(papers, background)
    flagged = {(m.first, m.second) for m in matches if m.flagged}
    assert ("Ghana", "Kenya") in flagged
    assert ("Peru", "background") in flagged
    assert not any("Japan" in pair for pair in flagged)
    pair = next(m for m in matches if (m.first, m.second) == ("Ghana", "Kenya"))
    left, right = pair.passages[0]
    assert "regional laboratories that test medicines" in left and left == right


def test_similarity_of_196_papers_runs(db: Store):
    papers = {f"C{i}": " ".join(f"w{(i * 7 + j) % 900}" for j in range(700)) for i in range(196)}
    matches = similarity.compare(papers, "", passages=False)
    assert all(0 <= m.score <= 1 for m in matches)


def test_rubric_totals_ranks_and_csv(db: Store):
    interpol = committees.load("interpol")
    names = [c.name for c in interpol.rubric]
    kenya, japan, ghana = (db.find_delegation("interpol", c).id for c in ("KEN", "JPN", "GHA"))
    full = {n: 10 for n in names}
    db.save_review(kenya, "Chair A", full, "Excellent research.")
    db.save_review(kenya, "Chair B", {**full, names[2]: 5}, "")
    db.save_review(japan, "Chair A", {n: 8 for n in names})
    db.save_review(ghana, "Chair A", {n: 8 for n in names})
    assert scoring.total(full, interpol) == 100
    with pytest.raises(review.MunbookError, match="outside 0-10"):
        scoring.validate_scores({names[0]: 11}, interpol)
    graded = review.grades(db, "interpol")
    assert [(g.country, g.total, g.rank) for g in graded[:3]] == [
        ("Kenya", 92.5, 1),
        ("Ghana", 80.0, 2),
        ("Japan", 80.0, 2),
    ]
    assert graded[-1].country == "Peru" and graded[-1].total is None
    rows = list(csv.DictReader(io.StringIO(review.grades_csv(db, "interpol"))))
    assert (
        rows[0]["country"] == "Kenya"
        and rows[0]["total"] == "92.5"
        and rows[0]["delegate"] == "Delegate of Kenya"
    )
    blind = list(csv.DictReader(io.StringIO(review.grades_csv(db, "interpol", blind=True))))
    assert "delegate" not in blind[0] and "school" not in blind[0]


def test_feedback_is_released_only_from_the_release_time(db: Store):
    kenya = db.find_delegation("interpol", "KEN").id
    db.save_review(
        kenya,
        "Chair A",
        {c.name: 9 for c in committees.load("interpol").rubric},
        "Cite more sources.",
    )
    assert not review.feedback_released(db, "interpol")
    db.set_feedback_release("interpol", now() + timedelta(hours=1))
    assert not review.feedback_released(db, "interpol")
    assert review.feedback_released(db, "interpol", at=now() + timedelta(hours=2))
    text = " ".join(
        PdfReader(io.BytesIO(review.feedback_pdf(db, kenya))).pages[0].extract_text().split()
    )
    assert "Cite more sources." in text and "90 / 100" in text and "Kenya" in text


def test_binder_orders_bookmarks_and_skips_late(db: Store):
    deadline = committees.load("interpol").rules.deadline_utc
    for country, late in (("Kenya", False), ("Ghana", False), ("Japan", True)):
        pdf = paper_pdf(db, country, TEXT[country])
        code = {"Kenya": "KEN", "Japan": "JPN", "Ghana": "GHA"}[country]
        db.add_submission(
            db.find_delegation("interpol", code).id,
            pdf=pdf,
            sha256="x" * 64,
            seconds_late=600 if late else 0,
            pages=1,
            text=TEXT[country],
            submitted_at=deadline + timedelta(minutes=10 if late else -10),
        )
    result = binder.build_binder(db, "interpol")
    reader = PdfReader(result.path)
    titles = [item.title for item in reader.outline]
    assert titles == ["Contents", "Ghana", "Kenya"]
    assert dict(result.left_out) == {"Japan": "only late submissions", "Peru": "no submission"}
    contents = reader.pages[1].extract_text()
    assert "Ghana" in contents and "Kenya" in contents
    ghana_page = reader.get_destination_page_number(reader.outline[1])
    assert "Food and Drugs Authority" in " ".join(reader.pages[ghana_page].extract_text().split())
    everything = binder.build_binder(
        db, "interpol", include_all=True, out=result.path.with_name("all.pdf")
    )
    assert [i.title for i in PdfReader(everything.path).outline] == [
        "Contents",
        "Ghana",
        "Japan",
        "Kenya",
    ]


def test_collect_rows_and_cli(db: Store, tmp_path: Path, home: Path):
    pdf = paper_pdf(db, "Kenya", TEXT["Kenya"] * 3)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "interpol_Kenya_W.pdf").write_bytes(pdf)
    (folder / "interpol_Ghana_A.pdf").write_bytes(pdf)  # the same paper twice: a copy
    out = tmp_path / "table.csv"
    result = CliRunner().invoke(
        main,
        ["collect", "--committee", "interpol", "--ingest", str(folder), "--csv", str(out)],
        prog_name="munbook",
    )
    assert result.exit_code == 0, result.output
    assert "ingested: 2 stored, 0 already ingested, 0 refused" in result.output
    # The deadline (2027-02-26) is still ahead: Japan and Peru are not missing yet.
    assert "INTERPOL: 2 on time, 0 late, 0 missing, 2 not yet submitted" in result.output
    rows = {r["country"]: r for r in csv.DictReader(out.open())}
    assert rows["Ghana"]["similar_to"] == "Kenya" and float(rows["Ghana"]["similarity"]) == 1.0
    assert rows["Peru"]["status"] == "not yet submitted"
    for command in (["grades", "--committee", "interpol"], ["binder", "--committee", "interpol"]):
        done = CliRunner().invoke(main, command, prog_name="munbook")
        assert done.exit_code == 0, done.output
    assert (home / "grades" / "interpol.csv").exists()
    assert list((home / "binders").glob("interpol-*.pdf"))


def test_chair_page_actions(db: Store):
    from widgets.apps.chair import ChairPage

    for country in ("Kenya", "Ghana"):
        pdf = paper_pdf(db, country, TEXT["Kenya"])  # Ghana copied Kenya's text
        code = {"Kenya": "KEN", "Ghana": "GHA"}[country]
        db.add_submission(
            db.find_delegation("interpol", code).id,
            pdf=pdf,
            sha256="y" * 64,
            seconds_late=0,
            pages=1,
            words=15,
            text=TEXT["Kenya"] * 3,
        )
    page = ChairPage(db, "interpol")
    assert (
        "1 on time" not in page.collection.summary.value
        and "<b>2</b> on time" in page.collection.summary.value
    )
    assert "Delegate of Kenya" in page.collection.table.value  # INTERPOL does not grade blind
    assert (
        "Ghana and Kenya" in page.overlaps.matches.value
        or "Kenya and Ghana" in page.overlaps.matches.value
    )
    assert page.plots.timeline.png.startswith(b"\x89PNG")
    assert "No paper scored yet" in page.plots.category_note.value  # no empty frame
    kenya = db.find_delegation("interpol", "KEN").id
    assert page.open_paper(kenya) and page.tabs.selected_index == 1
    page.grade.pdf_link()
    assert "Open the paper (PDF)" in page.grade.pdf.value
    names = [c.name for c in committees.load("interpol").rubric]
    assert not page.grade.save(kenya, {names[0]: 99}, "")
    assert "outside 0-10" in page.grade.message.value
    assert page.grade.save(kenya, {n: 7 for n in names}, "Good.")
    assert (
        "70 / 100 from you" in page.grade.message.value and "Ranking" in page.grades.ranking.value
    )
    assert [r["chair"] for r in db.reviews(kenya)] == ["chair-code:interpol"]
    page.collection.sort.value = "score"
    assert page.collection.rows[0].country == "Kenya"
    assert not page.feedback.release("someday") and page.feedback.release("2027-03-05 09:00")
    assert page.binder.build_binder() is not None and "2 papers" in page.binder.binder_message.value


def test_delegate_sees_feedback_only_after_release(db: Store):
    from widgets.apps.workbook import WorkbookApp
    from widgets.core import countries

    kenya = db.find_delegation("interpol", "KEN")
    db.save_review(
        kenya.id,
        "Ximena",
        {c.name: 8 for c in committees.load("interpol").rubric},
        "Strong policy.",
    )
    app = WorkbookApp(db, kenya, committees.load("interpol"), countries.lookup("KEN"))
    assert not app.feedback_panel.show() and "once they release it" in app.feedback_panel.html.value
    db.set_feedback_release("interpol", now() + timedelta(days=1))
    assert not app.feedback_panel.show() and "Strong policy" not in app.feedback_panel.html.value
    db.set_feedback_release("interpol", now() - timedelta(minutes=1))
    assert app.feedback_panel.show()
    assert (
        "Strong policy." in app.feedback_panel.html.value
        and "80 / 100" in app.feedback_panel.html.value
    )


def test_blind_committee_hides_names(db: Store, home: Path):
    add_blind_committee(home)
    db.add_delegation("blindpol", "KEN", "Secret Name", "Secret School")
    from widgets.apps.chair import ChairPage
    from widgets.workflows.collect import collect, rows_csv

    page = ChairPage(db, "blindpol")
    assert "Kenya" in page.collection.table.value and "Secret" not in page.collection.table.value
    assert "Secret" not in rows_csv(collect(db, "blindpol"), blind=True)
    assert "Secret" not in review.grades_csv(db, "blindpol")
    nb = notebook.paper_notebook(
        "blindpol", db.find_delegation("blindpol", "KEN"), {"sections": {"A.background": "x"}}
    )
    assert "Secret" not in " ".join(
        PdfReader(io.BytesIO(export.render(nb, blind=True).pdf)).pages[0].extract_text().split()
    )


def test_a_chair_refresh_reads_submissions_once_and_scores_once(db: Store, monkeypatch):
    import sqlalchemy as sa

    from widgets.apps.chair import ChairPage
    from widgets.workflows import collect

    for code in ("KEN", "GHA", "JPN"):
        db.add_submission(
            db.find_delegation("interpol", code).id,
            pdf=b"%PDF-1.7 " + code.encode(),
            sha256=code * 21 + "x",
            seconds_late=0,
            pages=1,
            words=15,
            text=TEXT["Kenya"],
        )
    page = ChairPage(db, "interpol")
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    calls = {"compare": 0, "grades": 0}
    for name, module in (("compare", collect.similarity), ("grades", collect)):
        original = getattr(module, name)

        def counted(*args, _original=original, _name=name, **kwargs):
            calls[_name] += 1
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    page.refresh()
    reads = [s for s in statements if "FROM submissions" in s]
    assert len(reads) == 1, reads
    assert "pdf" not in reads[0].split("FROM submissions")[0].lower()  # no PDF bytes read
    assert calls == {"compare": 1, "grades": 1}
    assert "<b>3</b> on time" in page.collection.summary.value
    statements.clear()
    page.collection.sort.value = "words"  # sorting reads nothing again
    assert statements == [] and page.collection.rows[0].words == 15


def test_chair_page_errors_are_shown_not_raised(db: Store, monkeypatch):
    from widgets.apps import html
    from widgets.apps.chair import ChairPage
    from widgets.exceptions import StoreError

    page = ChairPage(db, "interpol")
    monkeypatch.setattr(
        page.store,
        "latest_submissions",
        lambda *a, **k: (_ for _ in ()).throw(StoreError("db gone")),
    )
    page.refresh()
    assert "db gone" in page.message.value
    monkeypatch.setattr(page.store, "latest_submissions", lambda *a, **k: 1 / 0)
    page.refresh()
    assert html.UNEXPECTED in page.message.value
    monkeypatch.undo()
    assert page.binder.build_binder() is None
    assert "no on-time submissions" in page.binder.binder_message.value
