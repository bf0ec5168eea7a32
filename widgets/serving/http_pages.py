"""What ``munbook serve`` says without Voilà: plain pages and access log lines."""

from __future__ import annotations

import logging
from html import escape

access_log = logging.getLogger("munbook.access")


def redacted_log(handler) -> None:
    """Tornado's access log line, without the query string (codes travel there)."""
    status = handler.get_status()
    level = logging.INFO if status < 400 else logging.WARNING
    request = handler.request
    access_log.log(
        level,
        "%d %s %s %.0fms",
        status,
        request.method,
        request.path,
        1000 * request.request_time(),
    )


def plain_page(title: str, text: str) -> str:
    """A small readable HTML page (busy, not found, the landing page)."""
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title></head>"
        "<body style='font-family:system-ui,sans-serif;max-width:36em;margin:12vh auto;"
        "padding:0 1em;color:#1f2933;line-height:1.5'>"
        f"<h1 style='font-family:Georgia,serif;font-weight:600'>{escape(title)}</h1>"
        f"<p>{escape(text)}</p></body></html>"
    )
