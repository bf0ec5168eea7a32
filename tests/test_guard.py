"""What a served kernel takes from its page before the gate opens (widgets.kernel.guard)."""

from __future__ import annotations

import logging

import pytest

from widgets.kernel import guard


@pytest.fixture(autouse=True)
def fresh_guard(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(guard, "_state", {"open": False, "seen": 0, "dropped": 0})


def msg(msg_type: str, **content) -> dict:
    return {"header": {"msg_type": msg_type}, "content": content, "buffers": []}


def test_a_page_opens_only_the_widget_manager_s_comm():
    assert guard.admitted(msg("comm_open", target_name="jupyter.widget.control"))
    assert not guard.admitted(msg("comm_open", target_name="jupyter.widget"))
    guard.opened()
    assert not guard.admitted(msg("comm_open", target_name="jupyter.widget"))  # never


def test_before_the_code_messages_are_bounded_in_size_and_count():
    small = msg("comm_msg", comm_id="c", data={"state": {"value": "K7QX-M2PA-ZT9C"}})
    big = msg("comm_msg", comm_id="c", data={"state": {"value": "x" * guard.PREGATE_BYTES}})
    assert guard.admitted(small) and not guard.admitted(big)
    with_buffer = {**small, "buffers": [b"\0" * guard.PREGATE_BYTES]}
    assert not guard.admitted(with_buffer)
    for _ in range(guard.PREGATE_MESSAGES - 3):
        assert guard.admitted(small)
    assert not guard.admitted(small)  # one past the count
    guard.opened()  # the gate let its person in: the page's own limits apply
    assert guard.admitted(big)


def test_a_failing_handler_is_logged_not_raised(caplog: pytest.LogCaptureFixture):
    def broken(stream, ident, message):
        raise KeyError("no comm_id")

    with caplog.at_level(logging.WARNING, logger="munbook.kernel"):
        assert guard.guarded(broken)(None, [], msg("comm_msg", data={})) is None
    assert "a page message failed" in caplog.text
