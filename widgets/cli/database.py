"""Commands for the store itself: the schema (db upgrade, db current), backup, restore."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .group import MunbookGroup, main

# ---- the store: schema, backups ----------------------------------------------------


@main.group("db", cls=MunbookGroup)
def db_group() -> None:
    """The store's schema (Alembic migrations)."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Make the store's tables, or migrate them to this munbook's revision."""
    from ..store import migrate

    before = migrate.current()
    after = migrate.upgrade()
    if before.current == after.current:
        click.echo(f"store {after.url} already at revision {after.current}")
    else:
        click.echo(f"store {after.url}: revision {before.current or 'none'} -> {after.current}")


@db_group.command("current")
def db_current() -> None:
    """Show the store's revision and the one this munbook needs (exit 1 if they differ)."""
    from ..store import migrate

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
    from ..store import backup

    made = backup.backup()
    click.echo(f"backup: {made.path} ({made.size:,} bytes, {made.seconds:.1f} s)")


@main.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def restore_cmd(file: Path) -> None:
    """Restore a `munbook backup` FILE into the configured store, which must be empty."""
    from ..store import backup

    rev = backup.restore(file)
    click.echo(f"restored {file} into {rev.url} (revision {rev.current})")
