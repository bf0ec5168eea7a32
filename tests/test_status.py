"""Submission status everyone reads the same way, the submit step that asks once more,
and a deterministic PDF (the same draft: the same bytes, the same SHA-256)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nbformat
import pytest
from conftest import SOURCES, full_content, save_latest
from pypdf import PdfReader

from widgets.apps.workbook import WorkbookApp
from widgets.core import checks, committees, countries
from widgets.paper import export
from widgets.store import Store
from widgets.workflows import progress, status, submit
from widgets.workflows.papers import latest_paper

INTERPOL = committees.load("interpol")


@pytest.fixture
def kenya(store: Store) -> int:
    return store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")


def open_app(store: Store, delegation: int) -> WorkbookApp:
    return WorkbookApp(store, store.delegation(delegation), INTERPOL, countries.lookup("KEN"))


# ---- a deterministic PDF ---------------------------------------------------------------


def test_same_draft_same_bytes_and_receipt(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    first = export.render(latest_paper(store, kenya)).pdf
    second = export.render(latest_paper(store, kenya)).pdf
    assert first == second
    # the creation date is the draft's saved time, not the clock
    saved = store.latest_draft(kenya).saved_at.astimezone(UTC)
    info = PdfReader(io.BytesIO(first)).metadata
    assert info["/CreationDate"] == f"D:{saved:%Y%m%d%H%M%S}Z"
    one = submit.submit(store, kenya)
    two = submit.submit(store, kenya, at=one.submitted_at + timedelta(minutes=5))
    assert one.submission_id != two.submission_id
    assert one.sha256 == two.sha256 == hashlib.sha256(first).hexdigest()
    rows = store.submissions(kenya)
    assert rows[0]["pdf"] == rows[1]["pdf"]


def test_a_new_version_gives_a_new_receipt(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    one = submit.submit(store, kenya)
    save_latest(store, kenya, full_content(101))
    assert submit.submit(store, kenya).sha256 != one.sha256


def test_stock_nbconvert_exports_the_same_bytes_twice(store: Store, kenya: int, tmp_path: Path):
    """A chair re-exporting a stored submission gets the submitted bytes again."""
    save_latest(store, kenya, full_content())
    receipt = submit.submit(store, kenya)
    paper = tmp_path / "paper.ipynb"
    paper.write_text(store.submissions(kenya)[0]["notebook"], encoding="utf-8")
    outputs = []
    for name in ("one", "two"):
        subprocess.run(
            [
                sys.executable,
                "-m",
                "jupyter",
                "nbconvert",
                "--to",
                "position_paper",
                "--output",
                name,
                str(paper),
            ],
            check=True,
            capture_output=True,
        )
        outputs.append((tmp_path / f"{name}.pdf").read_bytes())
    assert outputs[0] == outputs[1]
    assert hashlib.sha256(outputs[0]).hexdigest() == receipt.sha256


def test_a_paper_without_a_saved_time_has_no_date():
    nb = nbformat.v4.new_notebook()
    nb.metadata.munbook = {
        "country": "Kenya",
        "committee": "INTERPOL",
        "delegate": "W",
        "school": "S",
        "committee_name": "INTERPOL",
    }
    nb.cells = [nbformat.v4.new_markdown_cell("Text.")]
    pdf = export.render(nb).pdf
    assert pdf == export.render(nb).pdf
    assert "/CreationDate" not in PdfReader(io.BytesIO(pdf)).metadata
    assert export.paper_data(nb)["meta"]["date"] is None
    nb.metadata.munbook["saved_at"] = "not a time"  # a hand-edited notebook: no date, no crash
    assert export.paper_data(nb)["meta"]["date"] is None


# ---- the submit step -------------------------------------------------------------------


def test_warnings_are_listed_before_submitting(store: Store, kenya: int):
    content = full_content(5)
    content["sections"]["A.solutions"] = ""
    content["sources"] = []
    save_latest(store, kenya, content)
    checked = submit.review(store, kenya)
    kinds = sorted(v.kind for v in checked.warnings)
    assert kinds == ["empty_section", "short", "sources"] and not checked.blocking
    short = next(v for v in checked.warnings if v.kind == "short")
    assert (
        short.message == "The paper has 35 words, less than half of the 600 words INTERPOL allows."
    )
    assert store.submissions(kenya) == []  # a review submits nothing


def test_far_under_is_half_the_binding_limit_or_300_words():
    assert checks.far_under(INTERPOL, 299) and not checks.far_under(INTERPOL, 300)
    # Pages bind when the words allowed do not fit them: half of what fits, said so.
    loose = dataclasses.replace(INTERPOL, rules=dataclasses.replace(INTERPOL.rules, max_words=1500))
    short = checks.far_under(loose, 319, fits=640)
    assert short and short.message == (
        "The paper has 319 words, less than half of the about 640 words that fit "
        "INTERPOL's 2 pages."
    )
    assert checks.far_under(loose, 320, fits=640) is None
    no_limit = dataclasses.replace(
        INTERPOL, rules=dataclasses.replace(INTERPOL.rules, max_words=None, max_pages=None)
    )
    assert checks.far_under(no_limit, 299).message.endswith("less than 300 words.")
    assert checks.far_under(no_limit, 300) is None


def test_submit_anyway_submits_the_version_that_was_checked(store: Store, kenya: int):
    save_latest(store, kenya, full_content(5))
    checked = submit.review(store, kenya)
    save_latest(store, kenya, full_content(6))  # another tab saved since the delegate looked
    with pytest.raises(submit.DraftChanged, match="now version 2"):
        submit.submit(store, kenya, expect_version=checked.version)
    assert store.submissions(kenya) == []
    receipt = submit.submit(store, kenya, expect_version=2)
    assert receipt.warnings and store.submissions(kenya)


def test_panel_asks_once_more_and_blocking_still_blocks(store: Store, kenya: int):
    app = open_app(store, kenya)
    panel = app.paper_panel
    app.sections["A.background"].value = "Counterfeit medicines kill."
    assert panel.submit() is None  # the disclosure is empty: blocked, no choice offered
    assert "Fix these first" in panel.confirm.children[0].value and len(panel.confirm.children) == 1
    app.disclosure.value = "None."
    panel.refresh()  # the checklist warns of what submitting will ask about
    assert "! check: The paper has 3 words, less than half" in panel.checklist.value
    assert panel.submit() is None
    warning, buttons = panel.confirm.children
    assert "Before you submit" in warning.value and "less than half" in warning.value
    assert [b.description for b in buttons.children] == ["Submit anyway", "Go back"]
    buttons.children[1].click()  # Go back
    assert "Not submitted" in panel.confirm.children[0].value and not store.submissions(kenya)
    panel.submit()
    panel.confirm.children[1].children[0].click()  # Submit anyway
    assert len(store.submissions(kenya)) == 1 and not panel.confirm.children


def test_a_clean_paper_submits_at_the_first_click(store: Store, kenya: int):
    save_latest(store, kenya, full_content(70))  # 560 words: within INTERPOL's 600, not short
    app = open_app(store, kenya)
    assert app.paper_panel.submit() is not None
    assert "Submitted version 1" in app.submission.value


# ---- the status ------------------------------------------------------------------------


def test_status_text_in_the_committees_zone(store: Store, kenya: int):
    assert status.status_text(None, INTERPOL) == "Not submitted"
    save_latest(store, kenya, full_content())
    at = datetime(2027, 2, 26, 23, 30, tzinfo=UTC)  # 17:30 in Mexico City
    submit.submit(store, kenya, at=at)
    sub = status.latest_submission(store, kenya)
    assert status.status_text(sub, INTERPOL) == (
        "Submitted version 1 at Fri 26 Feb 2027, 17:30 (America/Mexico_City) (on time)"
    )
    submit.submit(store, kenya, at=at + timedelta(days=2, hours=3, minutes=1))
    late = status.latest_submission(store, kenya)
    assert status.status_text(late, INTERPOL).endswith("(late by 1 day 20 hours 32 minutes)")


def test_draft_change_in_words(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    submit.submit(store, kenya)
    sub = status.latest_submission(store, kenya)
    assert status.draft_change(store, kenya, sub) is None
    content = full_content()
    content["sections"]["B.solutions"] += " seventeen" * 17
    content["sources"] = SOURCES[:2]
    save_latest(store, kenya, content)
    change = status.draft_change(store, kenya, sub)
    assert change.sections == ("Topic B · Proposed solutions", "the works cited")
    assert status.change_text(change) == (
        "Your draft has changed since you submitted (now version 2): 17 more words "
        "(577 now, 560 submitted); changed: Topic B · Proposed solutions, the works cited. "
        "Submit again if the chair should read it."
    )
    # a submitted version thinned out of the store: the paper notebooks are compared instead
    thinned = dataclasses.replace(sub, version=99)
    assert status.draft_change(store, kenya, thinned).sections == change.sections
    save_latest(store, kenya, full_content())  # back to the submitted text: nothing to say
    assert status.draft_change(store, kenya, sub) is None
    assert status.draft_change(store, kenya, thinned) is None


def test_header_status_after_submit_reload_and_edit(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    app = open_app(store, kenya)
    assert (
        "Not submitted" in app.submission.value and "Not submitted" in app.paper_panel.receipt.value
    )
    receipt = app.paper_panel.submit()
    assert "Submitted version 1 at" in app.submission.value and "(on time)" in app.submission.value
    assert receipt.sha256 in app.paper_panel.receipt.value
    again = open_app(store, kenya)  # a reload reads it from the store
    assert "Submitted version 1 at" in again.submission.value
    assert "560 words" in again.submission.value and "mb-changed" not in again.submission.value
    again.sections["A.background"].value += " more words here"
    again.save_now()
    assert "Your draft has changed since you submitted (now version 2): 3 more words" in (
        again.submission.value
    )
    # the Paper tab says its preview is not what was submitted
    assert "not the paper you submitted" in again.paper_panel.receipt.value


def test_history_opens_on_the_latest_and_marks_the_submitted(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    submit.submit(store, kenya)
    content = full_content()
    content["sections"]["A.background"] = "Rewritten background."
    save_latest(store, kenya, content)
    app = open_app(store, kenya)
    app.tabs.selected_index = 4
    history = app.history_panel
    assert history.history.value == 2 and "Rewritten background." in history.preview.value
    labels = [label for label, _ in history.history.options]
    assert labels[1].endswith("· submitted") and "submitted" not in labels[0]
    history.history.value = 1
    assert "the version you submitted" in history.preview.value
    assert "Rewritten" not in history.preview.value


def test_progress_shows_the_submitted_papers_figures(store: Store, kenya: int):
    save_latest(store, kenya, full_content())
    submit.submit(store, kenya)
    save_latest(store, kenya, full_content(60))  # the draft changes after the submission
    row = next(r for r in progress.committee_status(store, "interpol"))
    assert (row.status, row.words, row.pages) == ("submitted", 560, 2)
    assert json.loads(store.submissions(kenya)[0]["notebook"])["metadata"]["munbook"]["saved_at"]
