"""Commands that set a conference up: committees, countries, roster, codes, generate."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .group import MunbookGroup, _public_url_option, _upgrade_store, _use_public_url, main

# ---- committees ----------------------------------------------------------------


@main.group("committees", cls=MunbookGroup)
def committees_group() -> None:
    """List and check committee files."""


@committees_group.command("list")
def committees_list() -> None:
    """List the committees munbook knows."""
    from zoneinfo import ZoneInfo

    from ..core import committees

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
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
def committees_check(files: tuple[Path, ...]) -> None:
    """Validate committee FILES (default: every one munbook knows), limits and lines.

    A file whose max_words cannot fit its max_pages at its font size is refused
    with the words that do fit. Each good file prints one line; exit code 2 if any is not.
    """
    from ..core import committees
    from ..exceptions import MunbookError
    from ..paper import fit

    refused = 0
    for file in files or committees.committee_files():
        try:
            committee = committees.check_file(file)
            fit.check_limits(committee, str(file))
        except MunbookError as exc:
            click.echo(f"Error: {exc}", err=True)
            refused += 1
            continue
        click.echo(f"{file}: OK ({committee.acronym}, {len(committee.topics)} topics)")
    if refused:
        sys.exit(2)


# ---- countries -----------------------------------------------------------------


@main.command("countries")
@click.option("--committee", "committee_name", help="Only countries the committee may seat.")
@click.option(
    "--member-of", "bloc", help="Only members of a bloc (un, interpol, eu, au, oecd, g20, ...)."
)
def countries_cmd(committee_name: str | None, bloc: str | None) -> None:
    """List countries (ISO code, name, region)."""
    from ..core import committees, countries

    found = list(countries.all_countries())
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
    from ..workflows import roster

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
    from ..store import Store
    from ..workflows import slips

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
    from ..workflows import generate

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
