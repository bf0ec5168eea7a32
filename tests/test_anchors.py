"""Re-anchoring a comment's passage in a revised text (core.anchors)."""

from __future__ import annotations

from widgets.core.anchors import Anchor, reanchor

OLD = "Kenya supports AFRIPOL. Kenya trains police officers in Nairobi. Kenya supports AFRIPOL."
TRAINS = "trains police officers in Nairobi"


def moved(quote: str, new: str, occurrence: int = 0) -> tuple[Anchor, str]:
    start = OLD.find(quote) if occurrence == 0 else OLD.rfind(quote)
    found = reanchor(quote, start, start + len(quote), OLD, new)
    return found, new[found.start : found.end]


def test_an_unchanged_text_keeps_the_anchor():
    start = OLD.find(TRAINS)
    assert reanchor(TRAINS, start, start + len(TRAINS), OLD, OLD) == Anchor(
        start, start + len(TRAINS), changed=False, gone=False
    )


def test_text_added_before_shifts_the_passage():
    found, text = moved(TRAINS, "In 2027, " + OLD)
    assert text == TRAINS and not found.changed and found.start == OLD.find(TRAINS) + 9


def test_a_repeated_quote_stays_with_its_own_occurrence():
    new = "In 2027, " + OLD
    first, _ = moved("Kenya supports AFRIPOL.", new)
    second, text = moved("Kenya supports AFRIPOL.", new, occurrence=1)
    assert (first.start, second.start) == (9, new.rfind("Kenya supports AFRIPOL."))
    assert text == "Kenya supports AFRIPOL." and not second.changed
    # The first one's words changed: the second stays unchanged where it is.
    edited = OLD.replace("Kenya supports AFRIPOL.", "Kenya backs AFRIPOL.", 1)
    found, text = moved("Kenya supports AFRIPOL.", edited, occurrence=1)
    assert (found.start, text, found.changed) == (
        edited.rfind("Kenya supports"),
        "Kenya supports AFRIPOL.",
        False,
    )
    found, text = moved("Kenya supports AFRIPOL.", edited)
    assert found.changed and not found.gone and text.startswith("Kenya backs AFRIPOL")


def test_an_edited_passage_covers_its_new_words_and_says_it_changed():
    new = OLD.replace(TRAINS, "trains many police officers in Mombasa")
    found, text = moved(TRAINS, new)
    assert (text, found.changed, found.gone) == (
        "trains many police officers in Mombasa",
        True,
        False,
    )
    new = OLD.replace("Kenya trains police", "Uganda teaches police")
    found, text = moved(TRAINS, new)
    assert (text, found.changed) == ("teaches police officers in Nairobi", True)


def test_a_moved_passage_is_found_unchanged():
    new = "Kenya trains police officers in Nairobi. Other words entirely. Kenya supports AFRIPOL."
    found, text = moved(TRAINS, new)
    assert (text, found.changed, found.gone) == (TRAINS, False, False)


def test_a_moved_and_edited_passage_is_found_and_marked_changed():
    old = "Alpha beta gamma. Delta epsilon zeta eta theta. Iota kappa lambda."
    quote = "Delta epsilon zeta eta theta"
    new = "Delta epsilon ZETA eta theta. Alpha beta gamma with many more words. Iota kappa."
    found = reanchor(quote, old.find(quote), old.find(quote) + len(quote), old, new)
    assert new[found.start : found.end] == "Delta epsilon ZETA eta theta" and found.changed


def test_a_deleted_passage_is_gone_where_it_was():
    new = OLD.replace(" Kenya trains police officers in Nairobi.", "")
    found, _ = moved(TRAINS, new)
    assert found.gone and found.changed and found.start == found.end
    # Where the passage was: between the two sentences left (the diff may keep either Kenya).
    assert len("Kenya supports AFRIPOL.") <= found.start <= len("Kenya supports AFRIPOL. Kenya ")


def test_a_passage_starting_mid_word_keeps_its_offsets():
    found, text = moved("rains police offi", "Today: " + OLD)
    assert (text, found.changed) == ("rains police offi", False)


def test_a_stale_position_is_corrected_to_the_nearest_occurrence():
    found = reanchor(TRAINS, 0, 5, OLD, "So " + OLD)  # the position no longer holds the quote
    assert ("So " + OLD)[found.start : found.end] == TRAINS and not found.changed


def test_a_whole_rewrite_leaves_the_passage_gone():
    found = reanchor(
        TRAINS, OLD.find(TRAINS), OLD.find(TRAINS) + len(TRAINS), OLD, "Nothing alike."
    )
    assert found.gone and found.start == found.end


def test_random_revisions_give_anchors_inside_the_new_text():
    import random

    rng = random.Random(26)
    words = OLD.split() * 4
    for _ in range(200):
        old = " ".join(words)
        new_words = list(words)
        for _ in range(rng.randrange(1, 8)):  # replace, delete, insert or move a few words
            i = rng.randrange(len(new_words))
            choice = rng.random()
            if choice < 0.3:
                new_words[i] = rng.choice(["AFRIPOL", "Mombasa", "data", "."])
            elif choice < 0.6 and len(new_words) > 3:
                del new_words[i]
            elif choice < 0.8:
                new_words.insert(i, rng.choice(["INTERPOL", "police", "Kenya"]))
            else:
                new_words.insert(rng.randrange(len(new_words)), new_words.pop(i))
        new = " ".join(new_words)
        start = rng.randrange(len(old) - 10)
        end = start + rng.randrange(1, 40)
        quote = old[start:end]
        found = reanchor(quote, start, end, old, new)
        assert 0 <= found.start <= found.end <= len(new)
        if found.gone:
            assert found.start == found.end and found.changed
        if not found.changed:
            assert new[found.start : found.end] == quote  # unchanged means the same text


def test_many_passages_of_one_text_are_re_anchored_with_one_diff_as_one_by_one():
    from widgets.core.anchors import reanchor_many

    new = "In 2027, " + OLD.replace("Nairobi", "Mombasa")
    passages = [
        (q, OLD.find(q), OLD.find(q) + len(q)) for q in (TRAINS, "Kenya supports", "AFRIPOL.")
    ]
    assert reanchor_many(passages, OLD, new) == [
        reanchor(q, a, b, OLD, new) for q, a, b in passages
    ]
    assert reanchor_many([], OLD, new) == []


def test_long_texts_are_searched_not_diffed_and_too_long_ones_refused():
    import pytest

    from widgets.core import textdiff

    filler = "word " * (textdiff.DIFF_WORDS + 1)
    old, new = filler + OLD, "More. " + filler + OLD
    start = old.find(TRAINS)
    found = reanchor(TRAINS, start, start + len(TRAINS), old, new)
    assert new[found.start : found.end] == TRAINS and not found.changed
    with pytest.raises(textdiff.DiffTooLong, match="400,000"):
        reanchor(TRAINS, 0, 5, OLD, "x" * (textdiff.DIFF_CHARS + 1))
