import subprocess
import sys
from pathlib import Path

import pytest
from conftest import delegation_with_code

from widgets.apps.reading import time_left
from widgets.apps.workbook import WorkbookApp, workbook_page
from widgets.core import committees, countries
from widgets.core.words import count_words
from widgets.store import Store
from widgets.workflows import autosave


@pytest.fixture
def kenya(store: Store) -> tuple[int, str]:
    return delegation_with_code(store)


def open_app(store: Store, delegation: int) -> WorkbookApp:
    return WorkbookApp(
        store, store.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_right_code_opens_wrong_code_shows_nothing(store: Store, kenya):
    delegation, code = kenya
    page = workbook_page("interpol", "KEN", delegation, store=store)
    assert not page.try_code("AAAA-BBBB-CCCC")
    assert "does not open" in page.message.value
    assert not any(isinstance(c, WorkbookApp) for c in page.children)
    assert page.try_code(code.lower())
    assert isinstance(page.children[0], WorkbookApp)


def test_code_from_the_url(store: Store, kenya, monkeypatch: pytest.MonkeyPatch):
    delegation, code = kenya
    monkeypatch.setenv("QUERY_STRING", f"code={code}&x=1")
    page = workbook_page("interpol", "KEN", delegation, store=store)
    assert isinstance(page.children[0], WorkbookApp)


def test_another_delegations_code_is_refused(store: Store, kenya):
    _, kenya_code = kenya
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato")
    page = workbook_page("interpol", "JPN", japan, store=store)
    assert not page.try_code(kenya_code)
    # and a workbook whose parameters do not match the store opens nothing at all
    assert "not set up" in workbook_page("interpol", "JPN", kenya[0], store=store).value


def test_typing_is_saved_and_restored(store: Store, kenya):
    delegation, _ = kenya
    app = open_app(store, delegation)
    text = 'Kenya\'s Pharmacy and Poisons Board 🇰🇪 — 日本語 and עברית, *italics* `#read("/etc/passwd")`'
    app.sections["A.background"].value = text
    app.notes["A.0"].value = "private note"
    app.disclosure.value = "None."
    assert app.save_now()
    assert "All changes saved · version 1" in app.status.value
    reopened = open_app(store, delegation)
    assert reopened.sections["A.background"].value == text
    assert reopened.notes["A.0"].value == "private note"
    assert reopened.disclosure.value == "None."
    assert store.latest_draft(delegation).words == count_words(text)


def test_two_tabs_editing_different_sections_both_keep_them(store: Store, kenya):
    delegation, _ = kenya
    first, second = open_app(store, delegation), open_app(store, delegation)
    first.sections["A.background"].value = "from the first tab"
    assert first.save_now()
    second.sections["B.past_action"].value = "from the second tab"
    assert second.save_now()  # merged, not a conflict
    saved = store.latest_draft(delegation)
    assert saved.version == 2
    assert saved.content["sections"]["A.background"] == "from the first tab"
    assert saved.content["sections"]["B.past_action"] == "from the second tab"
    assert second.sections["A.background"].value == "from the first tab"  # shown at once
    assert "changes to Topic A · Topic background" in second.status.value
    assert not second.banner.children


def test_the_same_section_in_two_tabs_asks_and_loses_nothing(store: Store, kenya):
    delegation, _ = kenya
    first, second = open_app(store, delegation), open_app(store, delegation)
    first.sections["A.solutions"].value = "from the first tab"
    first.sections["A.background"].value = "first's background"
    assert first.save_now()
    second.sections["A.solutions"].value = "from the second tab"
    assert not second.save_now()
    box = second.banner.children[0]
    alert = box.children[0].value
    assert "changed in another tab" in alert and "now version 1" in alert
    assert "version 1" in second.status.value and "Not saved" in second.status.value
    sides = " ".join(c.value for c in box.children[2].children)
    assert "from the first tab" in sides and "from the second tab" in sides
    assert second.sections["A.background"].value == "first's background"  # merged meanwhile
    assert store.latest_draft(delegation).content["sections"]["A.solutions"] == "from the first tab"
    second.sections["A.solutions"].value = "typed while deciding"  # no save while it asks
    assert store.latest_draft(delegation).version == 1
    box.choose(0, "Keep both")
    saved = store.latest_draft(delegation)
    assert saved.version == 2 and not second.banner.children
    assert saved.content["sections"]["A.solutions"] == "typed while deciding\n\nfrom the first tab"
    assert saved.content["sections"]["A.background"] == "first's background"


def test_a_choice_for_a_clash_can_take_the_other_tab_text(store: Store, kenya):
    delegation, _ = kenya
    first, second = open_app(store, delegation), open_app(store, delegation)
    first.notes["A.0"].value = "first note"
    assert first.save_now()
    second.notes["A.0"].value = "second note"
    assert not second.save_now()
    box = second.banner.children[0]
    box.choose(5, "Keep both")  # no such field: nothing happens
    box.choose(0, "made up")
    assert second.session.conflict and store.latest_draft(delegation).version == 1
    box.choose(0, "Take the other tab's")
    assert second.notes["A.0"].value == "first note"
    assert store.latest_draft(delegation).version == 2 and not second.session.conflict


def test_history_restores_an_earlier_version(store: Store, kenya):
    delegation, _ = kenya
    app = open_app(store, delegation)
    for word in ("one", "two", "three"):
        app.sections["B.background"].value = word
        app.save_now()
    app.tabs.selected_index = 4  # opening the History tab lists the versions
    assert [version for _, version in app.history_panel.history.options] == [3, 2, 1]
    assert app.history_panel.restore(1)
    assert "Version 1 restored as version 4." in app.history_panel.message.value
    assert app.sections["B.background"].value == "one"
    assert store.latest_draft(delegation).version == 4


def test_sources_and_works_cited(store: Store, kenya):
    delegation, _ = kenya
    app = open_app(store, delegation)
    assert not app.sources_panel.add({"author": "Nobody"})
    assert app.sources_panel.add(
        {
            "author": "World Health Organization",
            "title": "Substandard and falsified medical products",
            "publisher": "WHO",
            "date": "2018-01-31",
            "url": "https://www.who.int/",
            "accessed": "2026-11-20",
        }
    )
    assert app.sources_panel.add(
        {"author": "Mensah, Kwame", "title": "Fake <script>x</script> drugs", "date": "2021"}
    )
    assert "Substandard and Falsified Medical Products" in app.sources_panel.cited.value
    assert (
        "&lt;script&gt;" in app.sources_panel.cited.value
        and "<script>" not in app.sources_panel.cited.value
    )
    assert app.sources_panel.update(
        1, {"author": "Mensah, Kwame", "title": "Fake drugs", "date": "2021"}
    )
    assert app.sources_panel.remove(0)
    app.save_now()
    assert [s["title"] for s in store.latest_draft(delegation).content["sources"]] == ["Fake drugs"]


def test_sources_form_traps(store: Store, kenya):
    """A date that is not a date is refused; Remove needs a pick; list follows works cited."""
    delegation, _ = kenya
    panel = open_app(store, delegation).sources_panel
    assert not panel.add({"title": "Report", "date": "March 2024"})
    assert "Published: \u201cMarch 2024\u201d is not a date" in panel.message.value
    assert panel.sources == []
    assert panel.add({"title": "Zulu report", "date": "2024-03"})
    assert panel.add({"title": "Alpha report", "date": "2024"})
    assert [label.split(" ")[0:2] for label, _ in panel.source_list.options] == [
        ["1.", "Alpha"],
        ["2.", "Zulu"],
    ]
    assert [index for _, index in panel.source_list.options] == [1, 0]
    panel.source_list.value = None
    assert not panel.remove(panel.source_list.value)
    assert "Pick the source to remove" in panel.message.value
    assert not panel.update(None, {"title": "X"})
    assert not panel.update(0, {"title": "Zulu report", "accessed": "yesterday"})
    assert "Accessed:" in panel.message.value and "accessed" not in panel.sources[0]
    assert len(panel.sources) == 2


def test_live_counts_show_limits(store: Store, kenya):
    delegation, _ = kenya
    app = open_app(store, delegation)
    app.sections["A.background"].value = "word " * 1600
    assert (
        "1,600 of 600 words" in app.total_count.value
        and "1,000 words over: shorten it." in app.total_count.value
    )
    assert "mb-over" in app.total_count.value


@pytest.mark.parametrize(
    "text, words",
    [
        ("", 0),
        ("one two  three\nfour", 4),
        ("日本語の文章", 6),
        ("don't stop-gap 2027", 3),
        ("— * -", 0),
    ],
)
def test_count_words(text: str, words: int):
    assert count_words(text) == words


def test_versions_are_thinned_but_the_latest_is_kept(store: Store, kenya):
    delegation, _ = kenya
    session = autosave.DraftSession(store, delegation)
    for i in range(120):
        session.save({"sections": {"A.background": f"v{i}"}})
    assert len(store.draft_history(delegation)) <= autosave.THIN_EVERY + 50
    latest = store.latest_draft(delegation)
    assert latest.content["sections"]["A.background"] == "v119" and latest.version == 120


def test_time_left_reads_well():
    from datetime import UTC, datetime, timedelta

    now = datetime(2027, 1, 1, tzinfo=UTC)
    assert time_left(now + timedelta(days=2, hours=3), now) == "2 days 3 hours left"
    assert time_left(now + timedelta(minutes=5), now) == "5 minutes left"
    assert time_left(now - timedelta(hours=1), now) == "deadline passed 1 hour 0 minutes ago"


def test_delegate_kernel_imports_no_pandas_or_matplotlib(home: Path):
    probe = (
        "import sys, widgets.apps.workbook, widgets.apps.gate, widgets.workflows.autosave, widgets.core.citations;"
        "print(sorted(m for m in ('pandas', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_paper_panel_previews_checks_and_submits(home: Path):
    db = Store()
    delegation = db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    app = open_app(db, delegation)
    app.sections["A.background"].value = "Counterfeit medicines kill."
    app.tabs.selected_index = 5  # opening the tab renders the paper
    panel = app.paper_panel
    assert "1 page of 2 allowed" in panel.pages_label.value and len(panel.preview.children) == 1
    assert (
        "AI-use disclosure is empty" in panel.checklist.value
        and "must fix" in panel.checklist.value
    )
    assert panel.submit() is None and "Not submitted" in panel.confirm.children[0].value
    assert "Not submitted" in panel.receipt.value  # the status, from the store
    app.disclosure.value = "None."
    assert panel.submit() is None  # empty sections, no sources, short: it asks once more
    assert "Submit anyway" in [b.description for b in panel.confirm.children[1].children]
    receipt = panel.submit_anyway()
    assert receipt and receipt.sha256 in panel.receipt.value and "on time" in panel.receipt.value
    app.sections["A.background"].value = "bad \x00 byte"
    panel.refresh()
    assert "Cannot make the PDF" in panel.checklist.value and "U+0000" in panel.checklist.value
    assert (
        db.latest_draft(delegation).content["sections"]["A.background"] == "bad \x00 byte"
    )  # kept as typed
