from pathlib import Path

import pytest

from widgets import settings
from widgets.exceptions import MunbookError


def test_home_moves_everything(home: Path):
    assert settings.home() == home.resolve()
    for path in (
        settings.access_dir(),
        settings.workbooks_dir("interpol"),
        settings.submissions_dir(),
        settings.binders_dir(),
    ):
        assert home.resolve() in path.parents
    assert settings.db_url() == f"sqlite:///{home.resolve() / 'munbook.sqlite'}"


def test_munbook_db_overrides_only_the_store(home: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MUNBOOK_DB", "sqlite:////tmp/elsewhere.sqlite")
    assert settings.db_url() == "sqlite:////tmp/elsewhere.sqlite"
    assert settings.home() == home.resolve()


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Côte d'Ivoire", "cote-d-ivoire"),
        ("../../etc/passwd", "etc-passwd"),
        ("", "unnamed"),
        ("日本", "unnamed"),
        ("a" * 500, "a" * 60),
        ("INTERPOL", "interpol"),
    ],
)
def test_slug_is_a_safe_file_name(text: str, expected: str):
    assert settings.slug(text) == expected


def test_inside_refuses_paths_outside_home(home: Path):
    assert settings.inside(home / "workbooks" / "x.ipynb")
    with pytest.raises(MunbookError, match="outside"):
        settings.inside(home / ".." / "escape.txt")


def test_shipped_resources_exist():
    assert settings.COUNTRIES_CSV.is_file()
    assert (settings.COMMITTEES_DIR / "interpol.yaml").is_file()
    assert settings.DEMO_ROSTER.is_file()
