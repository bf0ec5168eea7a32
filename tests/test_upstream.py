"""Each name munbook patches in the Jupyter stack still has the shape munbook relies on.

One test per row of ``widgets.upstream.PATCHES``: after an upgrade, a failure names the
patch, the munbook module that makes it and why, so the fix starts in the right place.
"""

from __future__ import annotations

import pytest

from widgets import upstream


@pytest.mark.parametrize("patch", upstream.PATCHES, ids=lambda p: p.target)
def test_upstream_keeps_the_shape_munbook_patches(patch: upstream.Patch):
    assert upstream.problems(patch) == []


def test_a_changed_upstream_is_named():
    gone = upstream.Patch("zipfile:_NoSuchThing", "called", "workflows.x", "a reason")
    (problem,) = upstream.problems(gone)
    assert "zipfile:_NoSuchThing" in problem and "workflows.x" in problem
    shrunk = upstream.Patch("zipfile:ZipFile", "read", "workflows.x", "why", ("no_such",))
    assert upstream.problems(shrunk) == ["zipfile:ZipFile.no_such (workflows.x: why) is gone"]


def test_every_patch_names_a_munbook_module_that_exists():
    import importlib

    for patch in upstream.PATCHES:
        importlib.import_module(f"widgets.{patch.where}")


def test_a_replacement_the_table_does_not_list_is_refused():
    with pytest.raises(upstream.UnlistedPatch, match=r"zipfile:ZipFile.*PATCHES"):
        upstream.replace("zipfile:ZipFile", object())
    with pytest.raises(upstream.UnlistedPatch, match="on="):
        upstream.replace("comm.base_comm:CommManager.comm_open", object())


def test_replaced_puts_the_name_back():
    import comm

    stock = comm.create_comm
    with upstream.replaced("comm:create_comm", len) as old:
        assert comm.create_comm is len and old is stock
    assert comm.create_comm is stock
    handlers = {"comm_open": stock}
    with upstream.replaced("comm.base_comm:CommManager.comm_open", len, on=handlers):
        assert handlers["comm_open"] is len
    assert handlers["comm_open"] is stock


def _assigned_upstream_names(path) -> list[str]:
    """``module.name = ...`` or ``setattr(module, ...)`` on a module imported from outside munbook."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {a.asname or a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules |= {a.asname or a.name for a in node.names if node.module[:7] != "widgets"}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            owners = [t.value for t in node.targets if isinstance(t, ast.Attribute)]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "setattr":
            owners = node.args[:1]
        else:
            continue
        if any(isinstance(o, ast.Name) and o.id in modules for o in owners):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_only_upstream_py_replaces_upstream_names():
    from pathlib import Path

    package = Path(upstream.__file__).parent
    found = [
        where
        for path in sorted(package.rglob("*.py"))
        if path.name != "upstream.py"
        for where in _assigned_upstream_names(path)
    ]
    assert found == [], "replace these through widgets.upstream.replace (a row of PATCHES)"
