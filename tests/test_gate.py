"""The access-code gate: wrong codes wait without holding the kernel, pages expire, rows pruned."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import delegation_with_code

from widgets.apps import gate
from widgets.apps.code_field import CodeField
from widgets.apps.workbook import WorkbookApp, workbook_page
from widgets.store import Store, now
from widgets.store.schema import access_failures


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def kenya(store: Store) -> tuple[int, str]:
    return delegation_with_code(store)


def open_gate(store: Store, delegation: int, clock: Clock) -> gate.CodeGate:
    page = workbook_page("interpol", "KEN", delegation, store=store)
    page._clock = clock
    return page


def test_wrong_codes_refuse_tries_until_a_time_and_never_sleep(store: Store, kenya):
    delegation, code = kenya
    clock = Clock()
    page = open_gate(store, delegation, clock)
    for _ in range(2):
        assert not page.try_code("WRONG-CODE-0000")
        assert not page.button.disabled
    assert not page.try_code("WRONG-CODE-0000")  # the third wrong code earns a wait
    assert page.button.disabled and "try again in 1 s" in page.message.value
    # even the right code is refused until then, and the page says when
    clock.now += 0.5
    assert not page.try_code(code)
    assert "try again in 1 s" in page.message.value
    assert not any(isinstance(c, WorkbookApp) for c in page.children)
    page._unlock()  # what the kernel's event loop runs when the wait is over
    assert not page.button.disabled and "try again now" in page.message.value
    clock.now += 0.6
    assert page.try_code(code) and isinstance(page.children[0], WorkbookApp)


def test_the_wait_grows_and_survives_a_reload(store: Store, kenya):
    delegation, _ = kenya
    clock = Clock()
    page = open_gate(store, delegation, clock)
    waits = []
    for _ in range(6):
        page.try_code("WRONG-CODE-0000")
        waits.append(max(0.0, page._not_before - clock.now))
        clock.now += 100
    assert waits == [0, 0, 1, 2, 4, 8]
    assert gate.delay_after(100) == gate.MAX_DELAY
    # A reload (or 30 pages at once from one address): the count and the wait live in the
    # store, so the new page refuses the next try before checking it.
    again = open_gate(store, delegation, clock)
    assert not again.try_code("WRONG-CODE-0000")
    assert "try again in 8 s" in again.message.value
    assert store.failures_since(gate.failure_scope(), now() - timedelta(hours=1)) == 6


def test_a_page_without_a_code_expires(store: Store, kenya, monkeypatch: pytest.MonkeyPatch):
    delegation, code = kenya
    monkeypatch.setenv("MUNBOOK_GATE_TIMEOUT", "120")
    page = open_gate(store, delegation, Clock())
    assert "within 2 minutes, this page closes" in page.children[0].value
    page.expire()
    assert page.code.disabled and page.button.disabled
    assert "waited 2 minutes for a code and has closed." in page.message.value
    assert not page.try_code(code)  # too late: reload the page
    opened = open_gate(store, delegation, Clock())
    assert opened.try_code(code)
    opened.expire()  # an open page never expires
    assert isinstance(opened.children[0], WorkbookApp) and not opened.expired


def test_freeing_the_kernel_needs_munbook_serve(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("MUNBOOK_SERVER_URL", raising=False)
    assert gate.free_kernel() is False  # JupyterLab or a script: nothing to free


def test_a_bad_gate_timeout_setting_is_a_clear_error(store: Store, kenya, monkeypatch):
    monkeypatch.setenv("MUNBOOK_GATE_TIMEOUT", "soon")
    with pytest.raises(Exception, match="MUNBOOK_GATE_TIMEOUT='soon': must be a number"):
        workbook_page("interpol", "KEN", kenya[0], store=store)


def test_old_failure_rows_are_pruned(store: Store):
    with store.begin() as conn:
        conn.execute(
            access_failures.insert(),
            [{"scope": f"delegate:{i}", "at": now() - timedelta(hours=2)} for i in range(500)],
        )
    assert store.failure_rows() == 500
    store.record_failure("chair")
    assert store.failure_rows() == 1
    with store.begin() as conn:
        assert conn.execute(sa.select(access_failures.c.scope)).scalar_one() == "chair"


def test_the_gate_speaks_to_students_not_admins(store: Store, kenya):
    page = open_gate(store, kenya[0], Clock())
    said = page.children[0].value + page.message.value
    page.expire()
    said += page.message.value
    assert "server" not in said and "free" not in said
    assert "press Enter or <b>Open</b>" in said and "<b>Show</b>" in said


def test_enter_in_the_code_box_submits_the_code_it_carries(store: Store, kenya):
    delegation, code = kenya
    page = open_gate(store, delegation, Clock())
    assert isinstance(page.code, CodeField)
    # The box sends its text with the Enter (the value's own update may come later).
    page.code._handle_custom_msg({"event": "submit", "value": "WRONG-CODE"}, [])
    assert "does not open this page" in page.message.value
    page.code._handle_custom_msg({"event": "submit", "value": "A" * 500}, [])
    assert gate.TOO_LONG in page.message.value  # cut to one past the limit, still refused
    page.code._handle_custom_msg({"event": "submit", "value": f" {code} "}, [])
    assert page.opened and isinstance(page.children[0], WorkbookApp)
