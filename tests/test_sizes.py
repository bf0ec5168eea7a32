"""Small modules with one job: no module under widgets/ over 300 lines, no function over 50.

Lines are counted as the file has them (docstrings and comments included);
a function runs from its ``def`` (decorators not counted) to its last line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent
MODULE_LINES = 300
FUNCTION_LINES = 50
# Alembic's scripts record schemas already out there: they are history, never edited.
HISTORY = ("store/migrations/versions/",)


def checked() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if not path.relative_to(PACKAGE).as_posix().startswith(HISTORY)
    ]


def oversized(path: Path, module_lines: int, function_lines: int) -> list[str]:
    """Why ``path`` is too big: the module, then each function over the limit."""
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(PACKAGE).as_posix() if PACKAGE in path.parents else path.name
    found = []
    if len(text.splitlines()) > module_lines:
        found.append(f"{name}: {len(text.splitlines())} lines (at most {module_lines})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            length = node.end_lineno - node.lineno + 1
            if length > function_lines:
                found.append(f"{name}:{node.lineno} {node.name}() is {length} lines")
    return found


def test_modules_and_functions_stay_small():
    problems = [p for path in checked() for p in oversized(path, MODULE_LINES, FUNCTION_LINES)]
    assert problems == []


def test_the_exceptions_are_only_those_named():
    skipped = {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")} - {
        p.relative_to(PACKAGE).as_posix() for p in checked()
    }
    for name in skipped:
        assert name.startswith(HISTORY), name
    assert "settings.py" not in skipped and "store/api.py" not in skipped


def probe(tmp_path: Path, module_lines: int, function_lines: int) -> Path:
    """A module of ``module_lines`` lines holding one function of ``function_lines``."""
    function = "def f():\n" + "    x = 1\n" * (function_lines - 1)
    path = tmp_path / "probe.py"
    path.write_text(function + "\n" * (module_lines - function_lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("module_lines", "function_lines", "expected"),
    [(300, 50, 0), (301, 50, 1), (300, 51, 1), (301, 51, 2)],
)
def test_the_check_catches_one_line_past_the_limit(
    tmp_path: Path, module_lines: int, function_lines: int, expected: int
):
    path = probe(tmp_path, module_lines, function_lines)
    assert len(oversized(path, MODULE_LINES, FUNCTION_LINES)) == expected
