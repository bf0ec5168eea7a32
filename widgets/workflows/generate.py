"""Generate one workbook per delegation from the Papermill template.

Parameters go in with Papermill's Python API (``prepare_only``): the template
is read once, each workbook takes a few milliseconds, and an unchanged
workbook is not rewritten. ``execute`` also runs each workbook with nbclient
in worker processes, to validate it and store its rendered outputs.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import papermill
from tqdm.auto import tqdm

from .. import settings
from ..core import committees, countries
from ..exceptions import MunbookError
from ..store import Store
from . import codes, roster

KERNEL = "python3"


@dataclass(frozen=True)
class Target:
    """One workbook to write: which delegation, and where."""

    committee: str
    country: str  # ISO alpha-3
    country_name: str
    delegation_id: int
    path: Path


@dataclass
class GenerateResult:
    written: list[Target] = field(default_factory=list)
    unchanged: list[Target] = field(default_factory=list)
    failed: list[tuple[Target, str]] = field(default_factory=list)
    codes_file: Path | None = None

    def summary(self) -> str:
        text = (
            f"{len(self.written)} written, {len(self.unchanged)} unchanged, "
            f"{len(self.failed)} failed"
        )
        if self.codes_file:
            text += f"; new access codes written to {self.codes_file}"
        return text


def workbook_path(committee: str, country_name: str) -> Path:
    """outputs/site/workbooks/<committee>/<country-slug>.ipynb, checked to stay inside."""
    return settings.inside(
        settings.workbooks_dir(committee) / f"{settings.slug(country_name)}.ipynb"
    )


def targets_for(
    committee: str,
    *,
    roster_file: str | Path | None = None,
    country_names: list[str] | None = None,
    all_members: bool = False,
    store: Store | None = None,
) -> tuple[list[Target], Path | None]:
    """The workbooks to write, creating missing delegations and codes.

    Returns the targets and the file the new access codes went to, if any.
    """
    info = committees.load(committee)
    store = store or Store()
    if sum(bool(x) for x in (roster_file, country_names, all_members)) != 1:
        raise MunbookError("choose exactly one of --roster, --countries or --all-members")
    codes_file = None
    if roster_file:
        result = roster.import_roster(roster_file, store)
        codes_file = result.codes_file
        wanted = [
            countries.lookup(row.country)
            for row in result.created + result.updated + result.unchanged
            if row.committee == info.key
        ]
        if not wanted:
            raise MunbookError(f"{roster_file} has no delegations in {info.acronym}")
    elif all_members:
        wanted = countries.members(info.organisation)
    else:
        wanted = [countries.lookup(name.strip()) for name in country_names if name.strip()]
        outside = [c.name for c in wanted if not c.is_member(info.organisation)]
        if outside:
            raise MunbookError(f"not members of {info.acronym}: {', '.join(outside)}")
    new_codes = _ensure_delegations(store, info.key, wanted)
    if new_codes:
        codes_file = roster.write_codes(new_codes)
    targets = [
        Target(
            info.key,
            c.alpha3,
            c.name,
            store.find_delegation(info.key, c.alpha3).id,
            workbook_path(info.key, c.name),
        )
        for c in wanted
    ]
    return targets, codes_file


def _ensure_delegations(store: Store, committee: str, wanted: list) -> list[dict[str, str]]:
    """Create a delegation (and its code) for each country that has none."""
    made = []
    with store.begin() as conn:
        for country in wanted:
            delegation_id, created = store.upsert_delegation(committee, country.alpha3, conn=conn)
            if created:
                made.append(
                    codes.delegate_code(store, conn, delegation_id, committee, country.name, "", "")
                )
        if made:
            made += roster.ensure_staff_codes(store, committee, conn)
    return made


def prepare(template: nbformat.NotebookNode, target: Target) -> str:
    """The workbook's JSON text: the template with this delegation's parameters."""
    parameters = {
        "committee": target.committee,
        "country": target.country,
        "delegation_id": target.delegation_id,
    }
    nb = papermill.execute_notebook(
        template,
        None,  # papermill writes nothing; we decide whether the file changed
        parameters=parameters,
        prepare_only=True,
        kernel_name=KERNEL,
        language="python",
        progress_bar=False,
        log_output=False,
    )
    nb.metadata.kernelspec = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    nb.metadata.papermill.pop("input_path", None)
    nb.metadata.papermill.pop("output_path", None)
    nb.metadata.title = f"{target.country_name} · {target.committee.upper()}"
    for index, cell in enumerate(nb.cells):
        # Stable ids keep a regenerated workbook byte-identical.
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.id = "injected-parameters"
        elif not cell.get("id"):
            cell.id = f"cell-{index}"
    return nbformat.writes(nb) + "\n"


def _without_outputs(text: str) -> str:
    nb = nbformat.reads(text, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb) + "\n"


def write_if_changed(path: Path, text: str, force: bool = False) -> bool:
    """Write ``text`` atomically unless the file already holds it (outputs aside)."""
    if not force and path.exists():
        try:
            if _without_outputs(path.read_text(encoding="utf-8")) == text:
                return False
        except (ValueError, nbformat.ValidationError):
            pass  # a damaged file is rewritten
    settings.write_private(path, text)
    return True


def generate(
    committee: str,
    *,
    roster_file: str | Path | None = None,
    country_names: list[str] | None = None,
    all_members: bool = False,
    force: bool = False,
    execute: bool = False,
    jobs: int = 1,
    template: str | Path | None = None,
    progress: bool | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> GenerateResult:
    """Write the workbooks of a committee; see the module docstring."""
    targets, codes_file = targets_for(
        committee, roster_file=roster_file, country_names=country_names, all_members=all_members
    )
    template_path = Path(template or settings.WORKBOOK_TEMPLATE)
    try:
        source = nbformat.read(template_path, as_version=4)
    except (OSError, ValueError) as exc:
        raise MunbookError(f"cannot read the workbook template {template_path}: {exc}") from None
    result = GenerateResult(codes_file=codes_file)
    show = sys.stderr.isatty() if progress is None else progress
    logging.getLogger("papermill").setLevel(logging.WARNING)
    for done, target in enumerate(tqdm(targets, desc="workbooks", unit="nb", disable=not show)):
        if on_progress:
            on_progress(done, len(targets))
        try:
            changed = write_if_changed(target.path, prepare(source, target), force)
        except Exception as exc:  # one bad workbook must not stop the rest
            result.failed.append((target, f"{type(exc).__name__}: {exc}"))
            continue
        (result.written if changed else result.unchanged).append(target)
    if on_progress:
        on_progress(len(targets), len(targets))
    if execute:
        ok = result.written + result.unchanged
        failures = execute_all(ok, jobs=jobs, progress=show)
        failed_paths = {t.path for t, _ in failures}
        result.written = [t for t in result.written if t.path not in failed_paths]
        result.unchanged = [t for t in result.unchanged if t.path not in failed_paths]
        result.failed += failures
    return result


def execute_one(path: str) -> str | None:
    """Run one workbook in a fresh kernel and save its outputs; the error, or None."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name=KERNEL,
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as exc:
        index = next(
            (
                i
                for i, c in enumerate(nb.cells)
                if any(o.get("output_type") == "error" for o in c.get("outputs", []))
            ),
            None,
        )
        first = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        return f"cell {index} failed: {exc.ename}: {exc.evalue}" if index is not None else first
    except Exception as exc:  # kernel died, timeout: report, keep going
        return f"{type(exc).__name__}: {exc}"
    settings.write_private(Path(path), nbformat.writes(nb))
    return None


def execute_all(
    targets: list[Target], jobs: int = 1, progress: bool = False
) -> list[tuple[Target, str]]:
    """Run workbooks in ``jobs`` worker processes; the failures, each with its reason."""
    failures = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_one, str(t.path)): t for t in targets}
        for future in tqdm(
            as_completed(futures), total=len(futures), desc="executing", disable=not progress
        ):
            target = futures[future]
            try:
                error = future.result()
            except Exception as exc:  # a worker crash is one failure
                error = f"{type(exc).__name__}: {exc}"
            if error:
                failures.append((target, error))
    return failures
