"""Sphinx configuration: munbook's docs, MyST pages, the PyData theme (`make docs`)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))
sys.path.insert(0, str(HERE.parent))

from widgets import __version__  # noqa: E402

project = "munbook"
version = release = __version__
extensions = ["myst_parser", "sphinx_click", "munbook_reference"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "_ext"]
myst_heading_anchors = 3
myst_enable_extensions = ["colon_fence"]
nitpicky = True  # every reference must resolve (make docs adds -W: warnings are errors)
suppress_warnings = []

html_theme = "pydata_sphinx_theme"
html_title = "munbook"
html_show_sourcelink = False
html_copy_source = False
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": [],
    "secondary_sidebar_items": ["page-toc"],
}
html_sidebars = {"**": ["sidebar-nav-bs"]}
html_last_updated_fmt = None
copyright = "munbook contributors"
