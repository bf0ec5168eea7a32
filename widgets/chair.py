"""The chair app: a committee's delegations, submissions and rule checks.

Shown by notebooks/chair.ipynb behind a chair's access code; the code decides
the committee. Blind committees hide delegate and school.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from . import committees
from .advisor import STATUS_CLASS, TABLE_STYLE, _when
from .gate import CodeGate
from .progress import committee_status
from .store import Store


def collection_html(store: Store, committee: str) -> str:
    """One row per delegation: who, when, on time or late, or missing."""
    info = committees.load(committee)
    blind = info.rules.blind_grading
    header = [
        "Country",
        *([] if blind else ["Delegate", "School"]),
        "Status",
        "Submitted",
        "Late by",
        "Words",
    ]
    rows = []
    for row in committee_status(store, committee):
        d = row.delegation
        who = [] if blind else [d.delegate or "–", d.school or "–"]
        late = _duration(row.seconds_late) if row.seconds_late else "–"
        cells = "".join(f"<td>{escape(c)}</td>" for c in [row.country_name, *who])
        rows.append(
            f"<tr>{cells}<td class='{STATUS_CLASS.get(row.status, '')}'>{escape(row.status)}</td>"
            f"<td>{_when(row.submitted_at)}</td><td>{late}</td><td>{row.words}</td></tr>"
        )
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join(rows) or f"<tr><td colspan='{len(header)}'>No delegations yet.</td></tr>"
    return f"{TABLE_STYLE}<table class='mb-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _duration(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours} h {rest // 60} min" if hours else f"{rest // 60} min"


class ChairPage(w.VBox):
    def __init__(self, store: Store, committee: str):
        self.store, self.committee = store, committee
        info = committees.load(committee)
        self.table = w.HTML(collection_html(store, committee))
        refresh = w.Button(description="Refresh", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        super().__init__(
            [
                w.HTML(
                    f"<h2 style='font-family:Georgia,serif'>munbook · chair · {escape(info.acronym)}</h2>"
                ),
                refresh,
                self.table,
            ]
        )

    def refresh(self) -> None:
        self.table.value = collection_html(self.store, self.committee)


def committee_for_chair_code(store: Store, code: str) -> str | None:
    """The committee this chair code opens, if any."""
    return next(
        (key for key in committees.all_committees() if store.check_code(code, "chair", key)), None
    )


def chair_app(store: Store | None = None) -> CodeGate:
    store = store or Store()
    gate = CodeGate(
        "munbook · chair",
        check=lambda code: committee_for_chair_code(store, code),
        open_page=lambda committee: ChairPage(store, committee),
        scope="chair",
        store=store,
    )
    return gate
