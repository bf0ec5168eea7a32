"""Where munbook's home is, and how munbook writes into it: privately, atomically, inside.

Part of ``settings`` (import everything from there, never from here): the home
folder is read from ``$MUNBOOK_HOME`` at call time so tests can point it at
``tmp_path``; every file munbook writes is 0600 in 0700 folders, whatever the
umask, and nothing is written outside home() unless the user chose the place.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import IO

from .exceptions import MunbookError

PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries data/, templates/ and notebooks/ inside the package; a source
# checkout (editable install) has them beside it, at the project root.
_SHIPPED = PACKAGE_DIR / "data"
RESOURCE_ROOT = PACKAGE_DIR if _SHIPPED.is_dir() else PACKAGE_DIR.parent


def home() -> Path:
    """The folder munbook writes to: ``$MUNBOOK_HOME`` or ``outputs/``."""
    env = os.environ.get("MUNBOOK_HOME")
    if env:
        return _resolved(env)
    if PACKAGE_DIR.parent == RESOURCE_ROOT and (RESOURCE_ROOT / "pyproject.toml").exists():
        return _resolved(str(RESOURCE_ROOT / "outputs"))
    return _resolved(str(Path.cwd() / "outputs"))


@lru_cache(maxsize=8)
def _resolved(folder: str) -> Path:
    # Once per value, not once per file (writing 196 workbooks resolved it ~3,400 times).
    return Path(folder).expanduser().resolve()


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (inside home()) and every folder above it up to home(), all 0700.

    Folders that already exist are chmodded too, so a home made under another
    umask (or by an older munbook) becomes private on its next write.
    """
    _make_private(inside(path))
    return path


def _make_private(folder: Path) -> None:
    """mkdir -p ``folder`` (resolved, inside home()) and chmod it and its parents up to home()."""
    root = home()
    folder.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    while True:
        if folder.stat().st_mode & 0o777 != PRIVATE_DIR:
            os.chmod(folder, PRIVATE_DIR)
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent


def output_dir(folder: Path) -> Path:
    """A folder munbook writes into: 0700 under home(); a chosen ``--out`` elsewhere as is."""
    try:
        resolved = inside(folder)
    except MunbookError:
        folder.mkdir(parents=True, exist_ok=True)  # the user's own folder, their permissions
        return folder
    _make_private(resolved)
    return folder


@contextmanager
def private_file(
    path: Path, *, text: bool = False, exclusive: bool = False, mode: int = PRIVATE_FILE
) -> Iterator[IO]:
    """Open ``path`` for writing as a new file only its owner can read (0600, any umask).

    The bytes go to a temporary file beside it that replaces ``path`` only when
    the block ends without an error, so a reader never sees half a file.
    ``exclusive`` refuses to replace an existing file (FileExistsError): write-once.
    """
    path = Path(path)
    output_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        os.fchmod(fd, mode)  # os.open's mode passes through the umask; this does not
        with os.fdopen(fd, "w" if text else "wb", **_text_options(text)) as fh:
            yield fh
        if exclusive:
            os.link(tmp, path)  # fails if path exists: never overwrites
        else:
            os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _text_options(text: bool) -> dict:
    return {"encoding": "utf-8", "newline": ""} if text else {}


def write_private(
    path: Path, data: str | bytes, *, exclusive: bool = False, mode: int = PRIVATE_FILE
) -> Path:
    """Write ``data`` to ``path`` atomically, 0600 (see ``private_file``); return ``path``."""
    with private_file(path, text=isinstance(data, str), exclusive=exclusive, mode=mode) as fh:
        fh.write(data)
    return Path(path)


def private_sqlite(path: Path) -> Path:
    """Create the SQLite file 0600 before SQLite does; its -wal and -shm take its mode."""
    output_dir(path.parent)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, PRIVATE_FILE)
    os.close(fd)
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        if name.exists() and name.stat().st_mode & 0o777 != PRIVATE_FILE:
            os.chmod(name, PRIVATE_FILE)
    return path


def inside(path: Path) -> Path:
    """Return ``path`` resolved, or raise if it would land outside home()."""
    root = home()
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise MunbookError(f"refusing to write outside {root}: {path}")
    return resolved


# ---- a few of the folders in home() (named here, imported through settings) ----


def run_dir() -> Path:
    """Files of a running ``serve --workers``: HAProxy's generated config (private)."""
    return home() / "run"


def grades_dir() -> Path:
    return home() / "grades"


def binders_dir() -> Path:
    return home() / "binders"


def cache_dir() -> Path:
    return home() / "cache"


def font_coverage_file(fingerprint: str) -> Path:
    """The cached code points of the installed fonts, named for the fonts it was read from."""
    return cache_dir() / f"font-coverage-{fingerprint}.json"


def fit_cache_file(digest: str) -> Path:
    """How many words fit a committee's page limit, named for the layout it was measured in."""
    return cache_dir() / "fit" / f"{digest}.json"


def committee_cache_file(digest: str) -> Path:
    """A committee file's validated data (JSON), named for its text and the schema."""
    return cache_dir() / "committees" / f"{digest}.json"


def fontawesome_dir() -> Path:
    """Font Awesome's CSS and fonts (the widgets' icons), served by ``munbook serve`` itself."""
    import fontawesomefree

    return Path(fontawesomefree.__file__).parent / "static" / "fontawesomefree"


def db_url() -> str:
    """The store's SQLAlchemy URL: ``$MUNBOOK_DB`` or a SQLite file in home()."""
    return os.environ.get("MUNBOOK_DB") or f"sqlite:///{home() / 'munbook.sqlite'}"


def docs_dir() -> Path:
    """The built documentation (``make docs``), served read-only at ``DOCS_ROUTE``."""
    return home() / "docs"


_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, max_length: int = 60) -> str:
    """A safe file name from any text: ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return cleaned or "unnamed"


# ---- access code files (named here: a person reads what each holds) ----------------


CODE_FILES_PER_MINUTE = 100  # issues of codes in one folder within one minute (named -2, -3...)
_MANY_COMMITTEES = 3  # more than this in one issue: the name says how many, not which


def code_files(
    folder: Path,
    at: datetime,
    committees: Sequence[str] = (),
    country: str | None = None,
    n: int = 0,
) -> tuple[Path, Path]:
    """(codes, mail merge) files of one issue of codes, named for what they hold.

    ``codes-<committee>-<time>.csv`` holds an issue for a committee (a roster, a
    generation); ``code-<committee>-<country>-<time>.csv`` one delegation's new code.
    The time is UTC to the minute (2026-12-07-1530); the ``n``-th other issue of that
    minute ends ``-<n+1>``. The mail-merge file beside it has the same name after
    ``mail-merge-``.
    """
    keys = sorted({slug(c) for c in committees if c})
    what = (
        "-".join(keys)
        if 0 < len(keys) <= _MANY_COMMITTEES
        else (f"{len(keys)}-committees" if keys else "staff")
    )
    if country:
        kind, what = "code", f"{what}-{slug(country)}"
    else:
        kind = "codes"
    stamp = _code_stamp(at, n)
    return folder / f"{kind}-{what}-{stamp}.csv", folder / f"mail-merge-{what}-{stamp}.csv"


def _code_stamp(at: datetime, n: int) -> str:
    return f"{at:%Y-%m-%d-%H%M}" + (f"-{n + 1}" if n else "")


def code_stamp_taken(folder: Path, at: datetime, n: int) -> bool:
    """True when a file in ``folder`` already ends in the n-th stamp of ``at``'s minute.

    Whatever it holds: the n-th issue of a minute is one issue, so files sort by time.
    """
    return any(folder.glob(f"*-{_code_stamp(at, n)}.csv"))


CODE_FILE_GLOBS = ("codes-*.csv", "code-*.csv")
MAIL_MERGE_GLOB = "mail-merge-*.csv"
_NEW_STAMP = re.compile(r"-(\d{4})-(\d\d)-(\d\d)-(\d{4})(?:-(\d+))?$")
_OLD_STAMP = re.compile(r"-(\d{8})T(\d{4})(\d*)Z$")  # codes-20270305T093001000250Z (before)


def code_file_order(path: Path) -> tuple[str, int, str]:
    """Sorts code and mail-merge files by the time in their names (older names too)."""
    if found := _NEW_STAMP.search(path.stem):
        year, month, day, hhmm, n = found.groups()
        return f"{year}{month}{day}{hhmm}", int(n or 1), path.name
    if found := _OLD_STAMP.search(path.stem):
        return found[1] + found[2], int(found[3] or 0), path.name
    return "", 0, path.name


def code_files_in(folder: Path) -> list[Path]:
    """Every code file in ``folder`` (all codes or one delegation's), oldest first."""
    if not folder.is_dir():
        return []
    found = {p for pattern in CODE_FILE_GLOBS for p in folder.glob(pattern)}
    return sorted(found, key=code_file_order)
