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


def test_the_readme_lists_every_patch():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    missing = [p.target for p in upstream.PATCHES if f"`{p.target}`" not in readme]
    assert missing == [], "README.md, 'Upstream names munbook patches', lacks these"
