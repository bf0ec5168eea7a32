"""Where munbook reads its data and writes its outputs: the one place that decides.

``MUNBOOK_HOME`` moves everything munbook writes (store, workbooks, access
codes, submissions, binders); ``MUNBOOK_DB`` overrides only the store's URL.
Both are read at call time so tests can point them at ``tmp_path``.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from urllib.parse import quote, urlsplit

from .exceptions import MunbookError

PACKAGE_DIR = Path(__file__).resolve().parent
# A wheel carries data/, templates/ and notebooks/ inside the package; a source
# checkout (editable install) has them beside it, at the project root.
_SHIPPED = PACKAGE_DIR / "data"
RESOURCE_ROOT = PACKAGE_DIR if _SHIPPED.is_dir() else PACKAGE_DIR.parent

DATA_DIR = RESOURCE_ROOT / "data"
COMMITTEES_DIR = DATA_DIR / "committees"
COUNTRIES_CSV = DATA_DIR / "countries.csv"
BLOCS_YAML = DATA_DIR / "blocs.yaml"  # bloc names, sources, dates, notes
SOURCES_YAML = DATA_DIR / "sources.yaml"  # where the other country facts come from
DEMO_ROSTER = DATA_DIR / "demo" / "roster.csv"
TEMPLATES_DIR = RESOURCE_ROOT / "templates"
NOTEBOOKS_DIR = RESOURCE_ROOT / "notebooks"
WORKBOOK_TEMPLATE = NOTEBOOKS_DIR / "workbook.ipynb"


def home() -> Path:
    """The folder munbook writes to: ``$MUNBOOK_HOME`` or ``outputs/``."""
    env = os.environ.get("MUNBOOK_HOME")
    if env:
        return Path(env).expanduser().resolve()
    if PACKAGE_DIR.parent == RESOURCE_ROOT and (RESOURCE_ROOT / "pyproject.toml").exists():
        return RESOURCE_ROOT / "outputs"
    return Path.cwd() / "outputs"


def db_url() -> str:
    """The store's SQLAlchemy URL: ``$MUNBOOK_DB`` or a SQLite file in home()."""
    return os.environ.get("MUNBOOK_DB") or f"sqlite:///{home() / 'munbook.sqlite'}"


def committee_dirs() -> list[Path]:
    """Where committee files are read from: shipped data, then the home folder."""
    return [COMMITTEES_DIR, home() / "committees"]


# ---- serving limits (``munbook serve``; kernels read them from the server's environment) ----

MAX_KERNELS = 40  # per server process, when its memory cannot be read (see max_kernels())
KERNEL_MB = 120  # a served delegate (make bench: hour): kernel PSS after an hour of writing
# (~76 MB), its share of the server (~13 MB) and, now and then, a preview worker
KERNELS_RANGE = (20, 400)  # the default cap's bounds, whatever the memory
GATE_TIMEOUT = 180.0  # seconds a page may wait for its code before freeing its kernel
IDLE_TIMEOUT = 600  # seconds a kernel whose browser has gone is kept (then culled)
POOL = 8  # preheated kernels waiting for the entry page's next delegate (counted in the cap)


def _env_number(name: str, default: float, low: float, high: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise MunbookError(f"{name}={raw!r}: must be a number from {low:g} to {high:g}")
    return value


def max_kernels() -> int:
    """Kernels one server runs at once (``$MUNBOOK_MAX_KERNELS``); past it pages say busy.

    By default as many as fit in half the memory available now, ``KERNEL_MB``
    each (20 to 400); ``MAX_KERNELS`` where that cannot be read.
    """
    free = available_mb()
    default = MAX_KERNELS if free is None else int(free / 2 / KERNEL_MB)
    default = min(max(default, KERNELS_RANGE[0]), KERNELS_RANGE[1])
    return int(_env_number("MUNBOOK_MAX_KERNELS", default, 1, 10_000))


def available_mb() -> float | None:
    """Memory available to this process in MB: Linux's MemAvailable, or less under a cgroup limit."""
    try:
        text = Path("/proc/meminfo").read_text()
        free = int(text.split("MemAvailable:")[1].split()[0]) / 1024
    except (OSError, IndexError, ValueError):
        return None
    try:  # a container's limit (cgroup v2), less what the group already uses
        limit = Path("/sys/fs/cgroup/memory.max").read_text().strip()
        used = int(Path("/sys/fs/cgroup/memory.current").read_text())
        if limit != "max":
            free = min(free, (int(limit) - used) / 2**20)
    except (OSError, ValueError):
        pass
    return free


def gate_timeout() -> float:
    """Seconds a page waits for its access code (``$MUNBOOK_GATE_TIMEOUT``)."""
    return _env_number("MUNBOOK_GATE_TIMEOUT", GATE_TIMEOUT, 5, 86_400)


def pool_size() -> int:
    """Kernels kept preheated for the entry page (``$MUNBOOK_POOL``; 0: none).

    They count towards ``max_kernels()``, so the pool is at most the cap less one.
    """
    return int(_env_number("MUNBOOK_POOL", POOL, 0, 10_000))


def idle_timeout() -> int:
    """Seconds an idle kernel with no browser attached lives (``$MUNBOOK_IDLE_TIMEOUT``)."""
    return int(_env_number("MUNBOOK_IDLE_TIMEOUT", IDLE_TIMEOUT, 10, 86_400))


# Voilà serves site/ and nothing else: the generated workbooks and the staff apps.
# Everything private (store, codes, submissions, exports, grades, feedback,
# binders, caches) sits beside it, never under it.


def site_dir() -> Path:
    """The folder Voilà serves: only what a browser may ask for."""
    return home() / "site"


def workbooks_dir(committee: str | None = None) -> Path:
    base = site_dir() / "workbooks"
    return base / slug(committee) if committee else base


def apps_dir() -> Path:
    """The advisor and chair notebooks, as served."""
    return site_dir() / "apps"


def access_dir() -> Path:
    """The secretariat's code files (every code, chair codes included)."""
    return home() / "access"


def school_access_dir(school_key: str) -> Path:
    """One school's code files (its delegations' codes only): access/schools/<slug>-<hash>/.

    ``school_key`` is the school's folded name (core.access.name_key). The hash
    keeps two schools whose slugs agree (e.g. two names in Japanese script, both
    "unnamed") out of each other's folder.
    """
    digest = hashlib.sha256(school_key.encode()).hexdigest()[:10]
    return access_dir() / "schools" / f"{slug(school_key, 40)}-{digest}"


def submissions_dir() -> Path:
    return home() / "submissions"


def papers_dir(committee: str | None = None) -> Path:
    """PDFs from ``munbook export`` (copies; the submitted originals stay in submissions/)."""
    base = home() / "papers"
    return base / slug(committee) if committee else base


EXPORT_KINDS = ("drafts", "submitted")


def export_dir(committee: str, kind: str) -> Path:
    """Where ``munbook export --committee C`` writes: ``drafts`` or ``submitted``, never mixed.

    Each export rewrites its own folder; submissions_dir() holds the write-once
    originals and no export writes there.
    """
    if kind not in EXPORT_KINDS:
        raise MunbookError(f"unknown export {kind!r}; choose {' or '.join(EXPORT_KINDS)}")
    return papers_dir(committee) / kind


def export_notebooks_dir(committee: str, kind: str) -> Path:
    """The paper notebooks an export renders, kept beside its PDFs."""
    return export_dir(committee, kind) / "notebooks"


def grades_dir() -> Path:
    return home() / "grades"


def feedback_dir(committee: str | None = None) -> Path:
    base = home() / "feedback"
    return base / slug(committee) if committee else base


def binders_dir() -> Path:
    return home() / "binders"


def cache_dir() -> Path:
    return home() / "cache"


def reports_dir() -> Path:
    """Executed analysis notebooks and the tables they export."""
    return home() / "reports"


def analysis_dir() -> Path:
    """Staff copies of the analysis notebooks (``munbook lab``, ``munbook report``)."""
    return home() / "analysis"


def backups_dir() -> Path:
    """``munbook backup`` files (private: 0600 in a 0700 folder)."""
    return home() / "backups"


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (inside home()) and every folder above it up to home(), all 0700.

    Folders that already exist are chmodded too, so a home made under another
    umask (or by an older munbook) becomes private on its next write.
    """
    inside(path)
    root = home()
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    folder = path.resolve()
    while True:
        if folder.stat().st_mode & 0o777 != PRIVATE_DIR:
            os.chmod(folder, PRIVATE_DIR)
        if folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return path


def output_dir(folder: Path) -> Path:
    """A folder munbook writes into: 0700 under home(); a chosen ``--out`` elsewhere as is."""
    try:
        inside(folder)
    except MunbookError:
        folder.mkdir(parents=True, exist_ok=True)  # the user's own folder, their permissions
        return folder
    return ensure_dir(folder)


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
    root = home().resolve()
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise MunbookError(f"refusing to write outside {root}: {path}")
    return resolved


_UNSAFE = re.compile(r"[^a-z0-9]+")


def slug(text: str, max_length: int = 60) -> str:
    """A safe file name from any text: ASCII letters, digits and dashes only."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    cleaned = _UNSAFE.sub("-", ascii_text.lower()).strip("-")[:max_length].strip("-")
    return cleaned or "unnamed"


def fact_table_path(committee_file: Path, committee_key: str, file: str) -> Path:
    """A committee's fact table: data/committees/<committee>/<file>, beside its YAML."""
    return committee_file.parent / committee_key / file


# ---- the public URL: where people open the served pages -----------------------------

DEFAULT_PUBLIC_URL = "http://127.0.0.1:8866"
MAX_PUBLIC_URL = 200  # characters; a link on a paper slip must stay short enough to type


def public_url(override: str | None = None) -> str:
    """The base URL in every link munbook hands out (code files, mail merge, slips).

    ``override`` (``--public-url``), else ``$MUNBOOK_PUBLIC_URL`` (``munbook serve
    --public-url`` sets it for its kernels, so the advisor app's imports agree),
    else ``http://127.0.0.1:8866``.
    """
    return check_public_url(override or os.environ.get("MUNBOOK_PUBLIC_URL") or DEFAULT_PUBLIC_URL)


def check_public_url(text: str) -> str:
    """``text`` as a base URL (no trailing slash), or a MunbookError saying what is wrong."""
    url = text.strip().rstrip("/")
    hint = "give the address people open, e.g. https://mun.example.org or http://10.0.0.5:8866"
    if len(url) > MAX_PUBLIC_URL:
        raise MunbookError(f"the public URL is {len(url)} characters (at most {MAX_PUBLIC_URL})")
    if not url.isascii() or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise MunbookError(
            f"the public URL {url!r} has spaces or non-ASCII characters; {hint} "
            "(an international domain in its xn-- form)"
        )
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises on a bad port
    except ValueError:
        raise MunbookError(f"the public URL {url!r} is not a URL; {hint}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise MunbookError(f"the public URL {url!r} needs http:// or https:// and a host; {hint}")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise MunbookError(
            f"the public URL {url!r} may not carry ?query, #fragment or user:password; {hint}"
        )
    return url


def workbook_file(committee: str, country_name: str) -> Path:
    """A delegation's served workbook: site/workbooks/<committee>/<country-slug>.ipynb."""
    return workbooks_dir(committee) / f"{slug(country_name)}.ipynb"


ENTRY_PAGE = "open.ipynb"  # the delegates' entry page, at the top of site/


def entry_file() -> Path:
    """The delegates' entry page as served: site/open.ipynb (opens the workbook its code names)."""
    return site_dir() / ENTRY_PAGE


def app_file(name: str) -> Path:
    """A staff app as served: site/apps/<name>.ipynb (advisor, chair)."""
    return apps_dir() / f"{name}.ipynb"


def page_url(path: Path, code: str | None = None, base: str | None = None) -> str:
    """The public URL of a served notebook (under site_dir()), optionally with ``?code=``."""
    relative = path.relative_to(site_dir()).as_posix()
    url = f"{public_url(base)}/voila/render/{quote(relative)}"
    return f"{url}?code={quote(code)}" if code else url
