"""Word-level diffs (core.textdiff), markdown as readable text (core.readable), sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from widgets.core import textdiff
from widgets.core.readable import readable
from widgets.core.sessions import SESSION_GAP_MINUTES, session_ends, sessions
from widgets.core.textdiff import DiffTooLong, diff
from widgets.store.records import thinned


def marked(found: textdiff.Diff) -> str:
    """The diff as text: [+added+] and [-removed-]."""
    shown = {"equal": "{}", "insert": "[+{}+]", "delete": "[-{}-]"}
    return "".join(shown[op.kind].format(op.text) for op in found.ops)


def test_changed_words_are_marked_and_the_rest_is_kept():
    found = diff("Kenya supports AFRIPOL.", "Kenya strongly supports AFRIPOL and INTERPOL.")
    assert marked(found) == "Kenya [+strongly +]supports AFRIPOL [+and INTERPOL+]."
    assert (found.added, found.removed, found.changed, found.coarse) == (3, 0, True, False)


def test_punctuation_is_its_own_token_and_spans_point_into_both_texts():
    old, new = "It was happy.", "It wasn't happy today."
    found = diff(old, new)
    assert marked(found) == "It [-was -][+wasn't +]happy [+today+]."
    for op in found.ops:
        source = new if op.kind != "delete" else old
        span = op.new if op.kind != "delete" else op.old
        assert source[span[0] : span[1]] == op.text


def test_same_texts_have_no_change_and_empty_sides_are_all_added_or_removed():
    assert not diff("one two", "one two").changed
    assert marked(diff("", "hello world")) == "[+hello world+]"
    assert marked(diff("a b", "")) == "[-a b-]"
    assert diff("", "").ops == ()


def test_unspaced_scripts_are_compared_character_by_character():
    assert marked(diff("日本語の文章", "日本の文章です")) == "日本[-語-]の文章[+です+]"


def test_long_texts_are_compared_by_paragraph_and_too_long_ones_refused():
    para = " ".join(["word"] * 100)
    old = "\n\n".join([para] * (textdiff.DIFF_WORDS // 100 + 1))  # one paragraph past
    new = old + "\n\nA new closing paragraph."
    found = diff(old, new)
    assert (
        found.coarse and found.added == 4 and marked(found).endswith("[+A new closing paragraph.+]")
    )
    assert not diff(para, para + " more").coarse
    with pytest.raises(DiffTooLong, match="400,000 characters"):
        diff("x" * (textdiff.DIFF_CHARS + 1), "x")
    assert diff("x" * textdiff.DIFF_CHARS, "x").changed  # at the limit: compared


def test_markdown_reads_as_text():
    text = readable(
        "# Aims\nKenya **supports** [AFRIPOL](https://afripol.org).[^1]\n\n- one\n- two\n\n"
        "3. third\n\n> quoted\n\n[^1]: INTERPOL, 2024.\n"
    )
    assert text == (
        "Aims\n\nKenya supports AFRIPOL (https://afripol.org).[1]\n\n• one\n• two\n\n"
        "3. third\n\n> quoted\n\n[1] INTERPOL, 2024."
    )
    assert readable("<script>x</script> *a*") == "<script>x</script> a"  # text, not markup


AT = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def history(minutes: list[int]) -> list[tuple[int, datetime, int]]:
    """Versions saved at these minutes after AT (oldest first), newest first as the store gives."""
    return [(v, AT + timedelta(minutes=m), 10 * v) for v, m in enumerate(minutes, 1)][::-1]


def test_sessions_split_after_the_gap_and_not_before():
    gap = SESSION_GAP_MINUTES
    # 31 minutes after 10: a new session; 30 after 43 (exactly the gap): the same one.
    found = sessions(history([0, 5, 10, 10 + gap + 1, 43, 43 + gap, 73 + gap + 1]))
    assert [s.versions for s in found] == [(7,), (6, 5, 4), (3, 2, 1)]
    assert (found[1].start, found[1].end) == (
        AT + timedelta(minutes=41),
        AT + timedelta(minutes=73),
    )
    assert (found[1].words, found[1].words_before, found[2].words_before) == (60, 30, 0)
    assert session_ends(history([0, 5])) == [2] and sessions([]) == []


def test_thinning_keeps_the_end_of_every_writing_session():
    # Ten sessions of 20 saves a minute apart, an hour and a half between sessions.
    minutes = [s * 90 + m for s in range(10) for m in range(20)]
    old = history(minutes)
    doomed = set(thinned(old, keep_recent=50, keep_hourly=200))
    kept = [v for v, _, _ in old if v not in doomed]
    assert kept[:50] == list(range(200, 150, -1))  # the newest 50, every one
    assert set(session_ends(old)) <= set(kept)  # where each session ended
    assert len(kept) < len(old) and kept[0] == 200
    assert len(thinned(old, keep_recent=3, keep_hourly=2)) == 200 - 5  # still bounded
