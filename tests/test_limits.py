"""The limits a delegate reads in the page: one past each is refused everywhere, nothing lost."""

from __future__ import annotations

import nbformat
import pytest

from widgets.apps.workbook import WorkbookApp
from widgets.apps.write_panel import CHARS_SHOWN_FROM
from widgets.core import committees, countries, limits
from widgets.core.citations import works_cited
from widgets.core.limits import LimitExceeded
from widgets.exceptions import MunbookError, StoreError
from widgets.paper import export, notebook
from widgets.store import Store
from widgets.workflows import autosave, submit

SECTIONS = [
    f"{t}.{s}" for t in "AB" for s in ("background", "past_action", "country_policy", "solutions")
]


def words(n: int) -> str:
    return " ".join(["word"] * n)


# One draft past exactly one limit each (and the field the page marks).
PAST = {
    "section characters": ({"sections": {"A.background": "x" * 20_001}}, "A.background"),
    "section words": ({"sections": {"A.background": words(3_001)}}, "A.background"),
    "paper characters": (
        {"sections": {k: "abcdefghi " * 1_251 for k in SECTIONS}},  # 8 x 12,510 characters
        "paper",
    ),
    "paper words": ({"sections": {k: "ab " * 1_876 for k in SECTIONS}}, "paper"),
    "note characters": ({"notes": {"A.0": "n" * 20_001}}, "notes.A.0"),
    "disclosure characters": ({"disclosure": "d" * 2_001}, "disclosure"),
    "sources": ({"sources": [{"title": f"S{i}"} for i in range(101)]}, "sources"),
    "source field": ({"sources": [{"title": "t" * 501}]}, "sources.0.title"),
    "source URL": (
        {"sources": [{"title": "t", "url": "https://x.org/" + "u" * 1_987}]},
        "sources.0.url",
    ),
}
AT = {
    "sections": {"A.background": "x" * 20_000, "B.background": words(3_000)},
    "notes": {"A.0": "n" * 20_000},
    "disclosure": "d" * 2_000,
    "sources": [{"title": "t" * 500, "url": "u" * 2_000}] * 100,
}


@pytest.mark.parametrize("name", PAST)
def test_one_past_each_limit_is_named(name: str):
    content, field = PAST[name]
    problems = limits.check_draft(content)
    assert [p.field for p in problems] == [field]
    assert ("the limit is" in problems[0].message and "Shorten it" in problems[0].message) or (
        "Remove 1" in problems[0].message
    )


def test_at_each_limit_is_fine():
    assert limits.check_draft(AT) == []


def test_messages_say_how_much_and_by_how_much():
    (problem,) = limits.check_draft(
        {"sections": {"A.background": "x" * 20_412}}, {"A.background": "Topic A · Background"}
    )
    assert problem.message == (
        "Topic A · Background has 20,412 characters; the limit is 20,000. "
        "Shorten it by 412 characters."
    )
    (problem,) = limits.check_draft(PAST["sources"][0])
    assert problem.message == "The paper has 101 sources; the limit is 100. Remove 1."


@pytest.mark.parametrize("name", PAST)
def test_autosave_refuses_and_keeps_the_last_version(store: Store, name: str):
    delegation = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    session = autosave.DraftSession(store, delegation)
    assert session.save({"sections": {"A.background": "Saved first."}})
    with pytest.raises(LimitExceeded):
        session.save(PAST[name][0])
    latest = store.latest_draft(delegation)
    assert latest.version == 1 and latest.content["sections"]["A.background"] == "Saved first."


def test_the_store_refuses_an_oversize_draft_whoever_calls_it(store: Store):
    delegation = store.add_delegation("interpol", "KEN", "Wanjiru Kamau")
    with pytest.raises(StoreError, match="at most 4,000,000 bytes"):
        store.save_draft(delegation, {"sections": {"A.background": "x" * 5_000_000}}, 0)
    assert store.latest_draft(delegation) is None


def test_too_many_sources_are_not_formatted():
    with pytest.raises(LimitExceeded, match="101 sources"):
        works_cited([{"title": f"Report {i}"} for i in range(101)])
    assert len(works_cited([{"title": f"Report {i}"} for i in range(100)])) == 100


def open_app(store: Store, delegation: int) -> WorkbookApp:
    return WorkbookApp(
        store, store.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_the_page_shows_every_limit_next_to_its_field(home):
    db = Store()
    app = open_app(db, db.add_delegation("interpol", "KEN", "Wanjiru Kamau"))
    app.sections["A.background"].value = "Two words"
    # A section has no length limit of its own: no count under it, the paper's meter counts.
    assert app.section_counts["A.background"].value == ""
    assert "2 of 600 words" in app.total_count.value
    near = "x" * CHARS_SHOWN_FROM  # from here on, the characters are counted out loud
    app.sections["A.background"].value = near
    assert f"{CHARS_SHOWN_FROM:,} / 20,000 characters" in app.section_counts["A.background"].value
    app.sections["A.background"].value = near[:-1]
    assert app.section_counts["A.background"].value == ""
    assert "0 / 2,000 characters" in app.disclosure_count.value
    page = repr(app.tabs.children[2].children[0].value) + repr(
        app.tabs.children[1].children[0].value
    )
    assert "15,000 words and 100,000 characters" in page and "20,000 characters" in page
    assert any(
        "Up to 100 sources" in str(getattr(c, "value", "")) and "2,000" in c.value
        for c in app.sources_panel.children
    )


def test_the_page_refuses_past_a_limit_and_keeps_the_text(home):
    db = Store()
    delegation = db.add_delegation("interpol", "KEN", "Wanjiru Kamau")
    app = open_app(db, delegation)
    app.sections["A.background"].value = "Kept."
    assert app.save_now()
    long = "Counterfeit medicines. " * 900  # 20,700 characters
    app.sections["A.background"].value = long
    assert not app.save_now()
    assert app.sections["A.background"].value == long  # nothing truncated
    assert "Not saved: Topic A · Topic background has 20,700 characters" in app.status.value
    marked = app.section_counts["A.background"].value
    assert "the limit is 20,000" in marked and "Shorten it by 700 characters" in marked
    assert "your text stays here" in marked and "mb-over" in marked
    assert db.latest_draft(delegation).content["sections"]["A.background"] == "Kept."
    app.sections["A.background"].value = long[:19_000]
    assert app.save_now() and "All changes saved" in app.status.value
    assert "Shorten" not in app.section_counts["A.background"].value


def test_the_page_refuses_a_long_disclosure_and_a_long_note(home):
    db = Store()
    app = open_app(db, db.add_delegation("interpol", "KEN", "Wanjiru Kamau"))
    app.disclosure.value = "d" * 2_001
    assert not app.save_now()
    assert "AI-use disclosure has 2,001 characters" in app.disclosure_count.value
    app.disclosure.value = "None."
    app.notes["A.0"].value = "n" * 20_001
    assert not app.save_now() and "research note has 20,001" in app.notes_message.value


def test_the_sources_form_refuses_a_long_field_and_keeps_it(home):
    db = Store()
    app = open_app(db, db.add_delegation("interpol", "KEN", "Wanjiru Kamau"))
    panel = app.sources_panel
    panel.fields["title"].value = "T" * 501
    assert not panel.add(panel.form())
    assert "Source 1, title has 501 characters; the limit is 500" in panel.message.value
    assert panel.fields["title"].value == "T" * 501 and panel.sources == []
    panel.set_sources([{"title": f"Report {i}"} for i in range(99)])
    assert panel.add({"title": "The hundredth"})
    assert not panel.add({"title": "One too many"})
    assert "101 sources; the limit is 100" in panel.message.value and len(panel.sources) == 100


def test_submit_and_the_paper_path_check_the_same_limits(store: Store):
    db = store  # SQLite and PostgreSQL
    delegation = db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    # a draft stored before the limits existed (the store's own floor is 4 MB)
    db.save_draft(delegation, {"sections": {"A.background": "x" * 30_000}}, 0)
    with pytest.raises(LimitExceeded, match="30,000 characters; the limit is 20,000"):
        submit.submit(db, delegation)
    assert db.submissions(delegation) == []
    with pytest.raises(LimitExceeded):
        notebook.paper_notebook(
            "interpol", db.delegation(delegation), {"sources": PAST["sources"][0]["sources"]}
        )


@pytest.mark.parametrize(
    "role, text, message",
    [
        (None, "x" * 20_001, "Topic A · Background has 20,001 characters"),
        ("disclosure", "d" * 2_001, "The AI-use disclosure has 2,001 characters"),
    ],
)
def test_a_paper_notebook_from_elsewhere_is_checked(home, role, text, message):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata.munbook = {"role": role} if role else {"topic": "A", "title": "Background"}
    nb.cells = [cell]
    with pytest.raises(export.PaperError, match=message):
        export.render(nb)


def test_a_paper_notebook_with_too_many_cells_is_refused(home):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("x") for _ in range(101)]
    with pytest.raises(MunbookError, match="101 markdown cells; the limit is 100"):
        export.render(nb)
