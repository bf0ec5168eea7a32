import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets import __version__
from widgets.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="munbook", catch_exceptions=False)


def every_command(group=main, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from every_command(command, (*prefix, name))


@pytest.mark.parametrize("command", [(), *every_command()], ids=lambda c: " ".join(c) or "munbook")
def test_help_on_every_command(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage: munbook" in result.output


def test_version():
    assert run("--version").output.strip() == f"munbook, version {__version__}"


def test_committees_list_and_check(files: Path):
    listed = run("committees", "list")
    assert listed.exit_code == 0 and "INTERPOL" in listed.output
    ok = run("committees", "check", "data/committees/interpol.yaml")
    assert ok.exit_code == 0 and "OK (INTERPOL, 2 topics)" in ok.output
    bad = run("committees", "check", str(files / "committee_bad_fields.yaml"))
    assert bad.exit_code == 2
    assert "topics[1].rules.max_words: must be a whole number" in bad.output
    assert "Traceback" not in bad.output


def test_countries_filters():
    every = run("countries")
    assert len(every.stdout.splitlines()) == 198
    interpol = run("countries", "--committee", "interpol")
    assert len(interpol.stdout.splitlines()) == 196
    g7 = run("countries", "--member-of", "G7")
    assert len(g7.stdout.splitlines()) == 7 and "JPN  Japan" in g7.stdout
    bad = run("countries", "--member-of", "nato")
    assert bad.exit_code == 2 and "unknown bloc 'nato'" in bad.output


def test_roster_import_prints_where_the_codes_are(tmp_path: Path, home: Path):
    path = tmp_path / "r.csv"
    path.write_text("delegate,committee,country\nAna,INTERPOL,Peru\n")
    result = run("roster", "import", str(path))
    assert result.exit_code == 0
    assert re.search(
        r"1 created, 0 updated, 0 unchanged; new access codes written to .*codes-.*\.csv",
        result.output,
    )
    assert str(home.resolve() / "access") in result.output


@pytest.mark.parametrize(
    "args, message",
    [
        (("roster", "import", "no-such.csv"), "cannot read roster no-such.csv"),
        (("roster", "import", "tests/files/roster_bad_rows.csv"), "6 problem(s), nothing imported"),
        (("committees", "check", "missing.yaml"), "missing.yaml: 1 problem(s)"),
        (("countries", "--committee", "unsc"), "unknown committee 'unsc'"),
    ],
)
def test_user_mistakes_exit_2_without_traceback(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output


def test_demo_is_idempotent(home: Path):
    first = run("demo", "--no-serve")
    assert first.exit_code == 0 and "workbooks 22 written, 0 unchanged, 0 failed" in first.output
    code = re.search(r"code ([A-Z0-9-]{14})\)", first.output).group(1)
    second = run("demo", "--no-serve")
    assert "workbooks 0 written, 22 unchanged, 0 failed" in second.output
    assert f"code {code})" in second.output  # the same delegate code, found again
    assert "munbook lab" in first.output  # how staff start JupyterLab


def test_generate_command(home: Path):
    result = run("generate", "--committee", "interpol", "--countries", "Kenya,Japan")
    assert result.exit_code == 0 and "workbooks: 2 written, 0 unchanged, 0 failed" in result.output
    bad = run("generate", "--committee", "interpol", "--countries", "Kenya,Atlantis")
    assert bad.exit_code == 2 and "unknown country 'Atlantis'" in bad.output
