"""One PDF from one of munbook's own Typst templates (binder cover and numbers, slips, feedback).

Which template is settings' choice (``settings.*_TEMPLATE``); its folder is the
compile's root, so it sees its own fonts and files and nothing else.
"""

from __future__ import annotations

from pathlib import Path

from .sandbox import compile_typst


def template_pdf(template: Path, inputs: dict[str, str], what: str) -> bytes:
    """Compile ``template`` with ``inputs`` (sys.inputs) in the sandbox; ``what`` names it in errors."""
    return compile_typst(template.parent, template.name, inputs, [("pdf", None)], what)[0]
