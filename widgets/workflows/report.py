"""``munbook report``: run an analysis notebook with Papermill, then nbconvert it to HTML or PDF.

The notebooks (notebooks/chair-analysis.ipynb, advisor-analysis.ipynb) take
``committee`` (and ``school``) as Papermill parameters, so a secretariat can
run one per committee in a batch. The executed notebook is kept beside the
report under home()/reports, private like everything munbook writes.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .. import settings
from ..core import committees
from ..exceptions import MunbookError
from ..store import now

KINDS = ("chair", "advisor")
FORMATS = ("html", "pdf")
CELL_TIMEOUT = 300  # seconds a cell may run before the report stops


@dataclass(frozen=True)
class Report:
    path: Path
    notebook: Path


def analysis_notebook(kind: str) -> Path:
    if kind not in KINDS:
        raise MunbookError(f"unknown report {kind!r}: choose {' or '.join(KINDS)}")
    return settings.analysis_notebook(kind)


def run_report(
    kind: str,
    committee: str | None = None,
    school: str | None = None,
    to: str = "html",
    out: Path | None = None,
    notebook: Path | None = None,
) -> Report:
    """Execute the ``kind`` analysis notebook for a committee (and school) and convert it."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    if to not in FORMATS:
        raise MunbookError(f"unknown format {to!r}: choose html or pdf")
    source = Path(notebook) if notebook else analysis_notebook(kind)
    key = committees.load(committee).key if committee else ""
    if kind == "chair" and not key:
        raise MunbookError("a chair report needs --committee")
    parameters = {"committee": key} | ({"school": school or ""} if kind == "advisor" else {})
    folder = settings.ensure_dir(settings.reports_dir())
    school_part = settings.slug(school) if school else ""
    executed, report = settings.report_files([key or "all", kind, school_part], now(), to)
    try:
        nb = papermill.execute_notebook(
            str(source),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            language="python",
            progress_bar=False,
            execution_timeout=CELL_TIMEOUT,
            cwd=str(folder),
        )
    except PapermillExecutionError as exc:
        raise MunbookError(
            f"{source.name}: cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}"
        ) from None
    target = Path(out) if out else report
    executed.chmod(settings.PRIVATE_FILE)  # papermill wrote it with the umask's mode
    settings.write_private(target, _convert(nb, to))
    return Report(target, executed)


def _convert(nb, to: str) -> bytes:
    """The executed notebook as HTML (inputs hidden: a report, not code) or PDF."""
    from nbconvert import HTMLExporter

    if to == "html":
        body, _ = HTMLExporter(
            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
        ).from_notebook_node(nb)
        return body.encode("utf-8")
    return _pdf(nb)


def _pdf(nb) -> bytes:
    """Print the HTML report with Debian's chromium (nbconvert's webpdf would download one)."""
    from nbconvert import HTMLExporter

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise MunbookError("PDF reports need playwright: pip install playwright") from None
    if not settings.CHROMIUM.exists():
        raise MunbookError(
            f"PDF reports need chromium at {settings.CHROMIUM} (apt-get install chromium)"
        )
    html, _ = HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    ).from_notebook_node(nb)
    # Playwright's sync API refuses a thread with a running event loop (a notebook, a test
    # session): print from a fresh thread, which has none.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_print_pdf, html, sync_playwright).result()


def _print_pdf(html: str, sync_playwright) -> bytes:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(settings.CHROMIUM), args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.set_content(html, wait_until="load")
            page.emulate_media(media="print")
            return page.pdf(format="A4", print_background=True)
        finally:
            browser.close()
