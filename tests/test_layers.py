"""The rooms of widgets/ import one way only:
cli -> serving -> apps -> workflows -> store / paper -> core / kernel -> base.

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
# Every room by name: a module anywhere else fails test_every_module_is_in_a_layer.
RANK = {
    "base": 0,
    "core": 1,
    "kernel": 1,  # what runs inside a served kernel, beside core: imports neither it nor apps
    "store": 2,
    "paper": 2,
    "workflows": 3,
    "apps": 4,
    "serving": 5,
    "cli": 6,
}
# _home and _serving are parts of settings (re-exported by it): the bottom layer too.
BASE = {"settings", "exceptions", "__init__", "_home", "_serving", "upstream"}  # upstream: a table
PAGES = {"workbook", "advisor", "chair"}  # app pages never import each other
# Alembic's scripts, loaded by path (never imported): part of the store layer, however deep.
MIGRATIONS = "widgets.store.migrations."


def layer_of(module: str) -> str:
    """``widgets.core.countries`` -> ``core``; a module in no room -> ``unknown``."""
    parts = module.split(".")[1:]
    if not parts or parts[0] in BASE:
        return "base"
    return parts[0] if parts[0] in RANK else "unknown"


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
    for line, name in imports:
        target = resolve(name)
        theirs = layer_of(target)
        if theirs == "base" or target == module:
            continue
        if "unknown" in (mine, theirs):
            problems.append(f"{module}:{line} imports {target}: a module in no room")
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
        assert len(parts) <= 3, f"{module} is nested deeper than one room"
        assert layer_of(module) != "unknown", f"{module} is in no room (add it to one of {RANK})"
        if len(parts) == 2:
            assert parts[1] in BASE or parts[1] in RANK, f"{module} lies loose in widgets/"


def test_a_module_in_no_room_is_refused():
    assert layer_of("widgets.serve") == "unknown"
    assert violations("widgets.serving.serve", [(1, "widgets.newroom.thing")])


def resolve(target: str) -> str:
    """``widgets.store.Delegation`` -> ``widgets.store`` (the module that holds the name)."""
    parent = target.rsplit(".", 1)[0]
    return parent if not module_path(target) and module_path(parent) else target


def module_path(module: str) -> Path | None:
    base = PACKAGE.parent.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def circles() -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan)."""
    graph = {
        module.removesuffix(".__init__"): {resolve(t) for _, t in imported(path)} - {module}
        for module, path in all_modules()
        if not module.startswith(MIGRATIONS)
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                item = stack.pop()
                group.append(item)
                if item == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_import_circles():
    # Imports inside functions and under TYPE_CHECKING count: a circle is a circle.
    assert circles() == []


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
        ("widgets.kernel.launcher", "widgets.apps.workbook"),  # the kernel using the UI
        ("widgets.kernel.priority", "widgets.core.words"),  # kernel and core side by side
        ("widgets.apps.entry", "widgets.serving.serve"),  # a page using the server
        ("widgets.serving.serve", "widgets.cli.running"),  # the server using the CLI
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
