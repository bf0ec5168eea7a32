"""A small "Help" link on each app page, to its person's guide in the built docs.

``munbook serve`` shows the built docs (``make docs``) read-only at
``settings.DOCS_ROUTE``, so the guides work at a venue without internet. Where
they are not built, the line says how to build them instead of linking to a 404.
"""

from __future__ import annotations

from html import escape

from .. import settings

# Each person's guide: docs/guides/<page>.md, and the words the link shows.
GUIDES = {
    "delegates": "the delegate's guide",
    "advisors": "the advisor's guide",
    "secretariat": "the secretariat's guide",
    "chairs": "the chair's guide",
}


def help_url(guide: str) -> str:
    """The guide's address on this server (a path: the page and the guides share a host)."""
    if guide not in GUIDES:
        raise KeyError(f"no guide {guide!r}; the guides are {', '.join(GUIDES)}")
    return f"/{settings.DOCS_ROUTE}/guides/{guide}.html"


def help_html(guide: str) -> str:
    """The help line: a link when the docs are built, how to build them when not."""
    url = help_url(guide)
    if not (settings.docs_dir() / "index.html").is_file():
        return (
            "<p class='mb-help mb-quiet'>Help: the guides are not built on this server "
            "(whoever runs munbook builds them with <code>make docs</code>).</p>"
        )
    # A new tab: the page and its kernel stay open while the person reads.
    return (
        f"<p class='mb-help'><a href='{escape(url)}' target='_blank' rel='noopener'>"
        f"Help: {escape(GUIDES[guide])}</a></p>"
    )


def help_link(guide: str):
    """An HTML widget with ``help_html(guide)``."""
    import ipywidgets as w

    return w.HTML(help_html(guide))
