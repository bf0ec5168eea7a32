"""The store as a delegate's kernel uses it: the methods the workbook, entry page and gate call.

``KernelStore`` (``lite.py``, the driver alone) and ``Store`` (``api.py``,
SQLAlchemy) both satisfy ``StoreContract``; mypy checks it (``conformance.py``)
and tests/test_store_contract.py runs every method on both. What only ``Store`` does (submitting, feedback grades
and PDFs) a kernel reaches through ``full_store()``, on purpose: it loads
SQLAlchemy.

Importing this module imports neither store.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from .comment_records import Comment
from .records import FAILURE_WINDOW, Delegation, Draft

if TYPE_CHECKING:
    from ..core.review_status import Mark
    from .api import Store

# The names below, for the tests and for KernelStore's message about the others.
METHODS = (
    "delegation_for_code",
    "check_code",
    "delegation",
    "record_failure",
    "failures_since",
    "save_draft",
    "latest_draft",
    "draft",
    "draft_history",
    "thin_drafts",
    "hold_draft",
    "held_draft",
    "drop_held",
    "submissions",
    "extension_until",
    "feedback_release",
    "status_marks",
    "comments",
    "add_reply",
    "dispose",
    "full_store",
)


class StoreContract(Protocol):
    """What a delegate's page may call on its store: codes, drafts, submissions, release."""

    # ---- codes and delegations
    def delegation_for_code(self, code: str) -> int | None: ...
    def check_code(
        self, code: str, role: str, committee: str | None = None, delegation_id: int | None = None
    ) -> bool: ...
    def delegation(self, delegation_id: int) -> Delegation: ...
    def record_failure(self, scope: str, keep: timedelta = FAILURE_WINDOW) -> None: ...
    def failures_since(self, scope: str, since: datetime) -> int: ...

    # ---- drafts
    def save_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int | None,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> int: ...
    def latest_draft(self, delegation_id: int) -> Draft | None: ...
    def draft(self, delegation_id: int, version: int | None) -> Draft | None: ...
    def draft_history(self, delegation_id: int) -> list[tuple[int, datetime, int]]: ...
    def thin_drafts(
        self, delegation_id: int, keep_recent: int = 50, keep_hourly: int = 200
    ) -> int: ...

    def hold_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> None: ...
    def held_draft(self, delegation_id: int) -> Draft | None: ...
    def drop_held(self, delegation_id: int) -> None: ...

    # ---- submissions, extensions, feedback
    def submissions(self, delegation_id: int) -> list[dict[str, Any]]: ...
    def extension_until(self, delegation_id: int) -> datetime | None: ...
    def feedback_release(self, committee: str) -> datetime | None: ...
    def status_marks(self, delegation_id: int) -> list[Mark]: ...

    # ---- comments on the paper, and the delegate's replies
    def comments(self, delegation_id: int, chairs_only: bool = False) -> list[Comment]: ...
    def add_reply(self, comment_id: int, delegation_id: int, body: str) -> int: ...

    # ---- the connection, and the full store for what the kernel's lacks
    def dispose(self) -> None: ...
    def full_store(self) -> Store: ...
