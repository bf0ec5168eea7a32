"""The Paper & submit tab: checklist, page images, download, the submission and its status.

Submitting asks once more when a check only warns (an empty section, too few
sources, far under the words): the first click lists the warnings with
"Submit anyway" and "Go back"; blocking problems still block. The tab always
says what was submitted and whether the preview beside it differs.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING

import ipywidgets as w

from .. import settings
from ..core.committees import Committee
from ..core.countries import Country
from ..core.times import now
from ..exceptions import MunbookError
from ..kernel.memory import give_back
from ..store import Delegation
from .html import busy, data_link, shows_errors

if TYPE_CHECKING:  # a KernelStore in a delegate's kernel, a Store elsewhere
    from ..store.contract import StoreContract


def checklist_html(violations: list) -> str:
    """The checklist: blocking problems first, then warnings; a tick when all is well."""
    if not violations:
        return "<div class='mb-status mb-checklist'>✓ The paper meets every rule of the committee.</div>"
    rows = "".join(
        f"<li class='{'mb-over' if v.blocking else ''}'>{'✗ must fix' if v.blocking else '! check'}: "
        f"{escape(v.message)}</li>"
        for v in sorted(violations, key=lambda v: not v.blocking)
    )
    return f"<div class='mb-checklist'><b>Checklist</b><ul>{rows}</ul></div>"


def page_image_html(png: bytes, number: int, pages: int) -> str:
    """One preview page as an image whose text alternative says what it is (the text is yours)."""
    encoded = base64.b64encode(png).decode()
    alt = f"Preview of page {number} of {pages} of your paper as it will print"
    return f"<img class='mb-paper-page' src='data:image/png;base64,{encoded}' alt='{alt}'>"


def _guidance(committee: Committee) -> str:
    """What the tab is for, and when a resubmission counts as late (revisions too, if any)."""
    from ..core.review_status import local_until

    text = (
        "The PDF your chair will read. Fix what the checklist flags, then submit. You may "
        "resubmit until the deadline; later submissions are marked late."
    )
    if committee.rules.revisions_until is not None:
        text += (
            " If your chair asks for changes, revise and submit again here until "
            f"{local_until(committee)}. A requested revision keeps the on-time or late mark of "
            "the paper your chair read."
        )
    return f"<p class='mb-guidance'>{escape(text)}</p>"


def _items(violations) -> str:
    return "".join(f"<li>{escape(v.message)}</li>" for v in violations)


class PaperPanel(w.VBox):
    """The PDF as the chair will read it: checklist, page images, download, submit.

    ``before`` runs first (the workbook saves pending typing), so the paper is
    always the latest saved draft; ``on_submitted`` runs after a submission (the
    workbook updates its header, then calls ``show_status`` here).
    """

    def __init__(
        self,
        store: StoreContract,
        delegation: Delegation,
        committee: Committee,
        country: Country,
        before: Callable[[], object],
        on_submitted: Callable[[], object] = lambda: None,
    ):
        self.store, self.delegation, self.committee, self.country = (
            store,
            delegation,
            committee,
            country,
        )
        self._before, self._on_submitted = before, on_submitted
        self.violations: list = []
        self.checked_version: int | None = None  # the draft whose warnings the delegate saw
        self.checklist, self.pages_label, self.download, self.receipt = (
            w.HTML(),
            w.HTML(),
            w.HTML(),
            w.HTML(),
        )
        self.confirm = w.VBox()  # the warnings and "Submit anyway" / "Go back"
        self.preview = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        refresh = w.Button(description="Refresh preview", icon="refresh")
        refresh.on_click(lambda _: self.refresh())
        refresh.add_class("mb-refresh-preview")
        submit = w.Button(description="Submit my paper", button_style="success")
        submit.on_click(lambda _: self.submit())
        self.buttons, self.busy = (refresh, submit), w.HTML()  # the wait, said at once
        super().__init__(
            [
                w.HTML(_guidance(committee)),
                self.receipt,
                self.checklist,
                w.HBox([refresh, submit]),
                self.busy,
                self.confirm,
                self.pages_label,
                self.download,
                self.preview,
            ]
        )

    def show_status(self, status_html: str, sha256: str = "", changed: bool = False) -> None:
        """What was submitted (from the store) and whether the preview below differs."""
        receipt = (
            f"<br>Receipt (SHA-256 of the submitted PDF): <code class='mb-sha'>{sha256}</code>"
            if sha256
            else ""
        )
        differs = (
            "<div class='mb-changed'>The preview below is your <b>current draft</b>, not the "
            "paper you submitted.</div>"
            if changed
            else ""
        )
        self.receipt.value = (
            f"<div class='mb-card mb-box mb-receipt'>{status_html}{receipt}{differs}</div>"
        )

    @shows_errors("checklist")
    def refresh(self) -> None:
        """Render the latest saved draft: checklist, page images, page count, PDF link."""
        from ..workflows.papers import preview_in_worker

        said = "Making the PDF of your latest saved draft and checking it (a few seconds)…"
        try:
            with busy(self.busy, said, *self.buttons):
                self._before()
                # In the sandbox worker: the kernel never imports nbconvert, nbformat or pypdf.
                pdf, self.violations = preview_in_worker(self.store, self.delegation.id)
        except MunbookError as exc:  # a limit, a character, or the sandbox's time or memory
            self.checklist.value = (
                f"<div class='mb-conflict'><b>Cannot make the PDF:</b> {escape(str(exc))}</div>"
            )
            self._show_pages([])
            self.download.value, self.pages_label.value = "", ""
            return
        # The checklist says what submitting would warn about, "far under" included.
        self.checklist.value = checklist_html(self.violations)
        limit = self.committee.rules.max_pages
        allowed = f" of {limit} allowed" if limit else ""
        css = "mb-over" if limit and pdf.body_pages > limit else "mb-status"
        self.pages_label.value = (
            f"<div class='{css}'>{pdf.body_pages} page{'s' * (pdf.body_pages != 1)}{allowed}"
            f" (plus {pdf.pages - pdf.body_pages} for works cited)</div>"
        )
        name = f"{settings.slug(self.country.name)}-{self.committee.key}-position-paper.pdf"
        self.download.value = data_link(pdf.pdf, name, "Download PDF", css="mb-download")
        self._show_pages(pdf.images)
        give_back(collect=True)  # the pickle the PDF and the images came in

    def _show_pages(self, images: list[bytes]) -> None:
        """The page images, replacing (and closing) the last preview's."""
        old = self.preview.children
        self.preview.children = [
            w.HTML(page_image_html(png, n, len(images))) for n, png in enumerate(images, 1)
        ]
        # A widget lives in ipywidgets' registry (and the kernel) until it is closed.
        for image in old:
            image.layout.close()
            image.close()

    def _say(self, html: str) -> None:
        self.confirm.children = [w.HTML(html)]

    @shows_errors("receipt")
    def submit(self):
        """First click: check; warnings ask once more, blocking problems stop it."""
        try:
            with busy(
                self.busy, "Checking your paper against the committee's rules…", *self.buttons
            ):
                # Imported inside the busy state: the first import takes a noticeable while.
                from ..workflows.revisions import submission_late
                from ..workflows.submit import review

                self._before()
                # A revision after the committee's revisions_until is refused before any work.
                submission_late(self.store, self.delegation.id, now())
                checked = review(self.store, self.delegation.id)
        except MunbookError as exc:
            self._say(f"<div class='mb-conflict'><b>Not submitted:</b> {escape(str(exc))}</div>")
            return None
        if checked.blocking:
            self._say(
                "<div class='mb-conflict mb-blocked'><b>Not submitted.</b> Fix these first:"
                f"<ul>{_items(checked.blocking)}</ul></div>"
            )
            return None
        if not checked.warnings:
            return self._submit(checked.version)
        self.checked_version = checked.version
        anyway = w.Button(description="Submit anyway", layout=w.Layout(width="auto"))
        anyway.add_class("mb-warn-button")
        back = w.Button(description="Go back", layout=w.Layout(width="auto"))
        anyway.on_click(lambda _: self.submit_anyway())
        back.on_click(lambda _: self.go_back())
        self.confirm.children = [
            w.HTML(
                "<div class='mb-conflict mb-confirm' role='alert'><b>Before you submit:</b> "
                f"the checks found these.<ul>{_items(checked.warnings)}</ul>"
                "Your chair will read the paper as it is. Submit it anyway, or go back and "
                "finish it first?</div>"
            ),
            w.HBox([anyway, back]),
        ]
        return None

    def submit_anyway(self):
        """The delegate saw the warnings and submits this very version."""
        return self._submit(self.checked_version)

    def go_back(self) -> None:
        self.checked_version = None
        self._say("<div class='mb-guidance'>Not submitted. Finish the paper, then submit.</div>")

    def _submit(self, version: int | None):
        from ..workflows.submit import SubmissionBlocked, submit  # imported by the check

        try:
            with busy(self.busy, "Submitting: making the PDF and storing it…", *self.buttons):
                # Submitting writes through the full Store (SQLAlchemy), opened on first use.
                receipt = submit(
                    self.store.full_store(), self.delegation.id, expect_version=version
                )
        except SubmissionBlocked as exc:
            self._say(
                "<div class='mb-conflict mb-blocked'><b>Not submitted.</b> Fix these first:"
                f"<ul>{_items(exc.violations)}</ul></div>"
            )
            return None
        except MunbookError as exc:
            self._say(f"<div class='mb-conflict'><b>Not submitted:</b> {escape(str(exc))}</div>")
            return None
        self.checked_version = None
        self.confirm.children = []
        self._on_submitted()
        return receipt
