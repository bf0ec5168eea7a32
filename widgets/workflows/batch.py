"""``munbook export``: many papers to PDF in parallel; a failing paper never stops the rest."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm

from .. import settings
from ..core import countries
from ..exceptions import MunbookError
from ..store import Store
from .papers import latest_paper


@dataclass
class BatchResult:
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        return f"{len(self.written)} exported, {len(self.failed)} failed"


def _export_one(source: str, target: str, blind: bool) -> str | None:
    """Worker: render one paper notebook file to a PDF; the error, or None."""
    from ..paper.export import render

    try:
        nb = nbformat.read(source, as_version=4)
        pdf = render(nb, blind=blind).pdf
    except MunbookError as exc:
        return str(exc)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return f"not a readable paper notebook ({type(exc).__name__}: {exc})"
    settings.write_private(Path(target), pdf)
    return None


def committee_notebooks(
    committee: str, source: str = "submissions", store: Store | None = None
) -> list[Path]:
    """Write the committee's latest submissions (or drafts) as paper notebooks; their paths."""
    store = store or Store()
    kind = "submitted" if source == "submissions" else "drafts"
    settings.ensure_dir(settings.export_notebooks_dir(committee, kind))
    paths = []
    key = settings.slug(committee)
    if source == "submissions":
        submitted = store.latest_submissions(key, notebooks_only=True, pdf=False)
    for delegation in store.delegations(key):
        if source == "submissions":
            if delegation.id not in submitted:
                continue
            text = submitted[delegation.id]["notebook"]
        else:
            text = nbformat.writes(latest_paper(store, delegation.id))
        path = settings.export_notebook(committee, kind, countries.lookup(delegation.country).name)
        settings.write_private(path, text)
        paths.append(path)
    return paths


def export_many(
    paths: list[Path],
    out: Path | None = None,
    jobs: int = 2,
    blind: bool = False,
    progress: bool = False,
) -> BatchResult:
    """Export paper notebooks to ``out`` (default outputs/papers) with ``jobs`` processes."""
    out = Path(out) if out else settings.ensure_dir(settings.papers_dir())
    originals = settings.submissions_dir().resolve()
    if out.resolve() == originals or originals in out.resolve().parents:
        raise MunbookError(
            f"{out} holds the submitted originals, which are never overwritten: "
            "export somewhere else (the default is outputs/papers/)"
        )
    out = settings.output_dir(out)
    result = BatchResult()
    targets = {str(p): str(settings.exported_pdf(out, p)) for p in paths}
    from ..paper.fonts import missing

    missing("")  # fill the font cache once, before the workers read it
    # spawn, not fork: the parent may hold Typst's threads, which a fork would copy mid-flight.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {pool.submit(_export_one, src, dst, blind): src for src, dst in targets.items()}
        for future in tqdm(
            as_completed(futures), total=len(futures), desc="papers", disable=not progress
        ):
            source = futures[future]
            try:
                error = future.result()
            except Exception as exc:  # a crashed worker is one failure, not the batch's
                error = f"{type(exc).__name__}: {exc}"
            if error:
                result.failed.append((source, error))
            else:
                result.written.append(Path(targets[source]))
    result.written.sort()
    return result
