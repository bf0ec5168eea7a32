"""The command line starts at once: heavy modules load only in the commands that use them."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("nbformat", "typst", "sqlalchemy", "ipywidgets", "pandas", "rfc3987_syntax")


def loaded_after(code: str) -> set[str]:
    """Top-level module names in sys.modules after running ``code`` in a fresh interpreter."""
    # A deferred stand-in (widgets.cli.startup) is not a load: leave it out.
    probe = code + (
        "\nimport sys; print(' '.join(sorted({n.split('.')[0] for n, m in sys.modules.items()"
        " if type(m).__name__ != '_Deferred'})))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["generate", "--help"]])
def test_version_and_help_import_nothing_heavy(args: list[str]):
    code = (
        "import sys\nfrom widgets.cli import main\n"
        f"try:\n    main({args!r}, standalone_mode=False)\nexcept SystemExit:\n    pass"
    )
    assert loaded_after(code).isdisjoint(HEAVY)


def test_the_probe_sees_a_heavy_import():
    # The check above could fail: importing the store's API does load SQLAlchemy.
    assert "sqlalchemy" in loaded_after("import widgets.store.api")


def test_iri_checker_is_deferred_not_dropped():
    code = (
        "import sys; assert 'rfc3987_syntax' not in sys.modules\n"
        "from widgets.cli.startup import defer_iri_checker  # widgets.cli defers it on import\n"
        "assert not defer_iri_checker()  # once is enough\n"
        "import nbformat, sys\n"
        "assert type(sys.modules['rfc3987_syntax']).__name__ == '_Deferred'\n"
        "from jsonschema import Draft7Validator, FormatChecker\n"
        "v = Draft7Validator({'format': 'iri'}, format_checker=FormatChecker())\n"
        "assert [e.message for e in v.iter_errors('http://a b')]\n"
        "assert not list(v.iter_errors('http://example.org/caf\\u00e9'))\n"
        "assert type(sys.modules['rfc3987_syntax']).__name__ == 'module'\n"
        "print('checked')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "checked"


def test_notebooks_are_still_validated(tmp_path):
    import nbformat

    from widgets.cli.startup import defer_iri_checker

    defer_iri_checker()
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{}]}')
    with pytest.raises(nbformat.ValidationError):
        nbformat.validate(nbformat.read(broken, as_version=4))


def test_the_typst_worker_and_the_exporter_load_no_store_or_committee_files():
    # The worker starts on every `jupyter nbconvert --to position_paper`: Typst and fonts only.
    worker = loaded_after("import widgets.paper.sandbox_worker, widgets.paper.fonts")
    assert worker.isdisjoint({"sqlalchemy", "pydantic", "yaml", "nbformat", "pandas"})
    assert "typst" in worker
    exporter = loaded_after("import widgets.paper.export")
    assert exporter.isdisjoint({"sqlalchemy", "pydantic", "yaml", "pandas", "pypdf"})


def test_version_is_still_known():
    out = subprocess.run(
        [sys.executable, "-c", "import widgets; print(widgets.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() and out.stdout.strip()[0].isdigit()


def test_home_is_resolved_once_per_value(tmp_path, monkeypatch):
    from widgets import settings

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    monkeypatch.setenv("MUNBOOK_HOME", str(tmp_path / "link"))
    assert settings.home() == real
    written = settings.write_private(tmp_path / "link" / "a" / "b.txt", "x")
    assert (real / "a" / "b.txt").read_text() == "x" and written.name == "b.txt"
    monkeypatch.setenv("MUNBOOK_HOME", str(tmp_path / "other"))  # a new value is seen at once
    assert settings.home() == tmp_path / "other"
    with pytest.raises(settings.MunbookError, match="refusing to write outside"):
        settings.ensure_dir(real / "c")  # the old home is outside the new one
