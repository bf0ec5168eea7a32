"""What the store hands out, without SQLAlchemy: a delegation, a draft, a draft conflict.

Shared by ``Store`` (SQLAlchemy Core) and ``KernelStore`` (the DB-API driver
alone, in delegates' kernels), so the apps import them without loading either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..core.limits import DRAFT_BYTES
from ..core.sessions import session_ends
from ..exceptions import StoreError

NOT_READY = "the store is not ready: ask the secretariat to run munbook db upgrade"
# The Alembic revision the tables match (migrations/versions/). A kernel's store compares
# the database's revision with this one and never imports Alembic itself;
# tests/test_migrations.py checks that it names the newest migration.
SCHEMA_REVISION = "0005"
FAILURE_WINDOW = timedelta(minutes=15)  # wrong codes older than this no longer slow anyone


@dataclass(frozen=True)
class Delegation:
    id: int
    committee: str
    country: str
    delegate: str
    school: str
    created_at: datetime


@dataclass(frozen=True)
class Draft:
    delegation_id: int
    version: int
    content: dict[str, Any]
    words: int
    saved_at: datetime


def thinned(
    history: list[tuple[int, datetime, int]], keep_recent: int, keep_hourly: int
) -> list[int]:
    """The versions to delete from ``history`` (newest first): all but the newest
    ``keep_recent``, then the last of each writing session and the newest of each hour
    (at most ``keep_hourly`` of those, newest first).

    Every save is a version; keeping each one for a day of typing (about 13 a minute)
    would be hundreds of megabytes a delegate, so older ones are thinned, and the page
    says so. What History compares stays: where each writing session ended.
    """
    keep = {v for v, _, _ in history[:keep_recent]}
    older = history[keep_recent:]
    marks: dict[str, int] = {}
    for version, saved_at, _ in older:
        marks.setdefault(f"{saved_at:%Y%m%d%H}", version)  # newest of each hour
    ends = set(session_ends(history)) & {v for v, _, _ in older}
    keep |= set(sorted(set(marks.values()) | ends, reverse=True)[:keep_hourly])
    return [v for v, _, _ in history if v not in keep]


class DraftConflict(StoreError):
    """A save based on an old version: another tab or device saved in between."""

    def __init__(self, latest: int):
        self.latest = latest
        super().__init__(
            f"this draft was changed elsewhere (now version {latest}); reload to see it"
        )


def draft_body(content: dict[str, Any]) -> str:
    """A draft as stored (JSON); StoreError past ``DRAFT_BYTES`` (the limits are checked
    above; this is the floor)."""
    body = json.dumps(content, ensure_ascii=False)
    if len(body.encode()) > DRAFT_BYTES:
        raise StoreError(f"a draft is at most {DRAFT_BYTES:,} bytes; nothing was saved")
    return body


def unsaved(delegation_id: int, based_on: int | None, latest: int) -> StoreError:
    """Why a save stored no version: another tab saved first, or there is no such delegation."""
    if latest != (based_on or 0):  # the delegate chooses (the page's conflict banner)
        return DraftConflict(latest)
    return StoreError(f"no delegation with id {delegation_id}")
