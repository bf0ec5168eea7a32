"""Where munbook reads its data and writes its outputs: the one place that decides.

``MUNBOOK_HOME`` moves everything munbook writes (store, workbooks, access
codes, submissions, binders); ``MUNBOOK_DB`` overrides only the store's URL.
Both are read at call time so tests can point them at ``tmp_path``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

# Home, private writing and serving settings: two private modules, re-exported here.
from ._home import CODE_FILE_GLOBS as CODE_FILE_GLOBS
from ._home import CODE_FILES_PER_MINUTE as CODE_FILES_PER_MINUTE
from ._home import MAIL_MERGE_GLOB as MAIL_MERGE_GLOB
from ._home import PACKAGE_DIR as PACKAGE_DIR
from ._home import PRIVATE_DIR as PRIVATE_DIR
from ._home import PRIVATE_FILE as PRIVATE_FILE
from ._home import RESOURCE_ROOT as RESOURCE_ROOT
from ._home import binders_dir as binders_dir
from ._home import cache_dir as cache_dir
from ._home import code_file_order as code_file_order
from ._home import code_files as code_files
from ._home import code_files_in as code_files_in
from ._home import code_stamp_taken as code_stamp_taken
from ._home import committee_cache_file as committee_cache_file
from ._home import db_url as db_url
from ._home import docs_dir as docs_dir
from ._home import ensure_dir as ensure_dir
from ._home import fit_cache_file as fit_cache_file
from ._home import font_coverage_file as font_coverage_file
from ._home import fontawesome_dir as fontawesome_dir
from ._home import grades_dir as grades_dir
from ._home import home as home
from ._home import inside as inside
from ._home import output_dir as output_dir
from ._home import private_file as private_file
from ._home import private_sqlite as private_sqlite
from ._home import run_dir as run_dir
from ._home import slug as slug
from ._home import write_private as write_private
from ._serving import DEFAULT_PUBLIC_URL as DEFAULT_PUBLIC_URL
from ._serving import DOCS_ROUTE as DOCS_ROUTE
from ._serving import GATE_TIMEOUT as GATE_TIMEOUT
from ._serving import IDLE_TIMEOUT as IDLE_TIMEOUT
from ._serving import KERNEL_MB as KERNEL_MB
from ._serving import KERNEL_MEMORY_MB as KERNEL_MEMORY_MB
from ._serving import MAX_KERNELS as MAX_KERNELS
from ._serving import MAX_MESSAGE_BYTES as MAX_MESSAGE_BYTES
from ._serving import MAX_PUBLIC_URL as MAX_PUBLIC_URL
from ._serving import MAX_WORKERS as MAX_WORKERS
from ._serving import POOL as POOL
from ._serving import POOL_MAX as POOL_MAX
from ._serving import SPARE as SPARE
from ._serving import available_mb as available_mb
from ._serving import check_public_url as check_public_url
from ._serving import gate_timeout as gate_timeout
from ._serving import idle_timeout as idle_timeout
from ._serving import kernel_memory_mb as kernel_memory_mb
from ._serving import max_kernels as max_kernels
from ._serving import pool_size as pool_size
from ._serving import public_url as public_url
from ._serving import spare_size as spare_size
from .exceptions import MunbookError

DATA_DIR = RESOURCE_ROOT / "data"
COMMITTEES_DIR = DATA_DIR / "committees"
COUNTRIES_CSV = DATA_DIR / "countries.csv"
COUNTRY_ALIASES_YAML = DATA_DIR / "country_aliases.yaml"  # sure names beside the CSV's
BLOCS_YAML = DATA_DIR / "blocs.yaml"  # bloc names, sources, dates, notes
SOURCES_YAML = DATA_DIR / "sources.yaml"  # where the other country facts come from
DEMO_ROSTER = DATA_DIR / "demo" / "roster.csv"
TEMPLATES_DIR = RESOURCE_ROOT / "templates"
NOTEBOOKS_DIR = RESOURCE_ROOT / "notebooks"
WORKBOOK_TEMPLATE = NOTEBOOKS_DIR / "workbook.ipynb"
# WORKBOOK_TEMPLATE prepared by Papermill at release time (scripts/prepare_template.py)
PREPARED_TEMPLATES_DIR = DATA_DIR / "prepared"
ANALYSIS_NOTEBOOKS = "*-analysis.ipynb"  # the staff's analysis notebooks in NOTEBOOKS_DIR
# Typst templates: each is the main file of its folder, which is the compile's root.
BINDER_COVER_TEMPLATE = TEMPLATES_DIR / "binder" / "cover.typ"
BINDER_NUMBERS_TEMPLATE = TEMPLATES_DIR / "binder" / "numbers.typ"
SLIPS_TEMPLATE = TEMPLATES_DIR / "slips" / "slips.typ"
FEEDBACK_TEMPLATE = TEMPLATES_DIR / "feedback" / "feedback.typ"
HAPROXY_TEMPLATE = TEMPLATES_DIR / "haproxy" / "munbook.cfg"  # serve --workers; $names
# A Jupyter data folder with munbook's Voilà page (voila/templates/munbook/)
PAGE_TEMPLATE_ROOT, PAGE_TEMPLATE = TEMPLATES_DIR / "jupyter", "munbook"
MIGRATIONS_DIR = PACKAGE_DIR / "store" / "migrations"  # Alembic's scripts, shipped as code
CHROMIUM = Path("/usr/bin/chromium")  # Debian's; prints the PDF reports


COMMITTEE_FILES = ("*.yaml", "*.yml")  # in each of committee_dirs(), in this order


def committee_dirs() -> list[Path]:
    """Where committee files are read from: shipped data, then the home folder."""
    return [COMMITTEES_DIR, home() / "committees"]


# Voilà serves site/ and nothing else: the generated workbooks and the staff apps.
# Everything private (store, codes, submissions, exports, grades, feedback,
# binders, caches) sits beside it, never under it.


def _per_committee(base: Path, committee: str | None) -> Path:
    """``base``, or one committee's folder in it."""
    return base / slug(committee) if committee else base


def site_dir() -> Path:
    """The folder Voilà serves: only what a browser may ask for."""
    return home() / "site"


def workbooks_dir(committee: str | None = None) -> Path:
    return _per_committee(site_dir() / "workbooks", committee)


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
    return schools_access_dir() / f"{slug(school_key, 40)}-{digest}"


def schools_access_dir() -> Path:
    """The folder of every school's code folder."""
    return access_dir() / "schools"


def submissions_dir() -> Path:
    return home() / "submissions"


def papers_dir(committee: str | None = None) -> Path:
    """PDFs from ``munbook export`` (copies; the submitted originals stay in submissions/)."""
    return _per_committee(home() / "papers", committee)


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


def feedback_dir(committee: str | None = None) -> Path:
    return _per_committee(home() / "feedback", committee)


def lab_workspaces_dir() -> Path:
    """The layouts JupyterLab remembers for this home (``munbook lab``)."""
    return cache_dir() / "lab-workspaces"


def reports_dir() -> Path:
    """Executed analysis notebooks and the tables they export."""
    return home() / "reports"


def analysis_dir() -> Path:
    """Staff copies of the analysis notebooks (``munbook lab``, ``munbook report``)."""
    return home() / "analysis"


def backups_dir() -> Path:
    """``munbook backup`` files (private: 0600 in a 0700 folder)."""
    return home() / "backups"


def fact_table_path(committee_file: Path, committee_key: str, file: str) -> Path:
    """A committee's fact table: data/committees/<committee>/<file>, beside its YAML."""
    return committee_file.parent / committee_key / file


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


# ---- file names: every file munbook writes is named here ------------------------------


def _stamp(at: datetime, micro: bool = True) -> str:
    """A UTC time in a file name; with microseconds two files of one second stay apart."""
    return f"{at:%Y%m%dT%H%M%S%fZ}" if micro else f"{at:%Y%m%dT%H%M%SZ}"


def slips_file(folder: Path, at: datetime) -> Path:
    """A printed sheet of code slips, beside the code files it was made from."""
    return folder / f"slips-{_stamp(at)}.pdf"


def submission_file(committee: str, country_name: str, at: datetime) -> Path:
    """A submitted original: submissions/<committee>/<country>-<time>.pdf (written once)."""
    return submissions_dir() / slug(committee) / f"{slug(country_name)}-{_stamp(at)}.pdf"


def export_notebook(committee: str, kind: str, country_name: str) -> Path:
    """The paper notebook an export renders for one delegation."""
    return export_notebooks_dir(committee, kind) / f"{slug(country_name)}.ipynb"


def exported_pdf(out: Path, notebook: Path | str) -> Path:
    """The PDF ``munbook export`` writes for ``notebook``: its name, in ``out``."""
    return out / f"{Path(notebook).stem}.pdf"


def grades_file(committee_key: str) -> Path:
    return grades_dir() / f"{committee_key}.csv"


def feedback_file(committee: str, country_name: str) -> Path:
    return feedback_dir(committee) / f"{slug(country_name)}.pdf"


def binder_file(committee_key: str, at: datetime) -> Path:
    return binders_dir() / f"{committee_key}-{_stamp(at, micro=False)}.pdf"


def report_files(stem_parts: list[str], at: datetime, to: str) -> tuple[Path, Path]:
    """(executed notebook, report) of one report run, named for its committee, kind, school."""
    stem = "-".join(p for p in (*stem_parts, _stamp(at, micro=False)) if p)
    return reports_dir() / f"{stem}.ipynb", reports_dir() / f"{stem}.{to}"


def analysis_notebook(kind: str) -> Path:
    """The shipped analysis notebook of ``kind`` (chair, advisor)."""
    return NOTEBOOKS_DIR / ANALYSIS_NOTEBOOKS.replace("*", kind)


def backup_file(at: datetime, n: int, suffix: str) -> Path:
    """The n-th backup of one second: munbook-<time>[-n].<suffix>."""
    return backups_dir() / f"munbook-{_stamp(at, micro=False)}{f'-{n}' if n else ''}.{suffix}"


def xlsx_file(path: Path) -> Path:
    """An Excel table's file name: ``path`` ending in .xlsx, whatever the user typed."""
    return path.with_suffix(".xlsx")
