"""What ``munbook serve`` says without Voilà: plain pages and access log lines."""

from __future__ import annotations

import ipaddress
import logging
import re
from html import escape
from pathlib import Path

from tornado import web

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


# What every answer of munbook serve carries. Codes travel in URLs: no Referer takes them
# to another site. The pages load scripts, styles, fonts and images from this server
# only (Voilà's page has inline scripts and styles; widgets' images are data: URLs).
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
}
CODE = re.compile(r"(?i)\b(code(?:=|%3D))[^&\s\"'#]*")


def redact(text: str) -> str:
    """``text`` with every ``code=`` value replaced (URLs, query strings, form bodies)."""
    return CODE.sub(r"\1[redacted]", text)


class RedactCodes(logging.Filter):
    """A handler's filter for tracebacks: formatted, then every code in them redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


REDACT = RedactCodes()


def redact_logs() -> None:
    """Every log record munbook serve makes (Tornado's, Jupyter's, Voilà's, ours) is made
    with its codes redacted, whichever handler prints it (Python's last resort included),
    and every handler redacts tracebacks."""
    make = logging.getLogRecordFactory()
    if getattr(make, "redacts", False):
        return

    def redacted(*args, **kwargs) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: logging reports it when the line is printed
            return record
        if "code" in message.lower():
            record.msg, record.args = redact(message), None
        return record

    redacted.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(redacted)
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    handlers = [logging.lastResort, *(h for lg in loggers for h in getattr(lg, "handlers", ()))]
    for handler in handlers:
        if handler is not None and REDACT not in handler.filters:
            handler.addFilter(REDACT)


def client_address(request) -> str:
    """The address a request came from. From a proxy on this machine (HAProxy of serve
    --workers, or nginx/Caddy in front for TLS), the last ``X-Forwarded-For`` entry that
    is not loopback: the one the outermost proxy appended, whatever a browser sent."""
    peer = request.remote_ip or ""
    if not _is_loopback(peer):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    outside = [h for h in hops if h and not _is_loopback(h)]
    return outside[-1][:64] if outside else peer


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


class SecureHeaders(web.RequestHandler):
    """Mixin: ``SECURITY_HEADERS`` on every answer, errors included (Tornado's own handlers,
    which jupyter_server's ``headers`` setting does not reach)."""

    def set_default_headers(self) -> None:
        super().set_default_headers()
        for name, value in SECURITY_HEADERS.items():
            self.set_header(name, value)


def secured(handler: type[web.RequestHandler]) -> type[web.RequestHandler]:
    """``handler`` with ``SecureHeaders``."""
    return type(handler.__name__, (SecureHeaders, handler), {})


class LocalAsset(SecureHeaders, web.StaticFileHandler):
    """A file of a shipped asset (Font Awesome)."""


NOT_BUILT = (
    "The guides are not built on this server. Whoever runs munbook builds them once with "
    "`make docs` (in munbook's folder) and they appear here, no restart needed."
)


class DocsPage(LocalAsset):
    """The built documentation, read-only; a page saying how to build it when it is not."""

    async def get(self, path: str, include_body: bool = True) -> None:
        if not (self.root and (Path(self.root) / "index.html").is_file()):
            self.set_status(404)
            self.finish(plain_page("munbook · help", NOT_BUILT))
            return
        await super().get(path, include_body)
