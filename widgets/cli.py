"""The ``munbook`` command: thin click commands over the library functions.

Each command imports what it uses when it runs, so ``munbook --version`` and
``--help`` start at once (nbformat, typst, SQLAlchemy and ipywidgets load only
in the commands that need them; tests/test_cli.py checks it).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import __version__, settings
from .exceptions import MunbookError
from .startup import defer_iri_checker

defer_iri_checker()


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


def _upgrade_store() -> None:
    """Make or migrate the schema once, here, so no delegate's kernel ever runs DDL."""
    from .store import migrate

    migrate.upgrade()


# ---- committees ----------------------------------------------------------------


@main.group("committees", cls=MunbookGroup)
def committees_group() -> None:
    """List and check committee files."""


@committees_group.command("list")
def committees_list() -> None:
    """List the committees munbook knows."""
    from zoneinfo import ZoneInfo

    from .core import committees

    for key, committee in committees.all_committees().items():
        # The committee's own zone, as every page shows it.
        zone = committee.rules.timezone
        local = committee.rules.deadline_utc.astimezone(ZoneInfo(zone))
        deadline = f"{local:%Y-%m-%d %H:%M} ({zone})"
        topics = ", ".join(t.key for t in committee.topics)
        click.echo(
            f"{key:<12} {committee.acronym:<10} topics {topics:<6} due {deadline}  {committee.name}"
        )


@committees_group.command("check")
@click.argument("file", type=click.Path(path_type=Path))
def committees_check(file: Path) -> None:
    """Validate a committee FILE and report every problem with its line."""
    from .core import committees

    committee = committees.check_file(file)
    click.echo(f"{file}: OK ({committee.acronym}, {len(committee.topics)} topics)")


# ---- countries -----------------------------------------------------------------


@main.command("countries")
@click.option("--committee", "committee_name", help="Only countries the committee may seat.")
@click.option(
    "--member-of", "bloc", help="Only members of a bloc (un, interpol, eu, au, oecd, g20, ...)."
)
def countries_cmd(committee_name: str | None, bloc: str | None) -> None:
    """List countries (ISO code, name, region)."""
    from .core import committees, countries

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


def _public_url_option(command):
    return click.option(
        "--public-url",
        envvar="MUNBOOK_PUBLIC_URL",
        help="The address people open (links in code files and slips), e.g. "
        "https://mun.example.org; default $MUNBOOK_PUBLIC_URL or http://127.0.0.1:8866.",
    )(command)


def _use_public_url(url: str | None) -> None:
    """Check ``--public-url`` and hand it on (kernels of ``serve`` inherit it)."""
    import os

    if url:
        os.environ["MUNBOOK_PUBLIC_URL"] = settings.check_public_url(url)


# ---- roster ----------------------------------------------------------------------


@main.group("roster", cls=MunbookGroup)
def roster_group() -> None:
    """Import the delegations of a conference."""


@roster_group.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--reassign",
    is_flag=True,
    help="Hand delegations to the delegate or school this FILE names: the old code stops "
    "working, a new one is issued, the draft and submissions stay with the delegation.",
)
@_public_url_option
def roster_import(file: Path, reassign: bool, public_url: str | None) -> None:
    """Create one delegation and access code per row of the roster FILE (CSV).

    Codes go to outputs/access/codes-<time>.csv (every code with its link, for the
    secretariat) and to one file per school under outputs/access/schools/ (that
    school's codes only), each with a mail-merge-<time>.csv beside it.
    """
    from .workflows import roster

    _use_public_url(public_url)
    _upgrade_store()
    result = roster.import_roster(file, reassign=reassign)
    click.echo(result.summary())


# ---- codes -------------------------------------------------------------------------


@main.group("codes", cls=MunbookGroup)
def codes_group() -> None:
    """Hand out access codes."""


@codes_group.command("slips")
@click.option("--school", help="Only this school's delegates (default: every school).")
@_public_url_option
def codes_slips(school: str | None, public_url: str | None) -> None:
    """Write printable code slips (PDF, one per delegate) under outputs/access/."""
    from .store import Store
    from .workflows import slips

    _use_public_url(public_url)
    click.echo(slips.write_slips(Store(), school).summary())


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
    from .workflows import generate

    _upgrade_store()
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
    from .core import committees
    from .workflows import batch

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
def collect_cmd(
    committee_name: str,
    source: Path | None,
    pattern: str,
    received_text: str | None,
    csv_out: Path | None,
) -> None:
    """Show who submitted, on time or late, and who is missing; ingest e-mailed PDFs."""
    from .core import committees
    from .core.printable import printable
    from .core.times import parse_local_time
    from .workflows import collect, ingest

    info = committees.load(committee_name)
    if received_text and not source:
        raise MunbookError("--received goes with --ingest (the time the mailed PDFs came)")
    received = parse_local_time(received_text, info.rules.timezone) if received_text else None
    _upgrade_store()
    if source:
        result = ingest.ingest(info.key, source, pattern, received=received)
        # Names come from outside: control characters would drive the terminal.
        for name, reason in result.refused:
            click.echo(f"refused: {printable(name)}: {printable(reason)}", err=True)
        for name, reason in result.warnings:
            click.echo(f"warning: {printable(name)}: {printable(reason)}", err=True)
        click.echo(f"ingested: {result.summary()}")
    from .store import Store

    rows = collect.collect(Store(), info.key)
    blind = info.rules.blind_grading
    for r in rows:
        when = f"{r.submitted_at:%Y-%m-%d %H:%M}Z" if r.submitted_at else "-"
        late = f" late {r.seconds_late // 60} min" if r.seconds_late else ""
        who = "" if blind else f"  {printable(r.delegate or '-')}"
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
        csv_out.write_text(collect.rows_csv(rows, blind), encoding="utf-8")
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

    path = review.write_grades(Store.open_for_admin(), committee_name, out)
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
    from .core import committees
    from .core.times import parse_local_time
    from .store import Store
    from .workflows import review

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
            (folder / f"{settings.slug(grade.country)}.pdf").write_bytes(
                review.feedback_pdf(store, grade.delegation_id)
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

    result = binder.build_binder(Store.open_for_admin(), committee_name, include_all, out)
    for country, why in result.left_out:
        click.echo(f"left out: {country}: {why}", err=True)
    click.echo(f"binder: {result.papers} papers, {result.pages} pages: {result.path}")


# ---- the store: schema, backups ----------------------------------------------------


@main.group("db", cls=MunbookGroup)
def db_group() -> None:
    """The store's schema (Alembic migrations)."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Make the store's tables, or migrate them to this munbook's revision."""
    from .store import migrate

    before = migrate.current()
    after = migrate.upgrade()
    if before.current == after.current:
        click.echo(f"store {after.url} already at revision {after.current}")
    else:
        click.echo(f"store {after.url}: revision {before.current or 'none'} -> {after.current}")


@db_group.command("current")
def db_current() -> None:
    """Show the store's revision and the one this munbook needs (exit 1 if they differ)."""
    from .store import migrate

    rev = migrate.current()
    state = "ready" if rev.ready else "needs `munbook db upgrade`"
    click.echo(
        f"store {rev.url}: revision {rev.current or 'none'} (this munbook: {rev.head}), {state}"
    )
    if not rev.ready:
        sys.exit(1)


@main.command("backup")
def backup_cmd() -> None:
    """Copy the store, while it is in use, into a private timestamped file under backups/."""
    from .store import backup

    made = backup.backup()
    click.echo(f"backup: {made.path} ({made.size:,} bytes, {made.seconds:.1f} s)")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_cmd(file: Path) -> None:
    """Restore a `munbook backup` FILE into the configured store, which must be empty."""
    from .store import backup

    rev = backup.restore(file)
    click.echo(f"restored {file} into {rev.url} (revision {rev.current})")


# ---- serve and demo --------------------------------------------------------------


def _serve(
    host: str, port: int, delegate: tuple[Path, str] | None = None, codes: dict | None = None
) -> None:
    from . import serve

    app = serve.make_app(host, port)
    base = f"http://{host}:{port}"
    apps = serve.install_apps()
    click.echo(f"Serving {settings.home()} with Voilà at {base}/  (Ctrl-C stops)")
    if delegate:
        click.echo(f"  delegate: {serve.url_for(base, delegate[0], delegate[1])}")
    else:
        click.echo(f"  delegates: {base}/voila/tree/workbooks  (each opens with its access code)")
    codes = codes or {}
    chair = codes.get("chair")
    click.echo(
        f"  chair:    {serve.url_for(base, apps['chair'])}" + (f"  (code {chair})" if chair else "")
    )
    click.echo(f"  advisor:  {serve.url_for(base, apps['advisor'])}")
    for line in _staff_code_lines(codes):
        click.echo(f"            {line}")
    click.echo(f"  links in new code files and slips start {settings.public_url()}")
    _stop_on_ctrl_c(app)
    app.start()


def _stop_on_ctrl_c(app) -> None:
    """Ctrl-C stops the server the first time, whatever its loop is busy with.

    Left to Python, Ctrl-C is a KeyboardInterrupt raised wherever the main thread
    happens to be (a request, a kernel message, a callback) and may be caught
    there; a signal handler that asks the loop to stop is always heard. Voilà
    then shuts its kernels down; a second Ctrl-C quits at once.
    """
    import os
    import signal

    pressed: list[int] = []

    def handler(signum, frame) -> None:
        loop = getattr(app, "ioloop", None)
        if pressed or loop is None:
            if loop is None:
                raise KeyboardInterrupt
            os._exit(130)
        pressed.append(signum)
        click.echo("\nStopping: closing the kernels (Ctrl-C again quits at once)", err=True)
        loop.asyncio_loop.call_soon_threadsafe(loop.stop)

    signal.signal(signal.SIGINT, handler)


def _staff_code_lines(codes: dict) -> list[str]:
    """The advisor app's demo codes: the secretariat's and one school's advisor's."""
    lines = []
    if codes.get("secretariat"):
        lines.append(f"secretariat code {codes['secretariat']} (the whole conference)")
    if codes.get("advisor"):
        lines.append(
            f"advisor code {codes['advisor']} (only {codes.get('school') or 'one school'})"
        )
    return lines


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@_public_url_option
def serve_cmd(host: str, port: int, public_url: str | None) -> None:
    """Serve the workbooks and the advisor and chair apps with Voilà."""
    _use_public_url(public_url)
    _upgrade_store()
    _serve(host, port)


@main.command("report")
@click.option("--committee", "committee_name", help="The committee (needed for a chair report).")
@click.option("--kind", type=click.Choice(["chair", "advisor"]), default="chair", show_default=True)
@click.option("--school", help="Advisor report: only this school's delegations.")
@click.option("--to", "to", type=click.Choice(["html", "pdf"]), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--notebook",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Run your own copy of the analysis notebook instead of the shipped one.",
)
def report_cmd(committee_name, kind, school, to, out, notebook) -> None:
    """Run an analysis notebook (Papermill) and convert it to HTML or PDF (nbconvert)."""
    from .workflows.report import run_report

    _upgrade_store()
    made = run_report(kind, committee_name, school, to, out, notebook)
    click.echo(f"report: {made.path}")
    click.echo(f"executed notebook: {made.notebook}")


@main.command("lab")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8888, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-root", is_flag=True, help="Run as root (Jupyter refuses it otherwise).")
def lab_cmd(host: str, port: int, allow_root: bool) -> None:
    """Start JupyterLab on munbook's folder for staff (prints the URL with its token)."""
    from . import lab

    _upgrade_store()
    launch = lab.prepare(host, port, allow_root=allow_root)
    click.echo(f"JupyterLab for staff on {launch.root} (Ctrl-C stops)")
    click.echo(f"  open: {launch.url}")
    click.echo(
        "  analysis notebooks: analysis/; staff apps: site/apps/; workbooks: site/workbooks/"
    )
    lab.run(launch)


@main.command("demo")
@click.option("--serve/--no-serve", "serve_after", default=True, help="Start serving when ready.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8866, show_default=True, type=click.IntRange(1, 65535))
@_public_url_option
def demo(serve_after: bool, host: str, port: int, public_url: str | None) -> None:
    """Load the INTERPOL demo (roster, workbooks, codes) and serve it."""
    from .workflows import demo as demo_module

    _use_public_url(public_url)
    _upgrade_store()
    made = demo_module.prepare()
    staff = {
        "chair": made.chair_code,
        "secretariat": made.secretariat_code,
        "advisor": made.advisor_code,
        "school": made.advisor_school,
    }
    click.echo(f"INTERPOL demo: workbooks {made.summary}")
    click.echo(f"store: {settings.db_url()}")
    click.echo(f"access codes (keep them private): {', '.join(str(p) for p in made.codes_files)}")
    click.echo(f"each school's codes only: {settings.access_dir() / 'schools'}/<school>/")
    if serve_after:
        _serve(
            host,
            port,
            (made.workbook, made.delegate_code),
            staff,
        )
    else:
        click.echo(f"delegate workbook: {made.workbook} (code {made.delegate_code})")
        click.echo(f"chair code {made.chair_code}")
        for line in _staff_code_lines(staff):
            click.echo(line)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
