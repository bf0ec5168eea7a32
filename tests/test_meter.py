"""The Write tab's one length meter, and the checklist speaking of the same limit."""

from __future__ import annotations

import dataclasses

from widgets.apps.meter import meter_html
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries, length
from widgets.paper import fit
from widgets.store import Store

INTERPOL = committees.load("interpol")


def paper_of(words: int) -> dict:
    """A draft of ``words`` words of the committee's own prose over every section."""
    layout = fit.Layout.of(INTERPOL)
    keys = [f"{t.key}.{s.key}" for t in INTERPOL.topics for s in INTERPOL.rules.sections]
    sections = dict(zip(keys, fit._filler(layout, words), strict=True))
    sources = [{"title": f"Report {i}", "publisher": "INTERPOL", "date": "2024"} for i in range(3)]
    return {"sections": sections, "notes": {}, "sources": sources, "disclosure": "None."}


def test_the_binding_limit_is_the_one_reached_first():
    loose = dataclasses.replace(INTERPOL, rules=dataclasses.replace(INTERPOL.rules, max_words=1500))
    pages = length.binding(loose, fits=640)
    assert (pages.kind, pages.words, pages.pages) == ("pages", 640, 2)
    assert length.meter_text(448, pages) == "about 1.4 of 2 pages · 448 words (about 640 fit)"
    words = length.binding(INTERPOL, fits=640)
    assert (words.kind, words.words) == ("words", 600)
    assert length.meter_text(448, words) == "448 of 600 words · about 1.4 of 2 pages"
    unmeasured = length.binding(loose, fits=None)  # no figure: the words limit, as written
    assert length.meter_text(10, unmeasured) == "10 of 1,500 words"
    pages_only = dataclasses.replace(
        INTERPOL, rules=dataclasses.replace(INTERPOL.rules, max_words=None)
    )
    assert length.meter_text(5, length.binding(pages_only)) == (
        "5 words · at most 2 pages (see the preview)"
    )


def test_one_past_the_limit_turns_the_meter_red():
    bound = length.binding(INTERPOL, fits=640)
    assert "mb-over" not in meter_html(600, bound) and "value='600'" in meter_html(600, bound)
    over = meter_html(601, bound)
    assert "mb-over" in over and "601 of 600 words" in over and "1 word over: shorten it." in over
    assert "value='600'" in over and "low='1' high='599' optimum='0'" in over  # full, red


def test_the_meter_and_the_checklist_agree_on_a_677_word_paper(home):
    db = Store()
    delegation = db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    app = WorkbookApp(db, db.delegation(delegation), INTERPOL, countries.lookup("KEN"))
    app.set_content(paper_of(677))
    assert app.save_now()
    fits = fit.words_that_fit(INTERPOL)
    write = app.tabs.children[2]
    meters = [c for c in write.children if "mb-meter" in str(getattr(c, "value", ""))]
    assert meters == [app.total_count]  # one meter: no count under every section or topic
    assert all(c.value == "" for c in app.section_counts.values()) and app.topic_counts == {}
    assert "677 of 600 words" in app.total_count.value and "mb-over" in app.total_count.value
    app.paper_panel.refresh()
    checklist = app.paper_panel.checklist.value
    assert "The paper has 677 words; INTERPOL allows 600" in checklist
    assert "less than half" not in checklist
    # Past the pages too (the user's 677 words made 3): with the figure the meter uses.
    assert f"3 pages long; INTERPOL allows 2 (works cited not counted; about {fits} words fit)" in (
        checklist
    )
    assert "about 2.1 of 2 pages" in app.total_count.value


def test_the_chairs_table_speaks_of_the_same_figure(home):
    import nbformat

    from widgets.paper.notebook import paper_notebook
    from widgets.workflows.collect import collect

    db = Store()
    delegation = db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    nb = paper_notebook("interpol", db.delegation(delegation), paper_of(677))
    db.add_submission(
        delegation, pdf=b"%PDF-1.7", sha256="b" * 64, notebook=nbformat.writes(nb), pages=3
    )
    (row,) = collect(db, "interpol")
    fits = fit.words_that_fit(INTERPOL)
    assert f"3 pages long; INTERPOL allows 2 (works cited not counted; about {fits} words fit)" in (
        " ".join(row.violations)
    )
