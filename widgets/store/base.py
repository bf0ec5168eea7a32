"""What ``Store``'s mixins (codes, drafts, submissions, reviews) share: the engine and its transactions.

``StoreBase`` is the one base of every mixin, so each of them (and mypy) knows
``begin``, ``using``, ``row_by_id`` and ``rows_of``; ``Store`` (``api.py``)
opens the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, CursorResult, Engine

from ..exceptions import StoreError

if TYPE_CHECKING:
    from .records import Delegation


class StoreBase:
    """The engine, its transactions and the row reads every table's methods use."""

    engine: Engine

    if TYPE_CHECKING:  # defined by Store (api.py); the submission methods name it

        def delegation(self, delegation_id: int) -> Delegation: ...

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def using(self, conn: Connection | None) -> Iterator[Connection]:
        """``conn`` when the caller has a transaction open, else a new one."""
        if conn is not None:
            yield conn
        else:
            with self.begin() as new:
                yield new

    def dispose(self) -> None:
        self.engine.dispose()

    def row_by_id(self, table: sa.Table, row_id: int, what: str) -> Any:
        """The row of ``table`` with this id; StoreError (naming ``what``) when there is none."""
        with self.begin() as conn:
            row = conn.execute(table.select().where(table.c.id == row_id)).first()
        if row is None:
            raise StoreError(f"no {what} with id {row_id}")
        return row

    def rows_of(self, table: sa.Table, delegation_id: int, *order: Any) -> list[dict[str, Any]]:
        """Every row of ``table`` for one delegation, in ``order``, as dicts."""
        query = table.select().where(table.c.delegation_id == delegation_id).order_by(*order)
        with self.begin() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def new_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT of one row made."""
    key = result.inserted_primary_key
    if key is None:  # not an INSERT of one row: a bug of the caller
        raise StoreError("the insert made no row")
    return int(key[0])
