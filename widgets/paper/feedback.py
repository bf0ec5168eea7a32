"""The feedback PDF of one paper: rubric points per category, total, comments (Typst)."""

from __future__ import annotations

import json
from typing import Any

from .. import settings
from ..exceptions import MunbookError
from . import fonts
from .templates import template_pdf


def render_feedback(data: dict[str, Any]) -> bytes:
    """The PDF for ``data`` (country, committee, rows, total, comments)."""
    for comment in data["comments"]:
        missing = fonts.missing(comment["text"])
        if missing:
            raise MunbookError(
                f"a comment contains {missing[0]!r}, which no installed font can print"
            )
    inputs = {"feedback": json.dumps(data, ensure_ascii=False)}
    return template_pdf(settings.FEEDBACK_TEMPLATE, inputs, "the feedback")
