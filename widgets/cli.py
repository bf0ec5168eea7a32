"""The ``munbook`` command: thin click commands over the library functions."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__, settings
from .core import committees, countries
from .exceptions import MunbookError
from .workflows import demo as demo_module
from .workflows import generate, roster


class MunbookGroup(click.Group):
    """Turns a user's mistake into plain lines on stderr and exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MunbookError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(2)
        except OSError as exc:
            where = f": {exc.filename}" if exc.filename else ""
            click.echo(f"Error: {exc.strerror or exc}{where}", err=True)
            ctx.exit(2)


@click.group(cls=MunbookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="munbook")
def main() -> None:
    """munbook: Model UN position papers, from research to binder."""


# ---- committees ----------------------------------------------------------------


@main.group("committees", cls=MunbookGroup)
def committees_group() -> None:
    """List and check committee files."""


@committees_group.command("list")
def committees_list() -> None:
    """List the committees munbook knows."""
    for key, committee in committees.all_committees().items():
        deadline = committee.rules.deadline_utc.strftime("%Y-%m-%d %H:%M UTC")
        topics = ", ".join(t.key for t in committee.topics)
        click.echo(
            f"{key:<12} {committee.acronym:<10} topics {topics:<6} due {deadline}  {committee.name}"
        )


@committees_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def committees_check(file: Path) -> None:
    """Validate a committee FILE and report every problem with its line."""
    committee = committees.check_file(file)
    click.echo(f"{file}: OK ({committee.acronym}, {len(committee.topics)} topics)")


# ---- countries -----------------------------------------------------------------


@main.command("countries")
@click.option("--committee", "committee_name", help="Only countries the committee may seat.")
@click.option(
    "--member-of", "bloc", help=f"Only members of a bloc: {', '.join(countries.blocs())}."
)
def countries_cmd(committee_name: str | None, bloc: str | None) -> None:
    """List countries (ISO code, name, region)."""
    found = countries.all_countries()
    if committee_name:
        organisation = committees.load(committee_name).organisation
        found = [c for c in found if c.is_member(organisation)]
    if bloc:
        keep = {c.alpha3 for c in countries.members(bloc)}
        found = [c for c in found if c.alpha3 in keep]
    for c in found:
        click.echo(f"{c.alpha3}  {c.name:<34} {c.subregion}")
    click.echo(f"{len(found)} countries", err=True)


# ---- roster ----------------------------------------------------------------------


@main.group("roster", cls=MunbookGroup)
def roster_group() -> None:
    """Import the delegations of a conference."""


@roster_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
def roster_import(file: Path) -> None:
    """Create one delegation and access code per row of the roster FILE (CSV)."""
    result = roster.import_roster(file)
    click.echo(result.summary())


# ---- generate --------------------------------------------------------------------


@main.command("generate")
@click.option(
    "--committee", "committee_name", required=True, help="Committee acronym, e.g. INTERPOL."
)
@click.option(
    "--roster",
    "roster_file",
    type=click.Path(path_type=Path),
    help="Import this roster first and generate its delegations.",
)
@click.option(
    "--all-members", is_flag=True, help="Every member country of the committee's organisation."
)
@click.option(
    "--countries", "country_list", help='Comma-separated country names, e.g. "Kenya,Japan".'
)
@click.option("--force", is_flag=True, help="Rewrite workbooks even when unchanged.")
@click.option(
    "--execute",
    is_flag=True,
    help="Also run each workbook in a kernel to validate and pre-render it.",
)
@click.option(
    "--jobs",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes for --execute.",
)
@click.option(
    "--template", type=click.Path(path_type=Path), help="Another Papermill template notebook."
)
def generate_cmd(
    committee_name: str,
    roster_file: Path | None,
    all_members: bool,
    country_list: str | None,
    force: bool,
    execute: bool,
    jobs: int,
    template: Path | None,
) -> None:
    """Write one workbook per delegation under outputs/site/workbooks/<committee>/."""
    result = generate.generate(
        committee_name,
        roster_file=roster_file,
        country_names=country_list.split(",") if country_list else None,
        all_members=all_members,
        force=force,
        execute=execute,
        jobs=jobs,
        template=template,
    )
    for target, reason in result.failed:
        click.echo(f"failed: {target.country_name} ({target.path.name}): {reason}", err=True)
    click.echo(f"workbooks: {result.summary()}")
    if result.failed:
        sys.exit(1)


# ---- export ------------------------------------------------------------------------


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
    help="Folder for the PDFs (default outputs/papers).",
)
@click.option("--jobs", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--blind", is_flag=True, help="Leave out delegate and school.")
def export_cmd(paths, committee_name, drafts, out, jobs, blind) -> None:
    """Export paper notebooks (PATHS, or a committee's) to PDF with Typst."""
    from .workflows import batch

    if bool(paths) == bool(committee_name):
        raise MunbookError("give paper notebooks as PATHS, or --committee, not both")
    if committee_name:
        key = committees.load(committee_name).key
        paths = batch.committee_notebooks(key, "drafts" if drafts else "submissions")
        out = out or settings.papers_dir(key)
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
    "--csv",
    "csv_out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the table as CSV.",
)
def collect_cmd(
    committee_name: str, source: Path | None, pattern: str, csv_out: Path | None
) -> None:
    """Show who submitted, on time or late, and who is missing; ingest e-mailed PDFs."""
    from .workflows import collect, ingest

    info = committees.load(committee_name)
    if source:
        result = ingest.ingest(info.key, source, pattern)
        for name, reason in result.refused:
            click.echo(f"refused: {name}: {reason}", err=True)
        for name, reason in result.warnings:
            click.echo(f"warning: {name}: {reason}", err=True)
        click.echo(f"ingested: {result.summary()}")
    from .store import Store

    rows = collect.collect(Store(), info.key)
    blind = info.rules.blind_grading
    for r in rows:
        when = f"{r.submitted_at:%Y-%m-%d %H:%M}Z" if r.submitted_at else "-"
        late = f" late {r.seconds_late // 60} min" if r.seconds_late else ""
        who = "" if blind else f"  {r.delegate or '-'}"
        flags = (f"  {len(r.violations)} issue(s)" if r.violations else "") + (
            f"  similar to {r.similar_to} ({r.similarity:.0%})" if r.similar_to else ""
        )
        click.echo(
            f"{r.country:<28} {r.status:<9} {when}{late}  pages {r.pages or '-'}  words {r.words or '-'}{who}{flags}"
        )
    counts = {s: sum(r.status == s for r in rows) for s in ("submitted", "late", "missing")}
    click.echo(
        f"{info.acronym}: {counts['submitted']} on time, {counts['late']} late, {counts['missing']} missing"
    )
    if csv_out:
        settings.write_private(csv_out, collect.rows_csv(rows, blind))
        click.echo(f"table written to {csv_out}")


@main.command("grades")
@click.option("--committee", "committee_name", required=True)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV path (default outputs/grades/<committee>.csv).",
)
def grades_cmd(committee_name: str, out: Path | None) -> None:
    """Write the committee's grades CSV: rubric points, totals, ranks."""
    from .store import Store
    from .workflows import review

    path = review.write_grades(Store(), committee_name, out)
    click.echo(f"grades written to {path}")


@main.command("feedback")
@click.option("--committee", "committee_name", required=True)
@click.option(
    "--release",
    "release_text",
    help="Show feedback to delegates from this local time, e.g. '2027-03-05 09:00'.",
)
def feedback_cmd(committee_name: str, release_text: str | None) -> None:
    """Write every scored paper's feedback PDF; optionally set when delegates see it."""
    from .core.times import parse_local_time
    from .store import Store
    from .workflows import review

    info = committees.load(committee_name)
    store = Store()
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
                folder / f"{settings.slug(grade.country)}.pdf",
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
    from .store import Store
    from .workflows import binder

    result = binder.build_binder(Store(), committee_name, include_all, out)
    for country, why in result.left_out:
        click.echo(f"left out: {country}: {why}", err=True)
    click.echo(f"binder: {result.papers} papers, {result.pages} pages: {result.path}")


# ---- serve and demo --------------------------------------------------------------


def _serve(
    host: str, port: int, delegate: tuple[Path, str] | None = None, codes: dict | None = None
) -> None:
    from . import serve

    app = serve.make_app(host, port)
    base = f"http://{host}:{port}"
    apps = serve.install_apps()
    click.echo(f"Serving {settings.site_dir()} with Voilà at {base}/  (Ctrl-C stops)")
    click.echo(
        f"  at most {app.max_kernels} pages open at once; a page closes after "
        f"{app.gate_timeout:.0f} s without a code"
    )
    if delegate:
        click.echo(f"  delegate: {serve.url_for(base, delegate[0], delegate[1])}")
    else:
        click.echo("  delegates: the link and code of each workbook are in the codes file")
    chair, advisor = (codes or {}).get("chair"), (codes or {}).get("advisor")
    click.echo(
        f"  chair:    {serve.url_for(base, apps['chair'])}" + (f"  (code {chair})" if chair else "")
    )
    click.echo(
        f"  advisor:  {serve.url_for(base, apps['advisor'])}"
        + (f"  (code {advisor})" if advisor else "")
    )
    app.start()


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--max-kernels",
    type=click.IntRange(1, 10_000),
    help=f"Pages open at once (default {settings.MAX_KERNELS}, or $MUNBOOK_MAX_KERNELS).",
)
@click.option(
    "--gate-timeout",
    type=click.IntRange(5, 86_400),
    help=f"Seconds a page waits for its code (default {settings.GATE_TIMEOUT:.0f}).",
)
def serve_cmd(host: str, port: int, max_kernels: int | None, gate_timeout: int | None) -> None:
    """Serve the workbooks and the advisor and chair apps with Voilà."""
    # The limits travel as environment variables: the kernels read them too.
    if max_kernels:
        os.environ["MUNBOOK_MAX_KERNELS"] = str(max_kernels)
    if gate_timeout:
        os.environ["MUNBOOK_GATE_TIMEOUT"] = str(gate_timeout)
    _serve(host, port)


@main.command("demo")
@click.option("--serve/--no-serve", "serve_after", default=True, help="Start serving when ready.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
def demo(serve_after: bool, host: str, port: int) -> None:
    """Load the INTERPOL demo (roster, workbooks, codes) and serve it."""
    made = demo_module.prepare()
    click.echo(f"INTERPOL demo: workbooks {made.summary}")
    click.echo(f"store: {settings.db_url()}")
    click.echo(f"access codes (keep them private): {', '.join(str(p) for p in made.codes_files)}")
    if serve_after:
        _serve(
            host,
            port,
            (made.workbook, made.delegate_code),
            {"chair": made.chair_code, "advisor": made.advisor_code},
        )
    else:
        click.echo(f"delegate workbook: {made.workbook} (code {made.delegate_code})")
        click.echo(f"chair code {made.chair_code}; advisor code {made.advisor_code}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
