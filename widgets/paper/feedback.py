"""The feedback PDF of one paper: rubric points per category, total, comments (Typst).

``data`` keys: country, committee, committee_name, rows (name, weight, score
and, optionally, weighted: the category's share of the total), total and
comments ({"text"}: whole-paper comments without a number). Optional: chairs
(how many scored), lang, and notes: ``core.feedback_notes.build(sections,
comments)``, the paper with numbered notes beside the passages they quote.
"""

from __future__ import annotations

import json
from typing import Any

from .. import settings
from ..core import feedback_notes
from ..exceptions import MunbookError
from . import fonts, sandbox, sandbox_worker
from .templates import template_pdf

# Typst keeps what it laid out for its last compiles (about 200 bytes a printed
# character, some ten compiles back). Past this many characters of data, a
# feedback PDF gets its worker replaced afterwards, so a run of the largest
# (200 notes of 2,000 characters: about 85 MB each) never fills the 1 GB cap.
FRESH_WORKER_AFTER = 100_000


def _printable(where: str, text: str) -> None:
    missing = fonts.missing(text)
    if missing:
        raise MunbookError(f"{where} contains {missing[0]!r}, which no installed font can print")


def render_feedback(data: dict[str, Any]) -> bytes:
    """The PDF for ``data`` (see the module's docstring)."""
    for comment in data["comments"]:
        _printable("a comment", comment["text"])
    if data.get("notes") is not None:
        for where, text in feedback_notes.strings(data["notes"]):
            _printable(where, text)
    inputs = {"feedback": json.dumps(data, ensure_ascii=False)}
    pdf = template_pdf(settings.FEEDBACK_TEMPLATE, inputs, "the feedback")
    if len(inputs["feedback"]) > FRESH_WORKER_AFTER and not sandbox_worker.IN_WORKER:
        box = sandbox.default()
        box.stop()
        box.start(wait=False)  # ready again while the caller goes on
    return pdf


def weighted_row(name: str, weight: float, points: float, max_points: float) -> dict[str, str]:
    """A score-table row that shows its arithmetic: 12 / 15 points × 15 % = 12."""
    share = weight * points / max_points if max_points else 0.0
    return {
        "name": name,
        "weight": f"{weight:g} %",
        "score": f"{points:g} / {max_points:g}",
        "weighted": f"{round(share, 2):g}",
    }
