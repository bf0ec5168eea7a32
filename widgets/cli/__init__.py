"""The ``munbook`` command: thin click commands over the library functions.

The group and the options several commands share are here; the commands are in
one module per kind of work: ``setup`` (committees, countries, roster, codes,
generate), ``papers`` (export, collect, grades, feedback, binder),
``database`` (db, backup, restore), ``staff`` (chairs and advisors) and ``running`` (serve, report, lab, demo).

Each command imports what it uses when it runs, so ``munbook --version`` and
``--help`` start at once (nbformat, typst, SQLAlchemy and ipywidgets load only
in the commands that need them; tests/test_startup.py checks it).
"""

from __future__ import annotations

from .startup import defer_iri_checker

defer_iri_checker()  # before anything imports nbformat

# Each module registers its commands on ``main``.
from . import database, hosts, papers, running, setup, staff  # noqa: E402, F401
from .group import MunbookGroup, main  # noqa: E402

__all__ = ["MunbookGroup", "main"]
