from datetime import UTC, datetime
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


def test_settings_is_the_one_import_point():
    # settings re-exports its private parts; every other module imports settings only.
    from test_layers import all_modules, imported

    private = {"widgets._home", "widgets._serving"}
    users = {
        module
        for module, path in all_modules()
        for _, target in imported(path)
        if target in private or target.rsplit(".", 1)[0] in private
    }
    assert users == {"widgets.settings"}
    for name in ("home", "write_private", "private_file", "public_url", "max_kernels"):
        assert callable(getattr(settings, name)), name


def test_file_names_are_decided_here(home: Path):
    at = datetime(2027, 3, 5, 9, 30, 1, 250, tzinfo=UTC)
    codes, merge = settings.code_files(settings.access_dir(), at, ["interpol", "interpol", ""])
    assert (codes.name, merge.name) == (
        "codes-interpol-2027-03-05-0930.csv",
        "mail-merge-interpol-2027-03-05-0930.csv",
    )
    one, _ = settings.code_files(settings.access_dir(), at, ["interpol"], "Côte d'Ivoire", n=1)
    assert one.name == "code-interpol-cote-d-ivoire-2027-03-05-0930-2.csv"
    assert settings.code_files(home, at)[0].name == "codes-staff-2027-03-05-0930.csv"
    many = settings.code_files(home, at, ["a", "b", "c", "d"])[0]
    assert many.name == "codes-4-committees-2027-03-05-0930.csv"
    assert settings.code_files_in(home / "nowhere") == []
    assert settings.submission_file("INTERPOL", "Côte d'Ivoire", at) == (
        home.resolve() / "submissions" / "interpol" / "cote-d-ivoire-20270305T093001000250Z.pdf"
    )
    assert settings.binder_file("interpol", at).name == "interpol-20270305T093001Z.pdf"
    assert settings.backup_file(at, 2, "dump").name == "munbook-20270305T093001Z-2.dump"
    assert settings.feedback_file("interpol", "Kenya").parts[-2:] == ("interpol", "kenya.pdf")
    assert settings.xlsx_file(Path("table.csv")).name == "table.xlsx"
    for path in (codes, settings.grades_file("interpol"), settings.font_coverage_file("ab")):
        assert home.resolve() in path.parents
    for template in (settings.BINDER_COVER_TEMPLATE, settings.SLIPS_TEMPLATE):
        assert template.is_file()
    assert settings.analysis_notebook("chair").is_file()


def test_code_files_sort_by_their_time_older_names_too(home: Path):
    folder = settings.ensure_dir(settings.access_dir())
    names = [
        "codes-20270305T092959000001Z.csv",  # named before committees were in the name
        "codes-unodc-2027-03-05-0930.csv",
        "code-interpol-kenya-2027-03-05-0930-2.csv",
        "codes-interpol-2027-03-05-0931.csv",
    ]
    for name in reversed(names):
        (folder / name).write_text("role\n")
    (folder / "mail-merge-unodc-2027-03-05-0930.csv").write_text("name\n")
    assert [p.name for p in settings.code_files_in(folder)] == names
    assert settings.code_stamp_taken(folder, datetime(2027, 3, 5, 9, 30, tzinfo=UTC), 1)
    assert not settings.code_stamp_taken(folder, datetime(2027, 3, 5, 9, 30, tzinfo=UTC), 2)
