"""Text past a limit is kept aside (a held draft): a closed tab or a dead kernel loses none of it."""

from __future__ import annotations

import pytest
from conftest import delegation_with_code

from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries, limits
from widgets.store import KernelStore, Store

TOO_LONG = "word " * (limits.SECTION_WORDS + 1)  # one past a section's limit


@pytest.fixture
def kenya(store: Store) -> int:
    return delegation_with_code(store)[0]


def open_app(store, delegation: int) -> WorkbookApp:
    return WorkbookApp(
        store, store.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_over_limit_text_is_held_not_saved_and_comes_back(store: Store, kenya: int):
    app = open_app(store, kenya)
    app.sections["A.background"].value = "a first version"
    assert app.save_now()
    app.sections["A.background"].value = TOO_LONG
    assert not app.save_now()
    assert "Not saved" in app.status.value and "Kept aside" in app.status.value
    assert "mb-unsaved" in app.status.value  # the page asks before the tab closes
    assert store.latest_draft(kenya).content["sections"]["A.background"] == "a first version"
    held = store.held_draft(kenya)
    assert held is not None and held.version == 1
    assert held.content["sections"]["A.background"] == TOO_LONG

    # the tab closes; the next page (another kernel) puts the text back
    reopened = open_app(KernelStore(store.url), kenya)
    assert reopened.sections["A.background"].value == TOO_LONG
    assert "Your text is back" in reopened.banner.children[0].value
    assert "Not saved" in reopened.status.value
    reopened.sections["A.background"].value = "shortened " * 10
    assert reopened.save_now()
    assert store.held_draft(kenya) is None
    assert store.latest_draft(kenya).content["sections"]["A.background"] == "shortened " * 10


def test_held_text_merges_with_what_another_tab_saved_since(store: Store, kenya: int):
    first = open_app(store, kenya)
    first.sections["A.background"].value = TOO_LONG
    assert not first.save_now()
    other = open_app(store, kenya)  # opens with the held text
    other.sections["B.solutions"].value = "from another device"
    assert not other.save_now()  # still too long in this tab
    assert store.latest_draft(kenya) is None
    Store(store.url).save_draft(kenya, {"sections": {"B.past_action": "third tab"}}, 0)
    reopened = open_app(store, kenya)
    reopened.sections["A.background"].value = "short now"
    assert reopened.save_now()
    saved = store.latest_draft(kenya).content["sections"]
    assert saved["A.background"] == "short now" and saved["B.past_action"] == "third tab"
    assert saved["B.solutions"] == "from another device"


def test_text_past_the_store_floor_says_it_lives_only_in_the_page(store: Store, kenya: int):
    app = open_app(store, kenya)
    app.sections["A.background"].value = "x" * (limits.DRAFT_BYTES + 1)
    assert not app.save_now()
    assert "Not kept either" in app.status.value and "only in this page" in app.status.value
    assert store.held_draft(kenya) is None
