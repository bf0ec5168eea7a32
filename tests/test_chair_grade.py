"""The chair's Grade tab and several chairs: queue, paper text, live total, spread, downloads.

Driven through the real page objects and the real widget messages (a row of the
Submissions table is opened by the message its button sends), on SQLite and PostgreSQL.
"""

import base64
import csv
import io
import re
import shutil
from pathlib import Path
from typing import ClassVar

import nbformat
import pytest
from conftest import add_blind_committee
from openpyxl import load_workbook

from widgets.apps.chair import ChairPage
from widgets.core import committees
from widgets.core.committee_schema import validated
from widgets.exceptions import CommitteeError
from widgets.paper.notebook import paper_notebook
from widgets.settings import COMMITTEES_DIR
from widgets.store import Store
from widgets.workflows import review, staff, tables

NAMES = [c.name for c in committees.load("interpol").rubric]
COUNTRIES = {"KEN": "Kenya", "JPN": "Japan", "GHA": "Ghana", "PER": "Peru"}


def submit(db: Store, committee: str, iso: str, late: int = 0, pages: int = 1) -> int:
    delegation = db.find_delegation(committee, iso)
    sections = {
        "A.background": f"{COUNTRIES[iso]} background, by {delegation.delegate}.",
        "A.solutions": f"{COUNTRIES[iso]} proposes **shared** labs.\n\nA second paragraph.",
    }
    nb = paper_notebook(committee, delegation, {"sections": sections, "disclosure": "None."})
    return db.add_submission(
        delegation.id,
        notebook=nbformat.writes(nb),
        pdf=b"%PDF-1.7 " + iso.encode(),
        sha256=iso * 21 + "x",
        seconds_late=late,
        pages=pages,
        words=120,
        text=" ".join(sections.values()),
    )


@pytest.fixture
def db(store: Store) -> Store:
    """Kenya and Japan on time (Japan too long), Ghana late, Peru not submitted."""
    for iso, country in COUNTRIES.items():
        store.add_delegation("interpol", iso, f"Delegate of {country}", f"School of {country}")
    submit(store, "interpol", "KEN")
    submit(store, "interpol", "JPN", pages=3)
    submit(store, "interpol", "GHA", late=3600)
    return store


def chairs(db: Store) -> tuple[ChairPage, ChairPage]:
    ana, _ = staff.add(db, "chair", "Ana Ruiz", committee="interpol")
    bo, _ = staff.add(db, "chair", "Bo Li", committee="interpol")
    return ChairPage(db, "interpol", ana.identity), ChairPage(db, "interpol", bo.identity)


def test_the_queue_walks_the_papers_and_counts_mine(db: Store):
    page, _ = chairs(db)
    grade = page.grade
    assert page.tabs.titles == ("Submissions", "Grade", "Overlap", "Feedback and binder")
    assert grade.filter.value == "mine" and grade.ids == [grade.current, *grade.ids[1:]]
    assert [
        grade.found.rows[[r.delegation_id for r in grade.found.rows].index(i)].country
        for i in grade.ids
    ] == ["Ghana", "Japan", "Kenya"]
    assert (
        "Paper 1 of 3 in this list · <b>0 of 3</b> scored by you (Ana Ruiz)" in grade.position.value
    )
    assert grade.previous_button.disabled and not grade.previous()
    assert grade.next() and "Japan" in grade.heading.value and "too long" in grade.heading.value
    assert grade.next() and "Kenya" in grade.heading.value and not grade.next()
    assert grade.previous() and "Japan" in grade.heading.value
    ghana = grade.ids[0]
    assert grade.save(ghana, {n: 8 for n in NAMES}, "Good.")
    assert "<b>1 of 3</b> scored by you" in grade.position.value
    assert ghana not in grade.ids and len(grade.ids) == 2  # scored: out of "not scored by me"
    for choice, expected in (
        ("late", ["Ghana"]),
        ("long", ["Japan"]),
        ("all", ["Ghana", "Japan", "Kenya"]),
    ):
        grade.filter.value = choice
        shown = {r.delegation_id: r.country for r in grade.found.rows}
        assert [shown[i] for i in grade.ids] == expected, choice
    grade.filter.value = "spread"
    assert grade.ids == [] and "No paper is flagged so." in grade.paper_text.value


def test_the_paper_is_its_submitted_text_section_by_section(db: Store):
    page, _ = chairs(db)
    kenya = db.find_delegation("interpol", "KEN").id
    assert page.open_paper(kenya)
    sections = dict(page.grade.paper_text.sections)
    assert sections["Topic A · Topic background"] == "Kenya background, by Delegate of Kenya."
    solutions = sections["Topic A · Proposed solutions"]
    assert solutions == "Kenya proposes shared labs.\nA second paragraph." or "shared" in solutions
    assert sections["AI-use disclosure"] == "None."
    assert "<h3>Topic A · Proposed solutions</h3>" in page.grade.paper_text.value
    assert "Delegate of Kenya" in page.grade.heading.value  # INTERPOL does not grade blind


def test_the_rubric_explains_the_total_as_points_are_typed(db: Store):
    page, _ = chairs(db)
    rubric = page.grade.rubric
    assert "weight 15 %" in rubric.children[0].children[0].value
    rubric.boxes["Topic background"].value = 8
    assert "8 of 10 × 15 % = 12" in rubric.lines["Topic background"].value
    assert "Total: <b>12 / 100</b>" in rubric.total.value
    rubric.boxes["Country policy"].value = 5
    assert (
        "Total: <b>27 / 100</b>" in rubric.total.value
        and "(12 + 0 + 15 + 0 + 0)" in rubric.total.value
    )
    rubric.boxes["Country policy"].value = 11
    assert "11 is outside 0 to 10" in rubric.lines["Country policy"].value
    assert "correct Country policy first" in rubric.total.value


def test_a_chair_writes_only_their_own_review(db: Store):
    first, second = chairs(db)
    kenya = db.find_delegation("interpol", "KEN").id
    assert first.grade.save(kenya, {n: 9 for n in NAMES}, "From Ana.")
    assert second.grade.save(kenya, {n: 4 for n in NAMES}, "From Bo.")
    rows = {r["chair"]: (r["scores"][NAMES[0]], r["comments"]) for r in db.reviews(kenya)}
    ana, bo = (m.identity.key for m in staff.members(db))
    assert rows == {ana: (9.0, "From Ana."), bo: (4.0, "From Bo.")}
    # Bo's page has no way to name Ana: whatever it sends is saved as Bo's.
    assert second.grade.save(kenya, {n: 1 for n in NAMES}, "Bo again.")
    assert {r["chair"]: r["scores"][NAMES[0]] for r in db.reviews(kenya)} == {ana: 9.0, bo: 1.0}
    # Opening the paper again shows each chair their own scores only.
    assert first.open_paper(kenya) and first.grade.rubric.boxes[NAMES[0]].value == 9
    assert first.grade.comments.value == "From Ana."


def test_scope_is_the_committee_even_through_the_widget_messages(db: Store, home: Path):
    add_blind_committee(home)
    db.add_delegation("blindpol", "KEN", "Secret Name", "Secret School")
    other = db.find_delegation("blindpol", "KEN").id
    page, _ = chairs(db)
    assert not page.grade.save(other, {n: 9 for n in NAMES}, "")
    assert "not a submitted paper of this committee" in page.grade.message.value
    assert db.reviews(other) == []
    assert not page.open_paper(other)
    peru = db.find_delegation("interpol", "PER").id  # no paper yet: nothing to open
    table = page.collection.table
    kenya = db.find_delegation("interpol", "KEN").id
    assert f"data-row='{kenya}'" in table.value and f"data-row='{peru}'" not in table.value
    for forged in (other, peru, True, "1", None):
        table._handle_custom_msg({"event": "open", "id": forged}, [])
        assert page.tabs.selected_index == 0, forged
    table._handle_custom_msg({"event": "open", "id": kenya}, [])
    assert page.tabs.selected_index == 1 and page.grade.current == kenya


def test_blind_committee_shows_no_names_in_grade(db: Store, home: Path):
    add_blind_committee(home)
    db.add_delegation("blindpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    submit(db, "blindpol", "KEN")
    ana, _ = staff.add(db, "chair", "Ana Ruiz", committee="blindpol")
    page = ChairPage(db, "blindpol", ana.identity)
    grade = page.grade
    assert grade.current is not None
    shown = grade.heading.value + grade.paper_text.value + grade.position.value
    assert "Kenya" in shown and "[withheld]" in grade.paper_text.value
    for name in ("Wanjiru", "Kamau", "Nairobi", "Academy"):
        assert name not in shown + page.collection.table.value, name
    assert grade.save(grade.current, {n: 5 for n in NAMES}, "")
    frame = tables.grades_table(db, "blindpol", per_chair=True)
    assert "delegate" not in frame.columns and list(frame.chair) == ["Ana Ruiz"]


def test_several_chairs_spread_flag_and_final_grade(db: Store):
    first, second = chairs(db)
    kenya = db.find_delegation("interpol", "KEN").id
    assert first.open_paper(kenya) and second.open_paper(kenya)
    assert first.grade.save(kenya, {n: 9 for n in NAMES}, "Ana: strong.")
    second.refresh()
    assert "Only you have scored" in first.grade.spread.value
    assert "1 other chair(s) scored this paper" in second.grade.spread.value  # not their scores
    assert "90" not in second.grade.spread.value
    assert second.grade.save(kenya, {**{n: 9 for n in NAMES}, "Country policy": 4}, "Bo: thin.")
    grade = next(g for g in review.grades(db, "interpol") if g.delegation_id == kenya)
    assert [r.total for r in grade.reviews] == [90.0, 75.0]  # Ana, then Bo
    assert grade.spread["Country policy"] == 5 and grade.total_spread == 15
    assert grade.total == 82.5 and not grade.flagged  # 15 is not more than 15
    assert second.grade.save(kenya, {**{n: 9 for n in NAMES}, "Country policy": 3}, "Bo: thin.")
    grade = next(g for g in review.grades(db, "interpol") if g.delegation_id == kenya)
    assert grade.total_spread == 18 and grade.flagged and grade.total == 81
    spread = second.grade.spread.value
    assert "Ana Ruiz" in spread and "Bo Li (you)" in spread and "differ by 18 points" in spread
    second.grade.filter.value = "spread"
    assert second.grade.ids == [kenya]
    assert "chairs differ by 18" in second.grades.ranking.value


def test_median_final_grade_and_the_spread_rule_are_validated(db: Store, home: Path):
    text = (COMMITTEES_DIR / "interpol.yaml").read_text()
    (home / "committees").mkdir()
    shutil.copytree(COMMITTEES_DIR / "interpol", home / "committees" / "medpol")
    (home / "committees" / "medpol.yaml").write_text(
        text.replace("acronym: INTERPOL", "acronym: MEDPOL").replace(
            "  min_sources: 3\n", "  min_sources: 3\n  final_grade: median\n  chair_spread: 30\n"
        )
    )
    info = committees.load("medpol")
    assert info.rules.final_grade == "median" and info.rules.chair_spread == 30
    db.add_delegation("medpol", "KEN", "D", "S")
    kenya = db.find_delegation("medpol", "KEN").id
    for chair, points in (("staff:1", 10), ("staff:2", 2), ("staff:3", 8)):
        db.save_review(kenya, chair, {n: points for n in NAMES})
    grade = review.grades(db, "medpol")[0]
    assert grade.total == 80 and grade.total_spread == 80 and grade.flagged
    for bad, why in (
        ("chair_spread: -1", "greater than or equal to 0"),
        ("final_grade: mode", "mean"),
    ):
        with pytest.raises(CommitteeError, match=why):
            validated(text.replace("  min_sources: 3\n", f"  min_sources: 3\n  {bad}\n"), "x.yaml")


def test_grades_download_is_the_table_munbook_grades_writes(db: Store):
    first, second = chairs(db)
    kenya = db.find_delegation("interpol", "KEN").id
    assert first.grade.save(kenya, {n: 9 for n in NAMES}, "=HYPERLINK(1) from Ana")
    assert second.grade.save(kenya, {n: 5 for n in NAMES}, "Bo's note")
    links = first.grades.downloads()
    files = dict(
        re.findall(r"download='([^']+)' href='data:[^;]+;base64,([A-Za-z0-9+/=]+)'", links)
    )
    final = base64.b64decode(files["interpol-grades.csv"]).decode()
    assert final == review.grades_csv(db, "interpol")
    row = next(csv.DictReader(io.StringIO(final)))
    assert row["country"] == "Kenya" and row["total"] == "70.0" and row["chairs"] == "2"
    assert row["spread"] == "40.0" and row["flagged"] == "yes" and "Bo's note" in row["comments"]
    per_chair = list(
        csv.DictReader(
            io.StringIO(base64.b64decode(files["interpol-grades-per-chair.csv"]).decode())
        )
    )
    assert [(r["chair"], r["total"]) for r in per_chair] == [
        ("Ana Ruiz", "90.0"),
        ("Bo Li", "50.0"),
    ]
    assert per_chair[0]["comments"].startswith("'=HYPERLINK")  # neutralised for spreadsheets
    book = load_workbook(io.BytesIO(base64.b64decode(files["interpol-grades.xlsx"])))
    assert book.sheetnames == ["grades", "per chair"]
    sheet = list(book["per chair"].values)
    assert "comments" in sheet[0] and any("Bo's note" in str(v) for v in sheet[2])
    grades = list(book["grades"].values)
    assert "comments" in grades[0] and "Ana Ruiz:" in str(grades[1][grades[0].index("comments")])


def test_an_ingested_paper_in_a_blind_committee_shows_its_text_without_names(
    db: Store, home: Path, tmp_path: Path
):
    import typst

    from widgets.workflows import ingest

    add_blind_committee(home)
    db.add_delegation("blindpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    folder = tmp_path / "mail"
    folder.mkdir()
    source = b"Position paper of Kenya by Wanjiru Kamau, Nairobi Academy.\n\nKenya backs Pangea."
    (folder / "blindpol_Kenya_x.pdf").write_bytes(typst.compile(source, format="pdf"))
    assert ingest.ingest("blindpol", folder, "{committee}_{country}_{any}.pdf").stored
    ana, _ = staff.add(db, "chair", "Ana Ruiz", committee="blindpol")
    grade = ChairPage(db, "blindpol", ana.identity).grade
    ((title, text),) = grade.paper_text.sections
    assert title == "Submitted PDF (text as read)" and "Kenya backs Pangea." in text
    assert "[withheld]" in text and "Kamau" not in text and "Nairobi" not in text
    grade.show_images()
    assert grade.images.value.count("data:image/png;base64,") >= 1
    assert "Page 1 of" in grade.images.value


def test_page_images_on_demand(db: Store):
    page, _ = chairs(db)
    assert page.grade.images.value == ""  # nothing rendered until asked
    page.grade.show_images()
    assert "alt='Page 1 of 1'" in page.grade.images.value


def test_the_paper_text_slot_takes_another_reader(db: Store):
    from widgets.apps.paper_text import PaperText

    class Reader(PaperText):
        shown: ClassVar[list] = []

        def show(self, sections):
            Reader.shown.append([title for title, _ in sections])
            super().show(sections)

    page, _ = chairs(db)
    reader = Reader()
    page.grade.set_paper_text(reader)
    assert page.grade.paper_text is reader and reader in page.grade.reader.children
    assert Reader.shown and "Topic A · Topic background" in Reader.shown[-1]
    assert page.grade.next() and len(Reader.shown) == 2
