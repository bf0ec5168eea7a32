"""The ``munbook`` command: thin click commands over the library functions.

The group is here; its commands are in one module per kind of work: ``setup``
(committees, countries, roster, generate), ``papers`` (export, collect,
grades, feedback, binder) and ``running`` (serve, report, lab, demo).

Each command imports what it uses when it runs, so ``munbook --version`` and
``--help`` start at once (nbformat, typst, SQLAlchemy and ipywidgets load only
in the commands that need them; tests/test_cli.py checks it).
"""

from __future__ import annotations

import click

from .. import __version__
from ..exceptions import MunbookError
from ..startup import defer_iri_checker

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


# Registering the commands on ``main`` (after it exists).
from . import papers, running, setup  # noqa: E402, F401
