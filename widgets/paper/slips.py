"""The code slips PDF: one cut-out slip per delegate (name, school, code, link, QR code).

Everything reaches Typst as data (``sys_inputs`` JSON), compiled in the sandbox
like every other PDF. The QR code is an SVG made by segno when it is installed
(without it the slips have no QR code, everything else stays).
"""

from __future__ import annotations

import io
import json
from typing import Any

from .. import settings
from ..exceptions import MunbookError
from . import fonts
from .templates import template_pdf

MAX_SLIPS = 1000  # per PDF: a large conference prints one school (or a few) at a time
PRINTED = ("delegate", "school", "country", "committee", "code", "link")


def qr_svg(link: str) -> str | None:
    """The link as a QR code (SVG text), or None when segno is not installed."""
    try:
        import segno
    except ImportError:  # pragma: no cover - segno is a dependency; the slips still print
        return None
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(out, kind="svg", scale=4, border=2, xmldecl=False)
    return out.getvalue().decode()


def _check_printable(slip: dict[str, str]) -> None:
    for field in PRINTED:
        missing = fonts.missing(slip[field])
        if missing:
            raise MunbookError(
                f"the {field} of {slip['country']} ({slip['committee']}) contains "
                f"{missing[0]!r} (U+{ord(missing[0]):04X}), which no installed font can print; "
                "correct it in the roster or install a font that has it"
            )


def render_slips(slips: list[dict[str, str]], title: str, conference: str = "munbook") -> bytes:
    """The PDF of ``slips`` (dicts with the fields of PRINTED), at most MAX_SLIPS."""
    if not slips:
        raise MunbookError("no delegates to print slips for")
    if len(slips) > MAX_SLIPS:
        raise MunbookError(
            f"{len(slips)} slips in one PDF (at most {MAX_SLIPS}); print one school at a time"
        )
    for slip in slips:
        _check_printable(slip)
    data: dict[str, Any] = {
        "title": title,
        "conference": conference,
        "slips": [{**{k: slip[k] for k in PRINTED}, "qr": qr_svg(slip["link"])} for slip in slips],
    }
    inputs = {"slips": json.dumps(data, ensure_ascii=False)}
    return template_pdf(settings.SLIPS_TEMPLATE, inputs, "the code slips")
