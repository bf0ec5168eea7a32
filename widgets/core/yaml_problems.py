"""A committee file's problems in its author's words: the line, the field, what is wrong.

``read_mapping`` reads YAML text (or says where it is not YAML); ``described``
turns pydantic's validation errors into lines like
``line 40: topics[1].rules.max_words: must be a positive integer``.
"""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..exceptions import CommitteeError

FRIENDLY = {
    "missing": "is required",
    "extra_forbidden": "is not a known field (check the spelling)",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "string_type": "must be text",
    "list_type": "must be a list",
    "bool_parsing": "must be true or false",
    "datetime_from_date_parsing": "must be a date and time like 2027-02-26 23:59",
    "datetime_parsing": "must be a date and time like 2027-02-26 23:59",
    "datetime_type": "must be a date and time like 2027-02-26 23:59",
    "too_short": "must not be empty",
    "date_from_datetime_parsing": "must be a date like 2025-01-31",
    "date_parsing": "must be a date like 2025-01-31",
    "string_too_short": "must not be empty",
}


def read_mapping(text: str, source: str) -> dict[str, Any]:
    """The YAML's data (a mapping); else CommitteeError saying where it is not YAML."""
    try:
        # libyaml when present: ten times faster, the same safe loading
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise CommitteeError(source, [f"{where}not valid YAML: {problem}"]) from None
    if not isinstance(raw, dict):
        raise CommitteeError(source, ["the file must be a mapping of fields (name: value)"])
    return raw


def described(exc: ValidationError, text: str) -> list[str]:
    """One line per validation error: ``line N: field.path: what is wrong``."""
    tree = yaml.compose(text, Loader=yaml.SafeLoader)  # line numbers, only for the message
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not str(p).startswith("function-"))
        line = _line_of(tree, loc)
        prefix = f"line {line}: " if line else ""
        problems.append(f"{prefix}{_path(loc)}: {_message(error)}")
    return problems


def _message(error: ErrorDetails) -> str:
    kind = error["type"]
    ctx = error.get("ctx", {})
    if kind == "greater_than" and ctx.get("gt") == 0:
        return (
            "must be a positive integer"
            if isinstance(error.get("input"), int)
            else "must be positive"
        )
    if kind == "literal_error":
        return f"must be one of {ctx.get('expected')}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return FRIENDLY.get(kind, error["msg"].lower())


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line_of(node: yaml.Node | None, loc: tuple) -> int | None:
    """Line (1-based) of the YAML node at ``loc``, or of its nearest parent."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            node = node.value[part] if part < len(node.value) else None
        else:
            node = None
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
