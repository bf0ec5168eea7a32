"""The feedback PDF of one paper: rubric points per category, total, comments (Typst)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import typst

from .. import settings
from ..exceptions import MunbookError
from . import fonts


@cache
def _compiler() -> typst.Compiler:
    folder = settings.TEMPLATES_DIR / "feedback"
    return typst.Compiler(folder / "feedback.typ", root=folder, font_paths=fonts.fonts())


def render_feedback(data: dict[str, Any]) -> bytes:
    """The PDF for ``data`` (country, committee, rows, total, comments)."""
    for comment in data["comments"]:
        missing = fonts.missing(comment["text"])
        if missing:
            raise MunbookError(
                f"a comment contains {missing[0]!r}, which no installed font can print"
            )
    return _compiler().compile(
        format="pdf", sys_inputs={"feedback": json.dumps(data, ensure_ascii=False)}
    )
