"""``munbook staff``: chairs and advisors as people, each with their own access code."""

from __future__ import annotations

import click

from .group import MunbookGroup, _upgrade_store, main


@main.group("staff", cls=MunbookGroup)
def staff_group() -> None:
    """Add, list and revoke chairs and advisors (each has their own code)."""


@staff_group.command("add")
@click.option("--role", type=click.Choice(["chair", "advisor"]), required=True)
@click.option("--name", required=True, help="The person's name (at most 80 characters).")
@click.option("--committee", "committee_name", help="A chair's committee, e.g. interpol.")
@click.option("--school", help="An advisor's school, as the roster spells it.")
def staff_add(role: str, name: str, committee_name: str | None, school: str | None) -> None:
    """Add a chair or an advisor and print their new access code (shown only this once)."""
    from ..store import Store
    from ..workflows import staff

    _upgrade_store()
    member, code = staff.add(Store(), role, name, committee_name, school)
    click.echo(staff.describe(member))
    click.echo(f"access code: {code}  (shown only now: hand it to {member.name})")


@staff_group.command("list")
@click.option("--committee", "committee_name", help="Only this committee's chairs.")
def staff_list(committee_name: str | None) -> None:
    """List every chair and advisor, revoked ones included (codes are never shown)."""
    from ..store import Store
    from ..workflows import staff

    _upgrade_store()
    found = staff.members(Store(), committee_name)
    for member in found:
        click.echo(staff.describe(member))
    click.echo(f"{len(found)} staff member(s)", err=True)


@staff_group.command("revoke")
@click.argument("staff_id", type=int)
def staff_revoke(staff_id: int) -> None:
    """Stop a staff member's code from working (their scores and comments stay)."""
    from ..store import Store
    from ..workflows import staff

    _upgrade_store()
    member = Store().revoke_staff(staff_id)
    click.echo(f"revoked: {staff.describe(member)}")
