"""Pasted lists become markdown lists, and the paper renders them as lists."""

from pathlib import Path

import pytest

from widgets.apps.paste_lists import MAX_PASTE_HTML, MAX_PASTE_TEXT, paste_result
from widgets.core.markdown import parse
from widgets.core.pasted import pasted_markdown
from widgets.core.pasted_html import html_blocks

FILES = Path(__file__).parent / "files"
KENYA = """Key measures:

- the National KE-CIRT/CC coordinates incident response with Safaricom and the banks
  - sub-point: a 24/7 reporting line
- the Computer Misuse and Cybercrimes Act of 2018

Steps Kenya proposes:

1. train police in digital forensics
1. share threat data through the NCB in Nairobi"""


def tree(markdown: str) -> list[str]:
    """Block kinds of the paper's tree, nested lists as 'ul>ul'."""
    kinds = []
    for block in parse(markdown):
        kinds.append(block["t"])
        for item in block.get("items", []):
            kinds += [f"{block['t']}>{b['t']}" for b in item if b["t"] in ("ul", "ol")]
    return kinds


@pytest.mark.parametrize("source", ["word", "gdocs", "pages"])
def test_clipboard_html_and_plain_text_become_the_same_lists(source):
    html = (FILES / f"paste_{source}.html").read_text(encoding="utf-8")
    text = (FILES / f"paste_{source}.txt").read_text(encoding="utf-8")
    assert pasted_markdown(text, html) == KENYA
    assert pasted_markdown(text) == KENYA  # a browser that offers only the plain form
    assert tree(KENYA) == ["p", "ul", "ul>ul", "p", "ol"]


def test_word_html_drops_its_bullet_span_and_styles():
    blocks = html_blocks((FILES / "paste_word.html").read_text(encoding="utf-8"))
    texts = " ".join(b.text for b in blocks)
    assert "·" not in texts and "mso" not in texts and "font-family" not in texts
    assert [b.level for b in blocks if b.level is not None] == [0, 1, 0, 0, 0]


@pytest.mark.parametrize("glyph", ["•", "◦", "▪", "-", "*", "o", "·", "§"])
def test_each_bullet_kind_followed_by_a_tab(glyph):
    markdown = pasted_markdown(f"Measures:\n{glyph}\tone\n{glyph}\ttwo\nAfter.")
    assert markdown is not None
    blocks = parse(markdown)
    assert [b["t"] for b in blocks] == ["p", "ul", "p"]
    assert len(blocks[1]["items"]) == 2


def test_word_sub_bullets_nest_and_osub_is_gone():
    markdown = pasted_markdown("•\tpoint\no\tsub-point\n▪\tdeeper\n•\tnext")
    assert markdown == "- point\n  - sub-point\n    - deeper\n- next"
    assert "osub" not in markdown


@pytest.mark.parametrize("marker", ["1.", "1)"])
def test_numbered_lines(marker):
    markdown = pasted_markdown(f"Steps:\n{marker} train\n{marker.replace('1', '2')} share")
    assert markdown == "Steps:\n\n1. train\n1. share"
    assert [b["t"] for b in parse(markdown)] == ["p", "ol"]


def test_letters_are_kept_as_written_under_a_number():
    markdown = pasted_markdown("1.\tfirst\na)\tpart one\nb)\tpart two")
    assert markdown == "1. first\n   - a) part one\n   - b) part two"
    assert tree(markdown) == ["ol", "ol>ul"]


def test_text_without_a_list_is_left_to_the_browser():
    assert pasted_markdown("A paragraph.\nAnother line, o not a bullet.") is None
    assert pasted_markdown("Plain text", "<p>Plain <b>text</b></p>") is None


def test_html_that_loses_words_gives_way_to_the_plain_text():
    text = "•\tkept in the plain form\n•\tand this too"
    html = "<ul><li>kept in the plain form</li></ul>"  # the second item is missing
    assert pasted_markdown(text, html) == "- kept in the plain form\n- and this too"


def test_item_text_that_looks_like_markdown_stays_text():
    markdown = pasted_markdown("•\t# not a heading\n•\t2. not a number")
    assert markdown is not None
    items = parse(markdown)[0]["items"]
    assert [b["t"] for item in items for b in item] == ["p", "p"]


def test_paste_splices_at_the_selection_with_blank_lines():
    text = (FILES / "paste_word.txt").read_text(encoding="utf-8")
    message = {"section": "mb-section-A-policy", "text": text, "html": "", "start": 7, "end": 7}
    section, value, caret = paste_result({**message, "before": "Before.After."})
    assert section == "mb-section-A-policy"
    assert value == "Before.\n\n" + KENYA + "\n\nAfter."
    assert value[:caret].endswith(KENYA + "\n\n")


def test_paste_bounds():
    base = {"section": "x", "before": "", "html": "", "start": 0, "end": 0}
    assert paste_result({**base, "text": "•\ta" * (MAX_PASTE_TEXT // 3 + 1)}) is None
    assert paste_result({**base, "text": "x" * MAX_PASTE_TEXT}) is not None
    huge = "<ul><li>a</li></ul>" + " " * MAX_PASTE_HTML  # one past: the plain form alone
    assert paste_result({**base, "text": "plain a", "html": huge})[1] == "plain a"
    assert paste_result({**base, "text": 5}) is None
