"""munbook: a Jupyter workbook for Model UN position papers.

The package is ``widgets``; each module does one job (see README.md).
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("munbook")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+source"

__all__ = ["__version__"]
