"""Fast start for the command line: defer jsonschema's IRI checker until it is used.

jsonschema (imported by nbformat) imports ``rfc3987_syntax`` whenever it is
installed (jupyter-events asks for it) to check the ``iri`` string formats, and
that module builds a grammar at import: about 1 s, half of a command's start.
Notebook validation stays on; nbformat's notebook schema has no ``iri``
format, so munbook's commands never call the checker. The stand-in loads the
real module the first time anything uses it, so a schema that does ask for
``iri`` is still checked in full.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from typing import Any

IRI_CHECKER = "rfc3987_syntax"


def _real() -> types.ModuleType:
    """Replace the stand-in with the real module (imported now) and return it."""
    if isinstance(sys.modules.get(IRI_CHECKER), _Deferred):
        del sys.modules[IRI_CHECKER]
    return importlib.import_module(IRI_CHECKER)


class _Deferred(types.ModuleType):
    """Stands in for the module; any use loads the real one."""

    is_valid_syntax: Callable[..., Any]  # set on the instance: jsonschema imports the name

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system probes __path__ & co.: not a use
            raise AttributeError(name)
        return getattr(_real(), name)


def _is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    return _real().is_valid_syntax(*args, **kwargs)


def defer_iri_checker() -> bool:
    """Install the stand-in unless the module is loaded already or absent; True if installed."""
    if IRI_CHECKER in sys.modules or importlib.util.find_spec(IRI_CHECKER) is None:
        return False
    stand_in = _Deferred(IRI_CHECKER)
    # jsonschema does ``from rfc3987_syntax import is_valid_syntax``: that name must
    # exist without loading anything.
    stand_in.is_valid_syntax = _is_valid_syntax
    sys.modules[IRI_CHECKER] = stand_in
    return True
