"""The feedback PDF with the paper and numbered notes, compiled by Typst, read back with pypdf."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import pdf_words
from pypdf import PdfReader

from widgets.core import feedback_notes
from widgets.exceptions import MunbookError
from widgets.paper.feedback import render_feedback, weighted_row

BACKGROUND = (
    "Counterfeit medicines kill patients every year.\n\n"
    "Operation Pangea seized 12 million doses in 2023. Kenya joined in 2019."
)
POLICY = "Kenya will train customs officers and share seizure data."
MARKUP = '#read("/etc/passwd") $x^2$ *bold* _em_ ] [ <label> @ref \\ `raw` // not a comment'


def comment(section: str | None, quote: str | None, body: str, text: str = "", **kw: Any):
    start = text.find(quote) if quote else -1
    return {
        "section": section,
        "quote": quote,
        "start": None if start < 0 else start,
        "end": None if start < 0 or quote is None else start + len(quote),
        "body": body,
        "author_name": "Ana Ruiz",
        "author_role": "chair",
        **kw,
    }


def data(sections, comments, **extra: Any) -> dict[str, Any]:
    return {
        "country": "Kenya",
        "committee": "INTERPOL",
        "committee_name": "International Criminal Police Organization",
        "rows": [
            weighted_row("Background", 15, 12, 15),
            weighted_row("Country policy", 30, 7, 10),
        ],
        "total": "80 / 100",
        "comments": [],
        "notes": feedback_notes.build(sections, comments),
        **extra,
    }


def in_order(text: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not after position {at} in {text!r}"
        at = found + len(part)


def test_notes_follow_their_passages_in_order(home: Path):
    sections = [("Topic background", BACKGROUND), ("Country policy", POLICY)]
    pdf = render_feedback(
        data(
            sections,
            [
                comment(None, None, "Well argued overall."),
                comment("Topic background", "kill patients", "How many a year?", BACKGROUND),
                comment("Topic background", "12 million doses", "Cite the source.", BACKGROUND),
                comment("Topic background", "a deleted sentence", "Cut this.", start=0, end=5),
                comment("Country policy", "share seizure data", "With whom?", POLICY),
                comment("Works cited", None, "Use one style."),
            ],
            chairs=2,
        )
    )
    text = pdf_words(pdf)
    in_order(
        text,
        "Category Weight Points Points × weight",
        "Background 15 % 12 / 15 12",
        "Country policy 30 % 7 / 10 21",
        "Total 80 / 100",
        "With 2 chairs",
        "Comments on the whole paper",
        "1 On the whole paper — Ana Ruiz (chair) Well argued overall.",
        "2 On the section “Works cited”, which this version does not have",
        "Use one style.",
        "Topic background3",  # the lost passage's number at the heading
        "Counterfeit medicines kill patients4 every year.",
        "Operation Pangea seized 12 million doses5 in 2023.",
        "3 Passage not found in this version: “a deleted sentence”",
        "Cut this.",
        "4 “kill patients” — Ana Ruiz (chair) How many a year?",
        "5 “12 million doses”",
        "Cite the source.",
        "Country policy",
        "share seizure data6.",
        "6 “share seizure data”",
        "With whom?",
    )


def test_markup_in_comments_and_paper_prints_literally(home: Path):
    text = f"Kenya says {MARKUP} plainly."
    pdf = render_feedback(
        data(
            [("Policy", text)],
            [
                comment("Policy", MARKUP, f"Body {MARKUP}", text, author_name="#Chair *A*"),
                comment(None, None, "$ # * ]"),
            ],
        )
    )
    words = pdf_words(pdf)
    assert "$ # * ]" in words
    in_order(
        words,
        f"Kenya says {MARKUP}2 plainly.",
        f"“{MARKUP}”",
        "#Chair *A* (chair)",
        f"Body {MARKUP}",
    )
    assert "root:" not in words


def test_todays_callers_without_notes_still_work(home: Path):
    pdf = render_feedback(
        {
            "country": "Kenya",
            "committee": "INTERPOL",
            "committee_name": "International Criminal Police Organization",
            "rows": [{"name": "Background", "weight": "15 %", "score": "12 / 15"}],
            "total": "80 / 100",
            "comments": [{"text": "Clear and well sourced."}],
        }
    )
    words = pdf_words(pdf)
    assert "Category Weight Score Background 15 % 12 / 15 Total 80 / 100" in words
    assert "Clear and well sourced." in words and "Your paper" not in words


def test_a_weighted_row_shows_its_arithmetic():
    assert weighted_row("Sources", 10, 7, 10) == {
        "name": "Sources",
        "weight": "10 %",
        "score": "7 / 10",
        "weighted": "7",
    }
    assert weighted_row("Policy", 30, 8.5, 10)["weighted"] == "25.5"
    assert weighted_row("Writing", 20, 2, 3)["weighted"] == "13.33"


SCRIPTS = {
    "Russian": "Фальсифицированные лекарства убивают людей",
    "Chinese": "假药 危害 公共 健康",
    "Arabic": "الأدوية المزيفة تقتل المرضى",
    "Korean": "위조 의약품은 위험하다",
    "Japanese": "偽造 医薬品 は 危険 です",
    "Greek": "Τα πλαστά φάρμακα σκοτώνουν",
    "Hebrew": "תרופות מזויפות הורגות",
    "Amharic": "የሐሰት መድኃኒቶች ይገድላሉ",
}


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_every_script_prints_in_passages_and_notes(home: Path, script: str):
    text = SCRIPTS[script]
    quote = text.split()[1]
    pdf = render_feedback(
        data(
            [(f"Section {script}", text)],
            [
                comment(
                    f"Section {script}", quote, f"Note: {text}", text, author_name=text.split()[0]
                )
            ],
        )
    )
    words = pdf_words(pdf)
    for word in text.split():
        assert word in words, (word, words)
    assert "Note:" in words


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
@pytest.mark.parametrize("text", ["नकली दवाएं जान लेती हैं", "ยาปลอม เป็น อันตราย"])
def test_shaped_scripts_print_in_notes(home: Path, tmp_path: Path, text: str):
    path = tmp_path / "f.pdf"
    quote = text.split()[0]
    path.write_bytes(render_feedback(data([("S", text)], [comment("S", quote, text, text)])))
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    first, rest = text.split(maxsplit=1)
    # In the paper (the passage and its number 1), then as the note's text.
    in_order(" ".join(out.stdout.split()), f"{first}1 {rest}", f"1 “{first}”", text)


def test_a_character_no_font_draws_is_refused_naming_the_note(home: Path):
    kawi = "\U00011f04"
    with pytest.raises(MunbookError, match=r"note 1 contains '\\U00011f04'"):
        render_feedback(data([("S", "text")], [comment(None, None, f"odd {kawi}")]))
    with pytest.raises(MunbookError, match=r"the section “Policy” contains '\\U00011f04'"):
        render_feedback(data([("Policy", f"Kenya {kawi} acts.")], []))
    lost = comment("S", f"gone {kawi}", "Cut.", start=0, end=3)
    with pytest.raises(MunbookError, match=r"note 1 contains '\\U00011f04'"):
        render_feedback(data([("S", "text")], [lost]))


def test_two_hundred_long_comments_fit(home: Path):
    text = " ".join(f"word{i}" for i in range(1500))
    comments = [comment("S", f"word{i * 7}", f"{i} " + "lorem " * 330, text) for i in range(200)]
    pdf = render_feedback(data([("S", text)], comments))
    words = pdf_words(pdf)
    assert "200 “word1393”" in words and "word1499" in words


def test_a_run_of_the_largest_feedback_pdfs_stays_in_the_memory_cap(home: Path):
    # Typst keeps about ten compiles' layouts; these are about 85 MB each.
    text = " ".join(f"word{i}" for i in range(1500))
    comments = [comment("S", f"word{i * 7}", "lorem " * 333, text) for i in range(200)]
    notes = feedback_notes.build([("S", text)], comments)
    for run in range(12):
        pdf = render_feedback({**data([("S", text)], []), "notes": notes, "total": f"{run} / 100"})
        first = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()  # the whole: seconds a PDF
        assert f"Total {run} / 100" in " ".join(first.split())


# MUNBOOK_SCREENSHOTS=docs/screenshots refreshes the tour's picture of page 1 from this test.
SHOTS = os.environ.get("MUNBOOK_SCREENSHOTS", "")
EXAMPLE = {
    "Topic background": (
        "Counterfeit and falsified medicines kill an estimated 250,000 children a year. "
        "Criminal networks move them through free-trade zones and online pharmacies, "
        "where a seized parcel rarely leads back to its maker.\n\n"
        "Kenya's ports and its growing e-commerce sector make it both a transit point "
        "and a market."
    ),
    "Country policy": (
        "Kenya created the Anti-Counterfeit Authority in 2008 and joined Operation "
        "Pangea in 2013. The Pharmacy and Poisons Board now tracks every imported "
        "batch with a barcode. Kenya supports a regional database of seizures."
    ),
    "Proposed solutions": (
        "Kenya proposes an INTERPOL notice for falsified batches, shared with customs "
        "within 24 hours, and training for East African border officers."
    ),
}


def test_an_example_feedback_reads_as_the_tour_shows(home: Path, tmp_path: Path):
    sections = list(EXAMPLE.items())
    background, policy, solutions = EXAMPLE.values()
    comments = [
        comment(None, None, "A clear, well-organised paper. Cite a source for every figure."),
        comment(
            "Topic background",
            "an estimated 250,000 children a year",
            "Whose estimate? Cite the WHO report.",
            background,
        ),
        comment(
            "Topic background",
            "free-trade zones and online pharmacies",
            "Good: name one case.",
            background,
        ),
        comment(
            "Country policy",
            None,
            "Say what Kenya will do next, not only what it did.",
            author_name="Ben Okafor",
        ),
        comment(
            "Country policy",
            "joined Operation Pangea in 2013",
            "Check the year.",
            policy,
            author_name="Ben Okafor",
        ),
        comment(
            "Proposed solutions",
            "a regional database of seizures",
            "Moved to policy?",
            start=10,
            end=40,
        ),
        comment("Proposed solutions", "within 24 hours", "Realistic for every member?", solutions),
    ]
    rubric = [
        ("Topic background", 15, 8),
        ("Past international action", 25, 6),
        ("Country policy", 30, 5),
        ("Proposed solutions", 20, 7),
        ("Sources and writing", 10, 7),
    ]
    feedback = {
        **data(sections, comments, chairs=2),
        "rows": [weighted_row(name, weight, points, 10) for name, weight, points in rubric],
        "total": "63 / 100",
    }
    pdf = render_feedback(feedback)
    words = pdf_words(pdf)
    in_order(
        words,
        "Topic background 15 % 8 / 10 12",
        "Country policy 30 % 5 / 10 15",
        "Total 63 / 100",
        "1 On the whole paper",
        "an estimated 250,000 children a year2",
        "online pharmacies3",
        "Country policy4",
        "joined Operation Pangea in 20135",
        "Proposed solutions6",
        "within 24 hours7",
        "6 Passage not found in this version: “a regional database of seizures” — Ana Ruiz (chair) Moved to policy?",
    )
    if SHOTS:
        path = tmp_path / "feedback.pdf"
        path.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(path),
                str(Path(SHOTS) / "feedback-pdf"),
            ],
            check=True,
        )


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_a_word_longer_than_a_line_stays_on_the_page(home: Path, tmp_path: Path):
    url = "https://example.org/" + "a" * 300
    text = f"See {url} for more."
    path = tmp_path / "f.pdf"
    path.write_bytes(render_feedback(data([("S", text)], [comment("S", "for more", url, text)])))
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))
    assert right <= 8.5 * 72 - 72 + 0.5  # within the 1-inch right margin
    # Every character is there (the breaks are zero-width spaces).
    assert pdf_words(path.read_bytes()).replace("\u200b", "").replace(" ", "").count(url) == 2
