"""Issue a new code for one delegation: chosen, asked once by name, then shown with its slip.

Part of the codes panel (``codes_panel.py``). Nothing is chosen at first; "Issue
a new code" asks "<country> - <delegate> (<committee>): the old code stops
working now. Issue a new code?" and only Confirm revokes the old code. The
delegation asked about is kept in the kernel, so Confirm acts on it alone, and
every step checks the grant again (a browser can send any click).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..core import committees, countries
from ..core.access import Grant
from ..exceptions import MunbookError
from ..store import Delegation, Store
from ..workflows import roster, slips
from .html import busy, download_link, shows_errors

CHOOSE = "Choose a delegation"


class NewCode(w.VBox):
    """The delegation picker, its button, the question and the new code once confirmed."""

    def __init__(self, store: Store, grant: Grant, changed: Callable[[], None]):
        self.store, self.grant, self._changed = store, grant, changed
        self.pending: int | None = None  # the delegation the open question names
        # The placeholder chosen (index 0, value None): a blank select would say nothing.
        self.delegation = w.Dropdown(options=[(CHOOSE, None)], index=0, description="Delegation")
        self.delegation.layout.width = "26em"
        self.issue_button = w.Button(description="Issue a new code", layout=w.Layout(width="auto"))
        self.issue_button.on_click(lambda _: self.ask(self.delegation.value))
        self.question = w.HTML()
        self.confirm_button = w.Button(description="Confirm", button_style="danger")
        self.cancel_button = w.Button(description="Cancel")
        self.confirm_button.on_click(lambda _: self.confirm())
        self.cancel_button.on_click(lambda _: self.cancel())
        self.asking = w.VBox(
            [self.question, w.HBox([self.confirm_button, self.cancel_button])],
            layout=w.Layout(display="none"),
        )
        self.asking.add_class("mb-confirm")
        self.code_message = w.HTML()
        self._refreshing = False
        # Another choice closes the question: it would no longer name what is chosen.
        self.delegation.observe(self._chosen, names="value")
        row = w.HBox([self.delegation, self.issue_button], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([row, self.asking, self.code_message])
        self.add_class("mb-issue-code")

    def show(self, options: list[tuple[str, int]]) -> None:
        """The delegations to choose from; the one chosen stays chosen, else none is."""
        chosen, ids = self.delegation.value, [value for _, value in options]
        self._refreshing = True  # new options, the same choice: an open question stays open
        try:
            self.delegation.options = [(CHOOSE, None), *options]
            if chosen in ids:
                self.delegation.value = chosen
            else:
                self.delegation.index = 0
        finally:
            self._refreshing = False
        if self.pending is not None and self.pending not in ids:
            self._close()

    def _chosen(self, change: dict) -> None:
        if not self._refreshing:
            self._close()

    def _visible(self, delegation_id: int | None) -> Delegation:
        if delegation_id is None:
            raise MunbookError("choose a delegation first")
        delegation = self.store.delegation(delegation_id)
        if not self.grant.sees(delegation.school):
            raise MunbookError("that delegation is not one of your school's")
        return delegation

    @shows_errors("code_message")
    def ask(self, delegation_id: int | None) -> bool:
        """Ask once, naming the delegation; nothing changes until Confirm."""
        delegation = self._visible(delegation_id)
        self.pending = delegation.id
        self.question.value = f"<p><b>{escape(_named(delegation))}</b>: the old code stops working now. Issue a new code?</p>"
        self.asking.layout.display = None
        self.code_message.value = ""
        return True

    @shows_errors("code_message")
    def confirm(self) -> bool:
        """Revoke the old code of the delegation asked about; show the new one and its slip."""
        if self.pending is None:
            raise MunbookError(
                "nothing to confirm: choose a delegation and press “Issue a new code”"
            )
        delegation = self._visible(self.pending)
        self.pending = None  # a second click on Confirm issues nothing more
        with busy(
            self.code_message, "Issuing a new code…", self.confirm_button, self.cancel_button
        ):
            code, _, _ = roster.reissue_code(self.store, delegation.id)
            slip = slips.write_slip(self.store, delegation.id, code)
        self._close()
        link = download_link(slip, "Download its slip (PDF)", "application/pdf")
        self.code_message.value = (
            f"<div class='mb-ok' role='status'>New code for {escape(_named(delegation))}: "
            f"<code class='mb-new-code'>{escape(code)}</code>. The old code no longer works; "
            f"the new one is also in the code files above.</div><div>{link}</div>"
        )
        self._changed()
        return True

    def cancel(self) -> None:
        """Close the question; nothing changes, the old code still works."""
        if self.pending is not None:
            self.code_message.value = (
                "<span class='mb-quiet'>Nothing changed: the old code still works.</span>"
            )
        self._close()

    def _close(self) -> None:
        self.pending = None
        self.question.value = ""
        self.asking.layout.display = "none"


def _named(d: Delegation) -> str:
    """Kenya - Wanjiru Kamau (INTERPOL): how the question and the result name a delegation."""
    country = countries.lookup(d.country).name
    return f"{country} - {d.delegate or 'no name yet'} ({committees.load(d.committee).acronym})"
