"""The words that fit a committee's page limit, and `munbook committees check` refusing files
whose word limit cannot fit their page limit."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from widgets import settings
from widgets.cli import main
from widgets.core import committees
from widgets.paper import export, fit, sandbox
from widgets.paper.notebook import paper_notebook
from widgets.store import Delegation

INTERPOL = committees.load("interpol")


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="munbook", catch_exceptions=False)


def with_rules(committee, **rules):
    return dataclasses.replace(committee, rules=dataclasses.replace(committee.rules, **rules))


def test_the_figure_is_the_most_filler_that_keeps_to_the_page_limit(home: Path):
    layout = fit.Layout.of(INTERPOL)
    fits = fit.words_that_fit(INTERPOL)
    assert fits is not None and fits % fit.STEP == 0 and 300 < fits < 1_500
    assert fit._pages(layout, fits) <= 2
    assert fit._pages(layout, fits + 2 * fit.STEP) > 2  # a little more spills onto page 3


def test_a_real_paper_of_that_many_words_keeps_to_the_pages(home: Path):
    """The delegate's paper, through the exporter: the figure holds for its own text."""
    fits = fit.words_that_fit(INTERPOL)
    assert fits
    layout = fit.Layout.of(INTERPOL)
    delegation = Delegation(
        1, "interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy", datetime.now(UTC)
    )

    def pages(words: int) -> int:
        texts = fit._filler(layout, words)
        keys = [f"{t.key}.{s.key}" for t in INTERPOL.topics for s in INTERPOL.rules.sections]
        content = {"sections": dict(zip(keys, texts, strict=True)), "disclosure": fit.DISCLOSURE}
        return export.render(paper_notebook("interpol", delegation, content, 1)).body_pages

    assert pages(fits) <= 2
    assert pages(fits + 60) == 3


def test_the_figure_is_cached_per_layout(home: Path):
    first = fit.words_that_fit(INTERPOL)
    path = settings.fit_cache_file(fit.Layout.of(INTERPOL).digest())
    assert json.loads(path.read_text())["words"] == first
    assert path.stat().st_mode & 0o777 == 0o600
    compiles = sandbox.default().compiles
    assert fit.words_that_fit(INTERPOL) == first and sandbox.default().compiles == compiles
    smaller = with_rules(INTERPOL, font_size=10)  # another layout: measured again, more fit
    assert fit.Layout.of(smaller).digest() != fit.Layout.of(INTERPOL).digest()
    assert (fit.words_that_fit(smaller) or 0) > (first or 0)
    assert fit.words_that_fit(with_rules(INTERPOL, max_pages=None)) is None


def test_check_limits_names_the_figure_and_the_fix(home: Path):
    fits = fit.words_that_fit(INTERPOL) or 0
    fit.check_limits(with_rules(INTERPOL, max_words=fits), "ok.yaml")  # exactly what fits
    with pytest.raises(fit.LimitsDisagree) as caught:
        fit.check_limits(with_rules(INTERPOL, max_words=fits + 1), "x.yaml")
    message = str(caught.value)
    assert message.startswith(f"x.yaml: max_words {fits + 1} does not fit 2 pages at 12pt")
    assert f"about {fits} fit; lower max_words to {fits // 50 * 50} or raise max_pages" in message
    assert "US Letter, 1in margins" in message


def test_committees_check_refuses_a_file_whose_words_cannot_fit(home: Path, tmp_path: Path):
    shipped = settings.COMMITTEES_DIR / "interpol.yaml"
    text = shipped.read_text(encoding="utf-8")
    assert "  max_words: 600\n" in text
    over = tmp_path / "interpol.yaml"
    over.write_text(text.replace("  max_words: 600\n", "  max_words: 1500\n"), encoding="utf-8")
    # The fact tables sit beside a committee file.
    (tmp_path / "interpol").symlink_to(settings.COMMITTEES_DIR / "interpol")
    fits = fit.words_that_fit(INTERPOL)
    result = run("committees", "check", str(shipped), str(over))
    assert result.exit_code == 2
    assert result.stdout == f"{shipped}: OK (INTERPOL, 2 topics)\n"
    assert result.stderr == (
        f"Error: {over}: max_words 1500 does not fit 2 pages at 12pt (US Letter, 1in margins): "
        f"about {fits} fit; lower max_words to {(fits or 0) // 50 * 50} or raise max_pages\n"
    )


def test_every_shipped_committee_file_passes_the_check(home: Path):
    result = run("committees", "check")
    shipped = committees.committee_files()
    assert shipped and result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{path}: OK ({committees.check_file(path).acronym}, "
        f"{len(committees.check_file(path).topics)} topics)"
        for path in shipped
    ]
