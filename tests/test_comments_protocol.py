"""An advisor's page through Voilà's real protocol (kernel websocket, widget comm messages):
whatever a script sends, another school's delegation never opens and its draft never arrives."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from conftest import full_content, seed_kenya

from widgets.store import Store

sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
from raw_page import RawPage

pytestmark = pytest.mark.browser

SECRET = "Japan's secret draft JP-MARKER-77"


def ref(model_id: str) -> str:
    return f"IPY_MODEL_{model_id}"


def test_an_advisor_script_cannot_open_another_schools_draft(served, demo_home):
    kenya = seed_kenya(full_content(), 560)
    store = Store()
    japan, _ = store.upsert_delegation("interpol", "JPN", "Haruto Sato", "Tokyo High")
    store.save_draft(japan, {"sections": {"A.background": SECRET}}, None)
    store.add_code("ADVI-SORC-ODE2", "advisor", school="Nairobi Academy")
    page = RawPage(served.base, "apps/advisor.ipynb", "ADVI-SORC-ODE2")
    states = page.states()
    reader = next(k for k, s in states.items() if "mb-draft-reader" in s.get("_dom_classes", []))
    parts = [c.removeprefix("IPY_MODEL_") for c in states[reader]["children"]]
    picker = next(p for p in parts if states[p].get("description") == "Delegation")
    button = next(p for p in parts if states[p].get("description") == "Open")
    assert states[picker]["_options_labels"] == ["INTERPOL · KEN · Wanjiru Kamau"]
    # A script picks an option the page never offered, then presses Open.
    for index in (1, 7, -1):
        page.send("comm_msg", {"comm_id": picker, "data": {"method": "update",
                               "state": {"index": index}, "buffer_paths": []}})  # fmt: skip
    page.send("comm_msg", {"comm_id": button, "data": {"method": "custom",
                           "content": {"event": "click"}}})  # fmt: skip
    states = page.states()
    seen = json.dumps(page.received) + json.dumps(states)
    assert SECRET not in seen and "JP-MARKER-77" not in seen
    assert "Opened KEN" in seen  # the one delegation it may open
    assert store.comments(japan) == [] and store.comments(kenya) == []
    page.close()
    store.dispose()
