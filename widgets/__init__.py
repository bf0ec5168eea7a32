"""munbook: a Jupyter workbook for Model UN position papers.

The package is ``widgets``; each module does one job (see README.md).
"""

from __future__ import annotations

__all__ = ["__version__"]


def __getattr__(name: str) -> str:
    # Read on first use: importlib.metadata costs a start-up that a Typst worker never needs.
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("munbook")
    except PackageNotFoundError:  # running from a source tree without install
        found = "0.0.0+source"
    globals()["__version__"] = found
    return found
