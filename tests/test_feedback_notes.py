"""Numbered notes for the feedback PDF: passages found, moved, lost, overlapping; limits."""

from __future__ import annotations

from typing import Any

import pytest

from widgets.core import feedback_notes
from widgets.core.feedback_notes import NOT_FOUND, build
from widgets.core.passages import Span, locate, marked_runs, paragraphs
from widgets.exceptions import MunbookError

BACKGROUND = (
    "Counterfeit medicines kill patients every year.\n"
    "They reach markets through weak borders.\n\n"
    "Operation Pangea seized 12 million doses in 2023. Kenya joined in 2019."
)
POLICY = "Kenya will train customs officers and share seizure data."
SECTIONS = [("Topic background", BACKGROUND), ("Country policy", POLICY)]


def on(section: str | None, quote: str | None, body: str, text: str = BACKGROUND, **kw: Any):
    start = text.find(quote) if quote else None
    c = {
        "section": section,
        "quote": quote,
        "start": start,
        "end": None if start is None or quote is None else start + len(quote),
        "body": body,
        "author_name": "Ana Ruiz",
        "author_role": "chair",
    }
    return {**c, **kw}


def flat(runs: list[list[dict[str, Any]]]) -> list[tuple[str, int, list[int]]]:
    return [(str(r["text"]), int(r["depth"]), list(r["refs"])) for p in runs for r in p]


def test_notes_are_numbered_in_reading_order():
    notes = build(
        SECTIONS,
        [
            on("Country policy", "share seizure data", "Say with whom.", POLICY),
            on("Topic background", "Kenya joined in 2019", "Source?"),
            on(None, None, "Well argued overall."),
            on("Topic background", "kill patients", "How many?"),
            on("Country policy", None, "Policy is thin."),
            on("Works cited", "MLA", "Use one style."),
        ],
    )
    assert [(n["n"], n["body"]) for n in notes["general"]] == [
        (1, "Well argued overall."),
        (2, "Use one style."),
    ]
    assert "“Works cited”, which this version does not have" in notes["general"][1]["where"]
    background, policy = notes["sections"]
    assert [n["n"] for n in background["notes"]] == [3, 4]
    assert [n["body"] for n in background["notes"]] == ["How many?", "Source?"]
    assert policy["marks"] == [5] and policy["notes"][0]["label"] == "On the whole section"
    assert [n["n"] for n in policy["notes"]] == [5, 6] and notes["count"] == 6
    assert flat(policy["paragraphs"]) == [
        ("Kenya will train customs officers and ", 0, []),
        ("share seizure data", 1, [6]),
        (".", 0, []),
    ]


def test_paragraphs_and_line_breaks_are_kept():
    runs = build(SECTIONS, [])["sections"][0]["paragraphs"]
    assert [[r["text"] for r in p] for p in runs] == [
        [
            "Counterfeit medicines kill patients every year.\nThey reach markets through weak borders."
        ],
        ["Operation Pangea seized 12 million doses in 2023. Kenya joined in 2019."],
    ]


def test_offsets_win_while_they_still_hold_the_quote():
    text = "Kenya acts. Kenya acts again."
    second = text.rindex("Kenya acts")
    assert locate(text, "Kenya acts", second, second + 10) == (second, second + 10)
    # Stale offsets: the occurrence nearest to them.
    assert locate(text, "Kenya acts", second + 3, second + 13) == (second, second + 10)
    assert locate(text, "Kenya acts", 1, 11) == (0, 10)
    assert locate(text, "Kenya acts", None, None) == (0, 10)
    # Re-wrapped text still matches; text that is gone does not.
    assert locate("Kenya\n  acts now", "Kenya acts", 0, 10) == (0, 12)
    assert locate(text, "Ghana acts", 0, 10) is None
    assert locate(text, "Kenya acts", -5, 99) == (0, 10)


def test_a_moved_passage_is_found_by_text():
    revised = "A new first sentence. " + BACKGROUND
    c = on("Topic background", "kill patients", "How many?")  # offsets from the old text
    section = build([("Topic background", revised)], [c])["sections"][0]
    assert ("kill patients", 1, [1]) in flat(section["paragraphs"])
    assert (
        section["notes"][0]["label"] is None and section["notes"][0]["excerpt"] == "kill patients"
    )


def test_a_lost_passage_is_said_and_its_note_still_printed():
    c = on("Topic background", "a sentence the delegate deleted", "Cut this.", start=3, end=20)
    section = build(SECTIONS, [c])["sections"][0]
    note = section["notes"][0]
    assert note["where"] == NOT_FOUND and note["lost"] and note["body"] == "Cut this."
    assert note["quote"] == "a sentence the delegate deleted"
    assert note["label"] == "Passage not found in this version:"
    assert section["marks"] == [1]
    assert all(r["depth"] == 0 for p in section["paragraphs"] for r in p)


def test_overlapping_and_repeated_passages():
    a = on("Topic background", "Operation Pangea seized 12 million doses", "Source?")
    b = on("Topic background", "12 million doses in 2023", "Which year?")
    same = on("Topic background", "Operation Pangea seized 12 million doses", "Agree.")
    runs = flat(build(SECTIONS, [a, b, same])["sections"][0]["paragraphs"])
    assert runs[1:] == [
        ("Operation Pangea seized ", 2, []),
        ("12 million doses", 3, [1, 2]),
        (" in 2023", 1, [3]),
        (". Kenya joined in 2019.", 0, []),
    ]


def test_a_passage_across_paragraphs_is_numbered_after_its_last_words():
    quote = "weak borders.\n\nOperation Pangea"
    runs = build(SECTIONS, [on("Topic background", quote, "Two ideas.")])["sections"][0]
    first, second = runs["paragraphs"]
    assert first[-1] == {"text": "weak borders.", "depth": 1, "refs": []}
    assert second[0] == {"text": "Operation Pangea", "depth": 1, "refs": [1]}
    assert runs["notes"][0]["excerpt"] == "weak borders. Operation Pangea"


def test_marked_runs_cover_the_text_exactly():
    text = "one two three four five"
    spans = [Span(0, 7, 1), Span(4, 13, 2), Span(8, 23, 3), Span(4, 7, 4)]
    runs = marked_runs(text, spans)
    assert "".join(str(r["text"]) for r in runs[0]) == text
    assert sorted(n for r in runs[0] for n in r["refs"]) == [1, 2, 3, 4]


def test_an_empty_section_and_a_blank_quote():
    notes = build([("Solutions", "")], [on("Solutions", "  ", "Write this section.")])
    assert notes["sections"][0]["paragraphs"] == []
    assert notes["sections"][0]["marks"] == [1]


def test_sections_can_be_named_apart_from_their_titles():
    sections = [
        ("A.background", "Topic A: background", "Text A."),
        ("B.background", "Topic B: background", "Text A."),
    ]
    notes = build(sections, [on("B.background", "Text", "B only.", text="Text A.")])
    assert [s["title"] for s in notes["sections"]] == ["Topic A: background", "Topic B: background"]
    assert notes["sections"][0]["notes"] == [] and notes["sections"][1]["notes"][0]["n"] == 1
    with pytest.raises(MunbookError, match="both named 'A'"):
        build([("A", "x"), ("A", "y")], [])


@pytest.mark.parametrize(
    "key, limit",
    [
        ("body", feedback_notes.BODY_CHARS),
        ("quote", feedback_notes.QUOTE_CHARS),
        ("author_name", 500),
    ],
)
def test_a_comment_past_a_limit_is_refused(key: str, limit: int):
    ok = on("Topic background", "kill patients", "fine")
    build(SECTIONS, [{**ok, key: "x" * limit}])
    with pytest.raises(MunbookError) as err:
        build(SECTIONS, [{**ok, key: "x" * (limit + 1)}])
    assert f"{limit + 1:,} characters; the limit is {limit:,}" in str(err.value)
    assert "comment 1" in str(err.value)


def test_too_many_comments_sections_or_text_are_refused():
    one = on(None, None, "ok")
    assert build(SECTIONS, [one] * 200)["count"] == 200
    with pytest.raises(MunbookError, match="201 comments; feedback holds at most 200"):
        build(SECTIONS, [one] * 201)
    build([(f"S{i}", "x") for i in range(100)], [])
    with pytest.raises(MunbookError, match="101 sections; feedback holds at most 100"):
        build([(f"S{i}", "x") for i in range(101)], [])
    most = feedback_notes.TEXT_CHARS
    build([("S", "x" * most)], [])
    with pytest.raises(MunbookError, match=f"{most + 1:,} characters; feedback holds at most"):
        build([("S", "x" * (most + 1))], [])
    with pytest.raises(MunbookError, match="has no text"):
        build(SECTIONS, [{**one, "body": None}])


def test_random_passages_keep_every_character_and_number_once():
    import random

    rng = random.Random(26)
    words = ["Kenya", "acts", "now.", "Data", "shared", "\n", "\n\n", "  ", "borders,"]
    for _ in range(200):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        spans = []
        for n in range(1, rng.randint(1, 12)):
            a = rng.randrange(len(text))
            b = rng.randint(a + 1, len(text))
            if text[a:b].strip():
                spans.append(Span(a, b, n))
        runs = marked_runs(text, spans)
        assert ["".join(str(r["text"]) for r in p) for p in runs] == [
            text[a:b] for a, b in paragraphs(text)
        ]
        numbers = sorted(n for p in runs for r in p for n in r["refs"])
        assert numbers == sorted(s.number for s in spans)
        for span in spans:  # marked exactly where it quotes
            at = 0
            for (p_start, _), para in zip(paragraphs(text), runs, strict=True):
                at = p_start
                for r in para:
                    end = at + len(str(r["text"]))
                    inside = span.start <= at and end <= span.end
                    assert not inside or r["depth"] >= 1
                    at = end
