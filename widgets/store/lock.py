"""One schema change at a time: the lock that making and migrating the store share."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine

# Any fixed number: every schema change on one PostgreSQL server queues on it.
LOCK_KEY = 0x6D756E62  # "munb"


@contextmanager
def schema_lock(engine: Engine) -> Iterator[None]:
    """On SQLite, one process changing the schema at a time (a lock file beside the database)."""
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield
        return
    # 0600 like every file munbook writes, whatever the umask.
    fd = os.open(f"{engine.url.database}.upgrade-lock", os.O_WRONLY | os.O_CREAT, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        yield
