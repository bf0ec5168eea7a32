"""The store as a delegate's kernel uses it, over the database driver alone (no SQLAlchemy).

A served kernel opens its page, checks a code, loads and saves drafts and
reads its submissions, extension and feedback release: ``KernelStore`` runs
these few statements through the DB-API driver (sqlite3, psycopg) with the
same tables, the same version check and the same stored values as ``Store``,
so SQLAlchemy stays out of the kernel (about 12 MB RSS a kernel, measured by
bench/kernel_steps.py). Its methods are ``StoreContract``'s (``contract.py``);
any other raises AttributeError. What only ``Store`` does (submitting,
feedback grades and PDFs) the caller asks ``full_store()`` for: a ``Store``
on the same database, opened on first use without a pool of its own.

One connection, kept open and checked before each use (as ``Store``'s pool does).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from .. import settings
from ..core import access
from ..core.times import now
from ..exceptions import StoreError, StoreUnreachable
from . import drivers, records
from .contract import METHODS
from .lite_comments import LiteCommentMethods
from .lite_held import LiteHeldMethods
from .lite_statuses import LiteStatusMethods
from .records import FAILURE_WINDOW, Delegation, Draft, draft_body, unsaved

if TYPE_CHECKING:
    from .api import Store

POOL_RECYCLE = 300  # seconds, as engine.POOL_RECYCLE
# The next draft version, only if the caller's version is still the latest (no row back: stale).
NEXT_VERSION = (
    "INSERT INTO drafts (delegation_id, version, content, words, saved_at) "
    "SELECT ?, coalesce(max(version), 0) + 1, CAST(? AS TEXT), ?, ? FROM drafts "
    "WHERE delegation_id = ? HAVING coalesce(max(version), 0) = ? RETURNING version"
)
SUBMISSION_COLUMNS = (
    "id, delegation_id, submitted_at, notebook, pdf, sha256, seconds_late, pages, words, "
    "text, ingested, source_name"
)


class KernelStore(LiteHeldMethods, LiteStatusMethods, LiteCommentMethods):
    """``StoreContract`` (``Store``'s methods a workbook page calls) on one DB-API connection."""

    def __init__(self, url: str | None = None):
        self.url = url or settings.db_url()
        if self.url.startswith("sqlite:///"):
            self._db: drivers.Sqlite | drivers.Postgres = drivers.Sqlite(self.url)
        elif self.url.split("://", 1)[0].split("+")[0] in ("postgresql", "postgres"):
            self._db = drivers.Postgres(self.url)
        else:
            raise StoreError(f"cannot use store URL {self.url!r}: not SQLite or PostgreSQL")
        self._conn: Any = None
        self._opened = 0.0
        self._lock = threading.RLock()
        self._full: Store | None = None
        self._where = self.url.split("@")[-1]  # for messages: never the password
        if self._revision() != records.SCHEMA_REVISION:
            raise StoreError(records.NOT_READY)

    if not TYPE_CHECKING:  # mypy sees the class's own methods only

        def __getattr__(self, name: str) -> Any:
            # Only for what this class does not define: never a silent fallback to Store.
            if name.startswith("_"):
                raise AttributeError(name)
            raise AttributeError(
                f"KernelStore.{name}: the kernel's store does not offer {name!r} "
                f"(it offers {', '.join(METHODS)}); use full_store().{name} for the full Store"
            )

    def full_store(self) -> Store:
        """A full ``Store`` on this database (submitting, feedback), opened on first call
        without a pool of its own (closed with ``dispose``); it loads SQLAlchemy."""
        if self._full is None:
            from .api import Store

            self._full = Store(self.url, pooled=False)
        return self._full

    # ---- the connection -----------------------------------------------------

    def _checkout(self) -> Any:
        """The open connection if it still answers, else a new one (StoreError if none)."""
        conn = self._conn
        if conn is not None and time.monotonic() - self._opened < POOL_RECYCLE:
            try:
                conn.execute("SELECT 1")  # in the transaction the caller goes on with
                return conn
            except self._db.errors.Error:
                pass
        self.dispose()
        try:
            self._conn, self._opened = self._db.connect(), time.monotonic()
        except self._db.errors.Error as exc:
            raise StoreUnreachable(f"cannot open the store at {self._where}: {exc}") from None
        return self._conn

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        """A cursor in one transaction: committed at the end, rolled back on an error."""
        with self._lock:
            conn = self._checkout()
            try:
                yield conn.cursor()
                conn.commit()
            except self._db.unreachable as exc:  # the link or server went away: a new one next
                self.dispose()
                raise StoreUnreachable(f"the store at {self._where} stopped: {exc}") from None
            except BaseException:
                with suppress(self._db.errors.Error):
                    conn.rollback()
                raise

    def _rows(self, statement: str, *args: Any) -> list[tuple]:
        with self._cursor() as cur:
            cur.execute(self._db.sql(statement), args)
            return cur.fetchall()

    def _write(self, statement: str, *args: Any) -> None:
        with self._cursor() as cur:
            cur.execute(self._db.sql(statement), args)

    def _revision(self) -> str | None:
        try:
            rows = self._rows("SELECT version_num FROM alembic_version")
        except self._db.errors.Error:  # no such table: the schema was never made
            return None
        return rows[0][0] if rows else None

    def dispose(self) -> None:
        """Close the connection (the next statement opens one): a waiting kernel holds none."""
        conn, self._conn = self._conn, None
        if conn is not None:
            with suppress(self._db.errors.Error):
                conn.close()
        if self._full is not None:
            self._full.dispose()

    # ---- codes and delegations --------------------------------------------

    def delegation_for_code(self, code: str) -> int | None:
        """As ``Store.delegation_for_code``: the delegation a live delegate code opens."""
        if len(code) > access.MAX_CODE_CHARS:
            return None
        key = access.normalize(code)
        rows = self._rows(
            "SELECT delegation_id, salt, digest FROM access_codes WHERE role = 'delegate' "
            "AND revoked_at IS NULL AND delegation_id IS NOT NULL"
        )
        return next((d for d, salt, dig in rows if access.matches_normalized(key, salt, dig)), None)

    def check_code(
        self, code: str, role: str, committee: str | None = None, delegation_id: int | None = None
    ) -> bool:
        """As ``Store.check_code``: a live code of ``role`` for exactly this committee or delegation."""
        sql = "SELECT salt, digest FROM access_codes WHERE role = ? AND revoked_at IS NULL"
        args: list[Any] = [role]
        for column, value in (("committee", committee), ("delegation_id", delegation_id)):
            sql += f" AND {column} IS NULL" if value is None else f" AND {column} = ?"
            args += [] if value is None else [value]
        rows = self._rows(sql, *args)
        return any(access.matches(code, salt, dig) for salt, dig in rows)

    def delegation(self, delegation_id: int) -> Delegation:
        rows = self._rows(
            "SELECT id, committee, country, delegate, school, created_at FROM delegations "
            "WHERE id = ?",
            delegation_id,
        )
        if not rows:
            raise StoreError(f"no delegation with id {delegation_id}")
        id_, committee, country, delegate, school, created = rows[0]
        return Delegation(id_, committee, country, delegate, school, self._db.time(created))

    def record_failure(self, scope: str, keep: timedelta = FAILURE_WINDOW) -> None:
        """As ``Store.record_failure``: remember a wrong code, forget those older than ``keep``."""
        at = now()
        with self._cursor() as cur:
            cur.execute(
                self._db.sql("DELETE FROM access_failures WHERE at < ?"),
                (self._db.bind(at - keep),),
            )
            cur.execute(
                self._db.sql("INSERT INTO access_failures (scope, at) VALUES (?, ?)"),
                (scope, self._db.bind(at)),
            )

    def failures_since(self, scope: str, since: datetime) -> int:
        sql = "SELECT count(*) FROM access_failures WHERE scope = ? AND at >= ?"
        return self._rows(sql, scope, self._db.bind(since))[0][0]

    # ---- drafts -------------------------------------------------------------

    def save_draft(
        self,
        delegation_id: int,
        content: dict[str, Any],
        based_on: int | None,
        words: int = 0,
        saved_at: datetime | None = None,
    ) -> int:
        """As ``Store.save_draft``: a new version; DraftConflict unless ``based_on`` is the latest."""
        body = draft_body(content)
        at = saved_at or now()
        if at.tzinfo is None:
            raise StoreError("refusing a datetime without a time zone")
        at = at.astimezone(UTC)
        try:  # the check and the insert in one statement, as Store.save_draft
            with self._cursor() as cur:
                cur.execute(
                    self._db.sql(NEXT_VERSION),
                    (delegation_id, body, words, self._db.bind(at), delegation_id, based_on or 0),
                )
                saved = cur.fetchone()
        except self._db.errors.IntegrityError:  # two saves raced for one version, or no delegation
            saved = None
        if saved is not None:
            return saved[0]
        with self._cursor() as cur:
            latest = self._latest_version(cur, delegation_id)
        raise unsaved(delegation_id, based_on, latest)

    def _latest_version(self, cur: Any, delegation_id: int) -> int:
        sql = "SELECT coalesce(max(version), 0) FROM drafts WHERE delegation_id = ?"
        cur.execute(self._db.sql(sql), (delegation_id,))
        return cur.fetchone()[0]

    def latest_draft(self, delegation_id: int) -> Draft | None:
        return self.draft(delegation_id, None)

    def draft(self, delegation_id: int, version: int | None) -> Draft | None:
        """One version, or the latest when ``version`` is None."""
        sql = "SELECT delegation_id, version, content, words, saved_at FROM drafts WHERE delegation_id = ?"
        if version:
            rows = self._rows(sql + " AND version = ?", delegation_id, version)
        else:
            rows = self._rows(sql + " ORDER BY version DESC LIMIT 1", delegation_id)
        if not rows:
            return None
        owner, number, content, words, saved_at = rows[0]
        return Draft(owner, number, json.loads(content), words, self._db.time(saved_at))

    def draft_history(self, delegation_id: int) -> list[tuple[int, datetime, int]]:
        """(version, saved_at, words) of every stored version, newest first."""
        rows = self._rows(
            "SELECT version, saved_at, words FROM drafts WHERE delegation_id = ? "
            "ORDER BY version DESC",
            delegation_id,
        )
        return [(v, self._db.time(t), w) for v, t, w in rows]

    def thin_drafts(self, delegation_id: int, keep_recent: int = 50, keep_hourly: int = 200) -> int:
        """As ``Store.thin_drafts``: keep the newest ``keep_recent``, then the last of each hour."""
        doomed = records.thinned(self.draft_history(delegation_id), keep_recent, keep_hourly)
        if doomed:
            marks = ", ".join("?" * len(doomed))
            sql = f"DELETE FROM drafts WHERE delegation_id = ? AND version IN ({marks})"
            self._write(sql, delegation_id, *doomed)
        return len(doomed)

    # ---- submissions, extensions, feedback --------------------------------

    def submissions(self, delegation_id: int) -> list[dict[str, Any]]:
        """Every submission of a delegation, oldest first (as ``Store.submissions``)."""
        names = [c.strip() for c in SUBMISSION_COLUMNS.split(",")]
        rows = self._rows(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE delegation_id = ? "
            "ORDER BY submitted_at, id",
            delegation_id,
        )
        found = [dict(zip(names, row, strict=True)) for row in rows]
        for row in found:
            row["submitted_at"] = self._db.time(row["submitted_at"])
            row["pdf"], row["ingested"] = bytes(row["pdf"]), bool(row["ingested"])
        return found

    def extension_until(self, delegation_id: int) -> datetime | None:
        """The end of the most recently granted extension, if any."""
        rows = self._rows(
            "SELECT until FROM extensions WHERE delegation_id = ? "
            "ORDER BY granted_at DESC, id DESC LIMIT 1",
            delegation_id,
        )
        return self._db.time(rows[0][0]) if rows else None

    def feedback_release(self, committee: str) -> datetime | None:
        rows = self._rows("SELECT release_at FROM feedback_releases WHERE committee = ?", committee)
        return self._db.time(rows[0][0]) if rows else None
