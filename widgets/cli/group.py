"""The ``munbook`` group, its error handling and the options several commands share."""

from __future__ import annotations

import click

from .. import settings
from ..exceptions import MunbookError


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


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """``--version``: the version is looked up only when asked (importlib.metadata costs a start)."""
    if value and not ctx.resilient_parsing:
        from .. import __version__

        click.echo(f"munbook, version {__version__}")
        ctx.exit()


@click.group(cls=MunbookGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def main() -> None:
    """munbook: Model UN position papers, from research to binder."""


def _upgrade_store() -> None:
    """Make or migrate the schema once, here, so no delegate's kernel ever runs DDL."""
    from ..store import fresh

    fresh.ensure_ready()  # Alembic loads only for a store that needs migrating


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
