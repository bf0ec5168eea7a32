"""The layers of widgets/ import one way only: apps -> workflows -> store / paper -> core.

Every ``import`` in every module (module level or inside a function) is read
with ``ast``; an import that points up, or sideways between store and paper,
or from one app page into another, fails this test.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import widgets

PACKAGE = Path(widgets.__file__).parent
# Lower ranks may be imported by higher ones; equal ranks only within one layer.
RANK = {"base": 0, "core": 1, "store": 2, "paper": 2, "workflows": 3, "apps": 4, "top": 5}
# _home and _serving are parts of settings (re-exported by it): the bottom layer too.
BASE = {"settings", "exceptions", "__init__", "_home", "_serving"}
PAGES = {"workbook", "advisor", "chair"}  # app pages never import each other
# Alembic's scripts, loaded by path (never imported): part of the store layer, however deep.
MIGRATIONS = "widgets.store.migrations."


def layer_of(module: str) -> str:
    """``widgets.core.countries`` -> ``core``; ``widgets.cli`` -> ``top``."""
    parts = module.split(".")[1:]
    if not parts or parts[0] in BASE:
        return "base"
    return parts[0] if parts[0] in RANK else "top"  # cli/ (a package), serve, lab, startup


def imported(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module) of every widgets import in ``path``."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    package = list(relative.parts[:-1])
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join([*base, node.module] if node.module else base)
            else:
                stem = node.module or ""
            if not stem.startswith("widgets"):
                continue
            if stem in {"widgets", *(f"widgets.{layer}" for layer in RANK)}:
                found += [(node.lineno, f"{stem}.{alias.name}") for alias in node.names]
            else:
                found.append((node.lineno, stem))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("widgets")]
    return found


def violations(module: str, imports: list[tuple[int, str]]) -> list[str]:
    """Why each of ``module``'s imports breaks the direction, if it does."""
    mine = layer_of(module)
    problems = []
    for line, target in imports:
        theirs = layer_of(target)
        if theirs == "base" or target == module:
            continue
        upward = RANK[theirs] > RANK[mine]
        sideways = RANK[theirs] == RANK[mine] and theirs != mine
        page_to_page = (
            mine == theirs == "apps"
            and module.rsplit(".", 1)[-1] in PAGES
            and target.split(".")[2] in PAGES
        )
        if upward or sideways or page_to_page:
            problems.append(f"{module}:{line} imports {target} ({mine} -> {theirs})")
    return problems


def all_modules() -> list[tuple[str, Path]]:
    return [
        (".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts), p)
        for p in sorted(PACKAGE.rglob("*.py"))
    ]


def test_every_module_is_in_a_layer():
    for module, _ in all_modules():
        parts = module.split(".")
        if module.startswith(MIGRATIONS):
            continue
        assert len(parts) <= 3, f"{module} is nested deeper than one layer"
        if len(parts) == 3:
            assert parts[1] in {*RANK, "cli"}, f"{module} is in an unknown layer"


def test_imports_run_one_way():
    problems = [p for module, path in all_modules() for p in violations(module, imported(path))]
    assert problems == []


@pytest.mark.parametrize(
    ("module", "target"),
    [
        ("widgets.core.countries", "widgets.store.api"),  # core reaching up
        ("widgets.store.api", "widgets.paper.export"),  # sideways between siblings
        ("widgets.paper.export", "widgets.workflows.submit"),  # paper reaching up
        ("widgets.workflows.collect", "widgets.apps.chair"),  # a workflow using an app
        ("widgets.apps.chair", "widgets.apps.advisor"),  # one page importing another
        ("widgets.workflows.report", "widgets.cli.papers"),  # a workflow using the CLI
    ],
)
def test_the_check_catches_an_upward_import(module: str, target: str):
    assert violations(module, [(1, target)]), f"{module} -> {target} should be refused"


def test_relative_imports_are_resolved(tmp_path: Path):
    # The checker must see through ``from ..apps import chair`` as well as absolute names.
    probe = PACKAGE / "core" / "_probe_layers.py"
    probe.write_text("from ..apps import chair\nfrom . import words\n", encoding="utf-8")
    try:
        found = imported(probe)
    finally:
        probe.unlink()
    assert (1, "widgets.apps.chair") in found and (2, "widgets.core.words") in found
    assert violations("widgets.core._probe_layers", found)
