"""Staff tables as DataFrames, on SQLite and PostgreSQL, and their CSV/XLSX files."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from widgets.exceptions import MunbookError
from widgets.store import Store
from widgets.workflows import tables

TEXT = "Counterfeit medicines endanger patients and fund organised crime across borders. "


@pytest.fixture
def filled(store: Store) -> Store:
    """Kenya submitted on time and scored by two chairs, Japan late, Peru nothing."""
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    japan = store.add_delegation("interpol", "JPN", '=HYPERLINK("http://x","y")', "TIS")
    store.add_delegation("interpol", "PER", "Lucía Quispe", "Colegio Lima")
    store.save_draft(kenya, {"sections": {"A.background": "one two three"}}, None, words=3)
    for delegation, late, words in ((kenya, 0, 300), (japan, 3600, 120)):
        store.add_submission(
            delegation,
            pdf=b"%PDF-1.7",
            sha256="0" * 64,
            seconds_late=late,
            pages=2,
            words=words,
            text=TEXT * 20,
            ingested=True,
            source_name="mail.pdf",
        )
    full = {"Topic background": 10, "Past international action": 10, "Country policy": 9}
    store.save_review(kenya, "Chair A", full, "Clear.")
    store.save_review(kenya, "Chair B", {"Topic background": 5}, "")
    store.grant_extension(japan, datetime(2027, 3, 1, 12, tzinfo=UTC), "illness")
    return store


def test_progress_table_filters_by_school(filled: Store):
    frame = tables.progress_table(filled, "interpol")
    assert list(frame.country) == ["Japan", "Kenya", "Peru"]
    assert dict(zip(frame.country, frame.status, strict=True))["Kenya"] == "submitted"
    # a submitted paper shows its own words (300), not the draft's since (3)
    assert frame.loc[frame.country == "Kenya", "words"].item() == 300
    assert str(frame.last_saved.dtype) == "datetime64[ns, UTC]"
    one_school = tables.progress_table(filled, school="Nairobi Academy")
    assert list(one_school.country) == ["Kenya"]


def test_collection_table_has_the_chairs_columns(filled: Store):
    frame = tables.collection_table(filled, "interpol", blind=False)
    row = frame.set_index("country").loc["Japan"]
    assert row.status == "late" and row.minutes_late == 60 and row.pages == 2
    # The deadline (2027-02-26) is ahead: Peru is not missing yet.
    assert frame.set_index("country").loc["Peru"].status == "not yet submitted"
    assert pd.isna(frame.set_index("country").loc["Peru"].pages)
    # Same text in Kenya and Japan: each is the other's most similar paper.
    assert frame.set_index("country").loc["Kenya"].similar_to == "Japan"
    blind = tables.collection_table(filled, "interpol", blind=True)
    assert "delegate" not in blind.columns and "school" not in blind.columns


def test_overlap_and_grades(filled: Store):
    overlaps = tables.overlap_table(filled, "interpol")
    pair = overlaps[(overlaps.paper == "Japan") & (overlaps.other == "Kenya")]
    assert pair.flagged.item() and pair.share.item() == pytest.approx(1.0)
    grades = tables.grades_table(filled, "interpol", blind=False)
    kenya = grades.set_index("country").loc["Kenya"]
    assert kenya["rank"] == 1 and kenya.chairs == 2
    per_chair = tables.grades_table(filled, "interpol", per_chair=True, blind=False)
    assert sorted(per_chair.chair) == ["Chair A", "Chair B"]
    assert per_chair.set_index("chair").loc["Chair B"]["Topic background"] == 5


def test_extensions_table(filled: Store):
    frame = tables.extensions_table(filled, "interpol")
    assert list(frame.country) == ["Japan"] and frame.reason.item() == "illness"
    assert frame.until.item() == pd.Timestamp(datetime(2027, 3, 1, 12, tzinfo=UTC))


def test_written_tables_neutralise_formulas(filled: Store, tmp_path: Path):
    frame = tables.progress_table(filled, "interpol")
    csv_file = tables.write_table(frame, tmp_path / "progress.csv")
    text = csv_file.read_text()
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    assert "last_saved (UTC)" in text.splitlines()[0]
    book = load_workbook(tables.write_table(frame, tmp_path / "progress.xlsx"))
    cells = [c.value for row in book.active.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    with pytest.raises(MunbookError, match=r"\.csv or an \.xlsx"):
        tables.write_table(frame, tmp_path / "progress.ods")


def test_empty_committee_gives_empty_tables(store: Store):
    assert tables.progress_table(store, "interpol").empty
    assert tables.collection_table(store, "interpol").empty
    assert tables.extensions_table(store).empty
    assert list(tables.grades_table(store, "interpol", blind=False).columns)[:2] == [
        "rank",
        "country",
    ]


def test_collect_and_grades_write_xlsx(filled: Store, tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from widgets.cli import main

    if filled.engine.dialect.name != "sqlite":
        monkeypatch.setenv("MUNBOOK_DB", filled.url)
    runner = CliRunner()
    out = tmp_path / "collection.xlsx"
    result = runner.invoke(main, ["collect", "--committee", "interpol", "--xlsx", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][0] == "country" and {r[0] for r in rows[1:]} == {"Japan", "Kenya", "Peru"}
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    grades = tmp_path / "grades.xlsx"
    result = runner.invoke(main, ["grades", "--committee", "interpol", "--xlsx", str(grades)])
    assert result.exit_code == 0, result.output
    book = load_workbook(grades)
    assert book.sheetnames == ["grades", "per chair"]
    chairs = [r[3] for r in book["per chair"].iter_rows(min_row=2, values_only=True)]
    assert sorted(chairs) == ["Chair A", "Chair B"]
