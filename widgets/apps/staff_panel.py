"""The secretariat page's "Chairs and advisors": add a person with their own code, revoke one.

Part of the advisor page (``advisor.py``), made only for the secretariat's
code; each action checks the grant again. A new member's code is shown once,
here, to hand over; the store keeps its hash only (``store.staff``).
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..core import committees
from ..core.access import Grant, name_key
from ..core.staff import CHAIR, NAME_CHARS, STAFF_PER_SCOPE
from ..store import Store
from ..workflows import staff
from .html import bad, ok, set_options, shows_errors, table
from .roster_panel import secretariat_only

INTRO = (
    "<p>Each chair and advisor can have their own code, so their scores and comments carry "
    f"their name. Names have at most {NAME_CHARS} characters; a committee or school has at "
    f"most {STAFF_PER_SCOPE} people with live codes. A code is shown once, when it is made: "
    "hand it over then. A revoked code opens nothing from then on, and a page it opened "
    "before can no longer save; the person's work stays.</p>"
)


class StaffPanel(w.VBox):
    """Add a chair (of a committee) or an advisor (of a school); list and revoke them."""

    def __init__(self, store: Store, grant: Grant):
        self.store, self.grant = store, grant
        self.role = w.ToggleButtons(options=[("Chair", "chair"), ("Advisor", "advisor")])
        self.name = w.Text(description="Name", placeholder=f"at most {NAME_CHARS} characters")
        self.committee = w.Dropdown(
            description="Committee",
            options=[(c.acronym, key) for key, c in committees.all_committees().items()],
        )
        self.school = w.Combobox(description="School", placeholder="as the roster spells it")
        self.role.observe(lambda _: self._scope_shown(), names="value")
        add = w.Button(description="Add and make a code", button_style="primary")
        add.layout.width = "auto"
        add.on_click(lambda _: self.add(self.role.value, self.name.value, self._scope()))
        self.member = w.Dropdown(description="Person", layout=w.Layout(width="30em"))
        revoke = w.Button(description="Revoke their code", button_style="danger")
        revoke.layout.width = "auto"
        revoke.on_click(lambda _: self.revoke(self.member.value))
        self.message, self.listing = w.HTML(), w.HTML()
        row = w.HBox(
            [self.name, self.committee, self.school], layout=w.Layout(flex_flow="row wrap")
        )
        revoking = w.HBox([self.member, revoke], layout=w.Layout(flex_flow="row wrap"))
        super().__init__([w.HTML(INTRO), self.role, row, add, self.message, self.listing, revoking])
        self.add_class("mb-staff")
        self._scope_shown()
        self.show()

    def _scope(self) -> str:
        return self.committee.value if self.role.value == CHAIR else self.school.value

    def _scope_shown(self) -> None:
        chair = self.role.value == CHAIR
        self.committee.layout.display = None if chair else "none"
        self.school.layout.display = "none" if chair else None

    def show(self) -> None:
        """The people, newest last, and the schools of the roster to choose from."""
        members = self.store.staff_members()
        rows = [
            f"<tr><td>{m.id}</td><td>{escape(m.role)}</td><td>{escape(m.name)}</td>"
            f"<td>{escape(m.scope)}</td><td>{m.created_at:%Y-%m-%d %H:%M}</td>"
            f"<td class='{'mb-quiet' if m.revoked_at else 'mb-ok'}'>"
            f"{f'revoked {m.revoked_at:%Y-%m-%d %H:%M}' if m.revoked_at else 'live'}</td></tr>"
            for m in members
        ]
        header = ["Id", "Role", "Name", "Committee or school", "Added (UTC)", "Code"]
        self.listing.value = table(
            header,
            rows,
            empty="No chairs or advisors of their own yet.",
            caption="Chairs and advisors",
        )
        live = [
            (f"{m.id} · {m.name} · {m.role} · {m.scope}", m.id) for m in members if not m.revoked_at
        ]
        set_options(self.member, live)
        schools = {d.school for d in self.store.delegations() if d.school}
        self.school.options = sorted(schools, key=name_key)

    @shows_errors("message")
    @secretariat_only
    def add(self, role: str, name: str, scope: str | None) -> str | None:
        """Add a person; show (and return) their new code, once."""
        if role == CHAIR:
            member, code = staff.add(self.store, role, name, committee=scope)
        else:
            member, code = staff.add(self.store, role, name, school=scope)
        self.name.value = ""
        self.message.value = (
            ok(f"Added {member.name} ({member.role}, {member.scope}). Their code:")
            + f" <b class='mb-new-code'>{escape(code)}</b> "
            "<span class='mb-warn'>Shown only now: write it down or hand it over.</span>"
        )
        self.show()
        return code

    @shows_errors("message")
    @secretariat_only
    def revoke(self, staff_id: int | None) -> bool:
        """Stop one person's code from working."""
        if staff_id is None:
            self.message.value = bad("Choose a person first.")
            return False
        member = self.store.revoke_staff(int(staff_id))
        self.message.value = ok(f"{member.name}'s code no longer opens anything.")
        self.show()
        return True
