"""The docs site: built with warnings as errors, its CLI reference complete, served by
``munbook serve`` and reached from an app's Help link.

The site is built once per run from docs/ with Sphinx, as ``make docs`` builds it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import click
import pytest

from widgets import settings
from widgets.apps import help_link
from widgets.cli import main

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path("/tmp/docs-shots")
TIMEOUT = 90_000


@pytest.fixture(scope="session")
def built_docs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/ built as ``make docs`` builds it: -W (warnings fail), -n (every reference)."""
    out = tmp_path_factory.mktemp("docs") / "html"
    sphinx = Path(sys.executable).parent / "sphinx-build"
    done = subprocess.run(
        [str(sphinx), "-W", "--keep-going", "-n", "-q", "-b", "html", str(ROOT / "docs"), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return out


def commands(group: click.Group, path: tuple[str, ...] = ("munbook",)):
    """(path, command) of the group and every command under it, as `munbook --help` lists them."""
    yield path, group
    for name, command in group.commands.items():
        if command.hidden:
            continue
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_cli_reference_lists_every_command_and_option(built_docs: Path):
    page = (built_docs / "reference" / "cli.html").read_text(encoding="utf-8")
    missing = []
    for path, command in commands(main):
        if f'id="{"-".join(path)}"' not in page:
            missing.append(" ".join(path))
        for param in command.params:
            if not isinstance(param, click.Option) or param.hidden or param.name == "help":
                continue  # hidden: not in --help; -h/--help: every command, said once
            for opt in param.opts + param.secondary_opts:
                anchor = f'id="cmdoption-{"-".join(path)}-{opt.lstrip("-")}"'
                if anchor not in page:
                    missing.append(f"{' '.join(path)} {opt}")
    assert len(list(commands(main))) > 20  # the walk found the commands at all
    assert not missing, f"not in docs/reference/cli.md's page: {missing}"


def test_reference_tables_come_from_the_code(built_docs: Path):
    limits = (built_docs / "reference" / "limits.html").read_text(encoding="utf-8")
    assert "SECTION_CHARS" in limits and "20,000" in limits and "GATE_TIMEOUT" in limits
    env = (built_docs / "reference" / "environment.html").read_text(encoding="utf-8")
    assert "MUNBOOK_KERNEL_MEMORY_MB" in env and "MUNBOOK_PUBLIC_URL" in env
    schema = (built_docs / "reference" / "committee-files.html").read_text(encoding="utf-8")
    assert "citation_style" in schema and "blind_grading" in schema
    from widgets import upstream

    page = (built_docs / "explanation" / "upstream.html").read_text(encoding="utf-8")
    missing = [p.target for p in upstream.PATCHES if p.target not in page]
    assert missing == [], "the docs' upstream patch table lacks these"


def test_help_line_says_how_to_build_when_the_docs_are_not_built(home: Path):
    assert not settings.docs_dir().exists()
    assert "make docs" in help_link.help_html("chairs")
    assert "href" not in help_link.help_html("chairs")
    index = settings.docs_dir() / "guides"
    index.mkdir(parents=True)
    (settings.docs_dir() / "index.html").write_text("<html></html>")
    assert "href='/munbook/docs/guides/chairs.html'" in help_link.help_html("chairs")
    with pytest.raises(KeyError):
        help_link.help_url("nobody")


def test_every_guide_a_help_link_names_is_a_page():
    for guide in help_link.GUIDES:
        assert (ROOT / "docs" / "guides" / f"{guide}.md").is_file(), guide


@pytest.mark.browser
def test_chair_help_link_opens_the_chair_guide_served_by_munbook(
    served, browser, demo_home, built_docs: Path
):
    docs = f"{served.base}/{settings.DOCS_ROUTE}/"
    with pytest.raises(urllib.error.HTTPError) as unbuilt:
        urllib.request.urlopen(docs, timeout=10)
    assert unbuilt.value.code == 404 and "make docs" in unbuilt.value.read().decode()
    shutil.copytree(built_docs, settings.docs_dir())  # what `make docs` writes there
    with urllib.request.urlopen(docs, timeout=10) as answer:
        assert answer.headers["Content-Security-Policy"]  # munbook's headers on the docs too
    SHOTS.mkdir(exist_ok=True)
    for width, height, name in ((1280, 800, "desktop"), (390, 844, "phone")):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(served.url("apps/chair.ipynb"), timeout=TIMEOUT)
        page.wait_for_selector(".mb-gate", timeout=TIMEOUT)
        page.fill(".mb-gate input[type=password]", demo_home["chair"], timeout=TIMEOUT)
        page.get_by_role("button", name="Open").click()
        link = page.get_by_role("link", name="Help: the chair's guide")
        link.wait_for(timeout=TIMEOUT)
        page.screenshot(path=str(SHOTS / f"chair-help-{name}.png"))
        with context.expect_page(timeout=TIMEOUT) as opened:
            link.click()
        guide = opened.value
        guide.wait_for_load_state()
        assert guide.url == f"{docs}guides/chairs.html"
        heading = guide.get_by_role("heading", name="Chairs: collect, compare, score, bind")
        heading.wait_for(timeout=TIMEOUT)
        guide.screenshot(path=str(SHOTS / f"chair-guide-{name}.png"))
        context.close()
