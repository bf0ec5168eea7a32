"""Commands for papers and chairs: export, collect, grades, feedback, binder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import settings
from ..exceptions import MunbookError
from .group import _upgrade_store, main

# ---- export ------------------------------------------------------------------------


def _xlsx_option(what: str):
    return click.option(
        "--xlsx",
        "xlsx_out",
        type=click.Path(dir_okay=False, path_type=Path),
        callback=lambda _ctx, _param, value: settings.xlsx_file(value) if value else None,
        help=f"Also write {what} as an Excel workbook (.xlsx).",
    )


@main.command("export")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--committee", "committee_name", help="Export this committee's papers instead of PATHS."
)
@click.option(
    "--drafts", is_flag=True, help="With --committee: the latest drafts, not submissions."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs (default outputs/papers/, with --committee "
    "outputs/papers/<committee>/submitted/ or drafts/).",
)
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--blind",
    is_flag=True,
    help="Leave out delegate and school (always, for a committee that grades blind).",
)
def export_cmd(paths, committee_name, drafts, out, jobs, blind) -> None:
    """Export paper notebooks (PATHS, or a committee's) to PDF with Typst."""
    from ..core import committees
    from ..workflows import batch

    if bool(paths) == bool(committee_name):
        raise MunbookError("give paper notebooks as PATHS, or --committee, not both")
    if committee_name:
        info = committees.load(committee_name)
        key, blind = info.key, blind or info.rules.blind_grading
        _upgrade_store()
        paths = batch.committee_notebooks(key, "drafts" if drafts else "submissions")
        # Drafts and submissions never share a folder: a draft export cannot overwrite.
        out = out or settings.ensure_dir(
            settings.export_dir(key, "drafts" if drafts else "submitted")
        )
        if not paths:
            raise MunbookError(
                f"no {'drafts' if drafts else 'submissions'} in {committee_name} yet"
            )
    result = batch.export_many(list(paths), out, jobs, blind, progress=sys.stderr.isatty())
    for source, reason in result.failed:
        click.echo(f"failed: {source}: {reason}", err=True)
    click.echo(
        f"papers: {result.summary()}"
        + (f" in {result.written[0].parent}" if result.written else "")
    )
    if result.failed:
        sys.exit(1)


# ---- chairs: collect, grades, feedback, binder -------------------------------------


@main.command("collect")
@click.option("--committee", "committee_name", required=True)
@click.option(
    "--ingest",
    "source",
    type=click.Path(exists=True, path_type=Path),
    help="A folder or zip of PDFs to take in first.",
)
@click.option(
    "--pattern",
    default="{committee}_{country}_{delegate}.pdf",
    show_default=True,
    help="How the PDF file names are made.",
)
@click.option(
    "--received",
    "received_text",
    metavar='"YYYY-MM-DD HH:MM"',
    help="When the mail came, in the committee's time zone (default: now, when munbook receives the files).",
)
@click.option(
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the table as CSV.",
)
@_xlsx_option("the table")
def collect_cmd(
    committee_name: str,
    source: Path | None,
    pattern: str,
    received_text: str | None,
    csv_out: Path | None,
    xlsx_out: Path | None,
) -> None:
    """Show who submitted, on time or late, and who is missing; ingest e-mailed PDFs."""
    from ..core import committees
    from ..core.times import parse_local_time
    from ..workflows import collect, ingest

    info = committees.load(committee_name)
    if received_text and not source:
        raise MunbookError("--received goes with --ingest (the time the mailed PDFs came)")
    received = parse_local_time(received_text, info.rules.timezone) if received_text else None
    _upgrade_store()
    if source:
        _echo_ingested(ingest.ingest(info.key, source, pattern, received=received))
    from ..store import Store

    rows = collect.collect(Store(), info.key)
    blind = info.rules.blind_grading
    for r in rows:
        click.echo(_collect_line(r, blind))
    click.echo(f"{info.acronym}: {collect.summary(rows)}")
    if csv_out:
        settings.write_private(csv_out, collect.rows_csv(rows, blind))
        click.echo(f"table written to {csv_out}")
    if xlsx_out:
        from ..workflows import tables

        tables.write_table(tables.collection_table(Store(), info.key, rows=rows), xlsx_out)
        click.echo(f"table written to {xlsx_out}")


def _echo_ingested(result) -> None:
    """What ``collect --ingest`` did: each refusal and warning (to stderr), then the counts."""
    from ..core.printable import printable

    # Names come from outside: control characters would drive the terminal.
    for name, reason in result.refused:
        click.echo(f"refused: {printable(name)}: {printable(reason)}", err=True)
    for name, reason in result.warnings:
        click.echo(f"warning: {printable(name)}: {printable(reason)}", err=True)
    click.echo(f"ingested: {result.summary()}")


def _collect_line(r, blind: bool) -> str:
    """One delegation's line of ``munbook collect`` (no delegate name when grading blind)."""
    from ..core.printable import printable

    when = f"{r.submitted_at:%Y-%m-%d %H:%M}Z" if r.submitted_at else "-"
    late = f" late {r.seconds_late // 60} min" if r.seconds_late else ""
    who = "" if blind else f"  {printable(r.delegate or '-')}"
    flags = (f"  {len(r.violations)} issue(s)" if r.violations else "") + (
        f"  similar to {r.similar_to} ({r.similarity:.0%})" if r.similar_to else ""
    )
    return f"{r.country:<28} {r.status:<17} {when}{late}  pages {r.pages or '-'}  words {r.words or '-'}{who}{flags}"


@main.command("grades")
@click.option("--committee", "committee_name", required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV path (default outputs/grades/<committee>.csv).",
)
@_xlsx_option("the grades (and each chair's scores)")
def grades_cmd(committee_name: str, out: Path | None, xlsx_out: Path | None) -> None:
    """Write the committee's grades CSV: rubric points, totals, ranks."""
    from ..store import Store
    from ..workflows import review

    store = Store.open_for_admin()
    path = review.write_grades(store, committee_name, out)
    click.echo(f"grades written to {path}")
    if xlsx_out:
        from ..workflows import tables

        # The chair app's download is these same bytes (tables.grades_xlsx).
        with settings.private_file(xlsx_out) as fh:
            fh.write(tables.grades_xlsx(store, committee_name))
        click.echo(f"grades written to {xlsx_out}")


@main.command("feedback")
@click.option("--committee", "committee_name", required=True)
@click.option(
    "--release",
    "release_text",
    help="Show feedback to delegates from this local time, e.g. '2027-03-05 09:00'.",
)
def feedback_cmd(committee_name: str, release_text: str | None) -> None:
    """Write every scored paper's feedback PDF; optionally set when delegates see it."""
    from ..core import committees
    from ..core.times import parse_local_time
    from ..store import Store
    from ..workflows import review

    info = committees.load(committee_name)
    store = Store.open_for_admin()
    if release_text:
        when = parse_local_time(release_text, info.rules.timezone)
        store.set_feedback_release(info.key, when)
        click.echo(
            f"feedback released to delegates from {when:%Y-%m-%d %H:%M} ({info.rules.timezone})"
        )
    folder = settings.ensure_dir(settings.feedback_dir(info.key))
    written = 0
    for grade in review.grades(store, info.key):
        if grade.total is not None:
            settings.write_private(
                settings.feedback_file(info.key, grade.country),
                review.feedback_pdf(store, grade.delegation_id),
            )
            written += 1
    click.echo(f"{written} feedback PDFs in {folder}")


@main.command("binder")
@click.option("--committee", "committee_name", required=True)
@click.option("--all", "include_all", is_flag=True, help="Include late submissions too.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
def binder_cmd(committee_name: str, include_all: bool, out: Path | None) -> None:
    """Bind the latest on-time papers (or all) into one PDF with a cover and bookmarks."""
    from ..store import Store
    from ..workflows import binder

    result = binder.build_binder(Store.open_for_admin(), committee_name, include_all, out)
    for country, why in result.left_out:
        click.echo(f"left out: {country}: {why}", err=True)
    click.echo(f"binder: {result.papers} papers, {result.pages} pages: {result.path}")
