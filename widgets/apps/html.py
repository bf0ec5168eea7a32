"""HTML pieces every app page shares: the table style, status colours, download links."""

from __future__ import annotations

import base64
from html import escape

TABLE_STYLE = """<style>
.mb-table{border-collapse:collapse;font-family:system-ui,sans-serif;font-size:13px}
.mb-table th,.mb-table td{border-bottom:1px solid #dde3ea;padding:4px 10px;text-align:left}
.mb-table th{background:#f1f4f8}.mb-ok{color:#1a7f37}.mb-bad{color:#b42318}
.widget-html a,.widget-html a:visited{color:#0b57d0;text-decoration:underline}
</style>"""
STATUS_CLASS = {"submitted": "mb-ok", "late": "mb-bad", "overdue": "mb-bad"}


def download_link(path, label: str, mime: str = "text/csv") -> str:
    """An <a download> link carrying the file's bytes (for small files such as code lists)."""
    data = base64.b64encode(path.read_bytes()).decode()
    return (
        f"<a download='{escape(path.name)}' href='data:{mime};base64,{data}' "
        f"style='margin-right:1em'>{escape(label)}</a>"
    )
