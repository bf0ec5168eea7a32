"""The History tab through its real widgets: sessions, a diff of two versions or submissions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from conftest import delegation_with_code

from widgets.apps.diff_view import DiffView, diff_html
from widgets.apps.history_panel import HistoryPanel
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries
from widgets.store import Store

AT = datetime(2027, 1, 4, 8, 0, tzinfo=UTC)


def save(store: Store, delegation: int, background: str, minutes: int, based_on: int | None) -> int:
    content = {"sections": {"A.background": background}, "sources": [], "disclosure": ""}
    return store.save_draft(
        delegation,
        content,
        based_on,
        words=len(background.split()),
        saved_at=AT + timedelta(minutes=minutes),
    )


@pytest.fixture
def written(store: Store) -> tuple[Store, int]:
    """Two writing sessions: three saves at 08:00, two more at 10:00."""
    kenya, _ = delegation_with_code(store)
    texts = [
        "Kenya **supports** AFRIPOL.",
        "Kenya **supports** AFRIPOL and Operation Pangea.",
        "Kenya **supports** AFRIPOL and Operation Pangea in Nairobi.",
        "Kenya strongly supports AFRIPOL and Operation Pangea in Nairobi.",
        "Kenya strongly supports AFRIPOL and Operation Pangea.",
    ]
    version = None
    for text, minutes in zip(texts, [0, 5, 10, 120, 125], strict=True):
        version = save(store, kenya, text, minutes, version)
    return store, kenya


def open_app(store: Store, delegation: int) -> WorkbookApp:
    return WorkbookApp(
        store, store.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_history_lists_sessions_in_the_readers_zone_and_compares_the_last_two(written):
    store, kenya = written
    app = open_app(store, kenya)
    app.zone.set_reader("Africa/Nairobi")  # UTC+3
    app.tabs.selected_index = 4  # opening the tab fills it
    compare = app.history_panel.compare
    labels = [label for label, _ in compare.session_list.options]
    assert labels == [
        "Mon 04 Jan 13:00–13:05 · 2 versions · 7 words (-1)",
        "Mon 04 Jan 11:00–11:10 · 3 versions · 8 words (+8)",
    ]
    # First shown: the end of the session before against the latest version.
    assert (compare.older.value, compare.newer.value) == ("v3", "v5")
    shown = compare.view.body.value
    assert "From version 3 to version 5" in shown and "1 of 10 sections changed" in shown
    assert "<ins class='mb-ins'><span class='mb-sr'>[added: </span>strongly<span" in shown
    assert "<del class='mb-del'><span class='mb-sr'>[removed: </span>in Nairobi" in shown
    assert "**" not in shown  # the text as text, not markdown
    assert "9 sections unchanged" in shown and "Topic A · Country policy (0 words)" in shown


def test_picking_a_session_shows_what_was_written_in_it_and_any_two_can_be_compared(written):
    store, kenya = written
    app = open_app(store, kenya)
    app.tabs.selected_index = 4
    compare = app.history_panel.compare
    compare.session_list.value = 1  # the first session: from its first save to its last
    assert (compare.older.value, compare.newer.value) == ("v1", "v3")
    assert "[added: </span>and Operation Pangea in Nairobi" in compare.view.body.value
    compare.older.value = "v5"
    assert compare.session_list.value is None  # picked by hand: no session says it is shown
    compare.newer.value = "v1"
    assert "From version 5 to version 1" in compare.view.body.value
    compare.newer.value = "v5"
    assert "From and To are the same" in compare.view.body.value


def test_a_submission_is_compared_as_submitted_and_restoring_stays_one_click(written):
    store, kenya = written
    nb = {
        "metadata": {"munbook": {"draft_version": 3}},
        "cells": [
            {
                "cell_type": "markdown",
                "metadata": {
                    "munbook": {"topic": "A", "section": "background", "title": "Topic background"}
                },
                "source": "Kenya *supports* AFRIPOL and Operation Pangea in Nairobi.",
            },
        ],
    }
    sub = store.add_submission(
        kenya,
        pdf=b"%PDF-1.7 x",
        sha256="a" * 64,
        notebook=json.dumps(nb),
        submitted_at=AT + timedelta(minutes=11),
    )
    app = open_app(store, kenya)
    app.tabs.selected_index = 4
    compare = app.history_panel.compare
    assert compare.older.options[0][1] == f"s{sub}" and compare.older.options[0][0].startswith(
        "submission 1 ·"
    )
    assert compare.older.value == f"s{sub}"  # changed since submitting: that comes first
    assert "From submission 1 to version 5" in compare.view.body.value
    assert "[added: </span>strongly<" in compare.view.body.value
    panel = app.history_panel
    panel.history.value = 1
    assert panel.restore(1)
    assert "Version 1 restored as version 6." in panel.message.value
    assert app.sections["A.background"].value == "Kenya **supports** AFRIPOL."
    assert compare.newer.value == "v6"  # listed again, the restored version included


def test_the_diff_escapes_what_a_delegate_wrote():
    html = diff_html(
        {"Topic A · Background": "<b>old</b>"},
        {"Topic A · Background": "<script>alert(1)</script>"},
    )
    assert "<script>" not in html and "<b>old" not in html
    assert "&lt;" in html and "alert" in html
    view = DiffView()
    view.show({"a": "same"}, {"a": "same"})
    assert "No differences" in view.body.value


def test_a_history_panel_of_nothing_says_so(store: Store):
    kenya, _ = delegation_with_code(store)
    panel = HistoryPanel(store, kenya, lambda _: False, committees.load("interpol"), {})
    panel.fill()
    assert (
        "Nothing saved yet" in panel.compare.view.body.value
        and panel.compare.session_list.options == ()
    )


def test_both_stores_thin_to_the_end_of_every_writing_session(store: Store):
    from widgets.core.sessions import session_ends
    from widgets.store.lite import KernelStore

    kernel = KernelStore(store.url)
    try:
        kenya, _ = delegation_with_code(store)
        japan = store.add_delegation("interpol", "JPN", "Aiko Sato", "Osaka School")
        for who, saver in ((kenya, kernel), (japan, store)):
            version = None
            for n in range(30):  # 6 sessions of 5 saves, 2 minutes apart, 40 minutes between
                at = AT + timedelta(minutes=40 * (n // 5) + 2 * (n % 5))
                version = saver.save_draft(who, {"n": n}, version, saved_at=at)
        ends = session_ends(store.draft_history(kenya))
        assert len(ends) == 6
        assert kernel.thin_drafts(kenya, keep_recent=3, keep_hourly=10) == 30 - 9
        assert store.thin_drafts(japan, keep_recent=3, keep_hourly=10) == 30 - 9
        kept = [v for v, _, _ in store.draft_history(kenya)]
        assert kept == [v for v, _, _ in kernel.draft_history(japan)]
        # the newest 3, the newest of the hour 11:00 (27), and each session's end
        assert kept == [30, 29, 28, 27, 25, 20, 15, 10, 5] and set(ends) <= set(kept)
    finally:
        kernel.dispose()


def test_opening_a_workbook_loads_no_markdown_parser_or_difflib_until_history_compares():
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import widgets.apps.workbook\n"
        "print([m for m in ('markdown_it', 'difflib') if m in sys.modules])\n"
        "from widgets.apps.diff_view import diff_html\n"
        "diff_html({'a': 'x'}, {'a': 'y'})\n"
        "print([m for m in ('markdown_it', 'difflib') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["[]", "['markdown_it', 'difflib']"]


def test_history_reaches_only_its_own_delegations_versions_and_submissions(store: Store):
    from traitlets import TraitError

    kenya, _ = delegation_with_code(store)
    japan = store.add_delegation("interpol", "JPN", "Aiko Sato", "Osaka School")
    save(store, kenya, "Kenya's text.", 0, None)
    save(store, japan, "Japan's secret text.", 0, None)
    theirs = store.add_submission(japan, pdf=b"%PDF-1.7 j", sha256="c" * 64, notebook="{}")
    panel = HistoryPanel(store, kenya, lambda _: False, committees.load("interpol"), {})
    panel.fill()
    assert [v for _, v in panel.compare.older.options] == ["v1"]
    # What a page can send (the widget protocol sets the index): only listed choices.
    with pytest.raises(TraitError):
        panel.compare.older.set_state({"index": 5})
    with pytest.raises(TraitError):
        panel.compare.older.value = f"s{theirs}"
    assert "secret" not in panel.compare.view.body.value
    assert panel.compare.sections(f"s{theirs}") == {}  # looked up among Kenya's only
