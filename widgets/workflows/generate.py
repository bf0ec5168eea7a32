"""Generate one workbook per delegation from the Papermill template.

Parameters go in with Papermill's Python API (``prepare_only``), injected once
per template (``workbook_template``): each workbook is then a few microseconds,
and an unchanged workbook is not rewritten. Delegations and their codes are
made in one batch. ``execute`` also runs each workbook with nbclient in worker
processes, to validate it and store its rendered outputs.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .. import settings
from ..core import committees, countries
from ..exceptions import MunbookError
from ..store import Store
from . import codes, roster, workbook_template

KERNEL = workbook_template.KERNEL


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
        names = country_names or []  # exactly one of the three was given: these names
        wanted = [countries.lookup(name.strip()) for name in names if name.strip()]
        outside = [c.name for c in wanted if not c.is_member(info.organisation)]
        if outside:
            raise MunbookError(f"not members of {info.acronym}: {', '.join(outside)}")
    ids, new_codes = _ensure_delegations(store, info.key, wanted)
    if new_codes:
        codes_file = roster.write_codes(new_codes)
    targets = [
        Target(info.key, c.alpha3, c.name, ids[c.alpha3], workbook_path(info.key, c.name))
        for c in wanted
    ]
    return targets, codes_file


def _ensure_delegations(
    store: Store, committee: str, wanted: list
) -> tuple[dict[str, int], list[dict[str, str]]]:
    """Each country's delegation id, creating the missing ones with their codes (one batch)."""
    with store.begin() as conn:
        found = store.ensure_delegations(committee, [c.alpha3 for c in wanted], conn=conn)
        created = {c.alpha3: c for c in wanted if found[c.alpha3][1]}  # once each
        issued = store.issue_codes(
            "delegate", committee, [found[alpha3][0] for alpha3 in created], conn=conn
        )
        made = [
            codes.code_row("delegate", issued[found[alpha3][0]], committee, country.name)
            for alpha3, country in created.items()
        ]
        if made:
            made += codes.ensure_staff_codes(store, committee, conn)
    return {alpha3: id_ for alpha3, (id_, _) in found.items()}, made


def _without_outputs(text: str) -> str | None:
    """The notebook as nbformat writes it, outputs cleared; None if it is no notebook."""
    try:
        nb = json.loads(text)
        for cell in nb["cells"]:
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged file is rewritten
    # nbformat's own serialisation (nbformat.v4.nbjson), so a workbook it wrote compares equal.
    return (
        json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "), ensure_ascii=False) + "\n"
    )


def write_if_changed(path: Path, text: str, force: bool = False) -> bool:
    """Write ``text`` atomically unless the file already holds it (outputs aside)."""
    if not force:
        try:
            existing = path.read_text(encoding="utf-8")
        except (FileNotFoundError, UnicodeDecodeError):
            existing = None
        if existing is not None and (existing == text or _without_outputs(existing) == text):
            return False
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
    prepared = workbook_template.load(Path(template or settings.WORKBOOK_TEMPLATE))
    result = GenerateResult(codes_file=codes_file)
    show = sys.stderr.isatty() if progress is None else progress
    for done, target in enumerate(_progress(targets, "workbooks", show)):
        if on_progress:
            on_progress(done, len(targets))
        try:
            text = prepared.fill(
                target.committee, target.country, target.delegation_id, target.country_name
            )
            changed = write_if_changed(target.path, text, force)
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


def _progress(items, desc: str, show: bool, total: int | None = None):
    """``items`` with a tqdm bar when shown (tqdm loads only then)."""
    if not show:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="nb", total=total)


def execute_one(path: str) -> str | None:
    """Run one workbook in a fresh kernel and save its outputs; the error, or None."""
    import nbformat
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
    from concurrent.futures import ProcessPoolExecutor, as_completed

    failures = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futures = {pool.submit(execute_one, str(t.path)): t for t in targets}
        for future in _progress(as_completed(futures), "executing", progress, len(futures)):
            target = futures[future]
            try:
                error = future.result()
            except Exception as exc:  # a worker crash is one failure
                error = f"{type(exc).__name__}: {exc}"
            if error:
                failures.append((target, error))
    return failures
