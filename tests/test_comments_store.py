"""Comments pinned to passages in the store: both stores, SQLite and PostgreSQL, every limit."""

from __future__ import annotations

import pytest
from conftest import delegation_with_code

from widgets.core import comment_limits as cl
from widgets.exceptions import CommentRefused
from widgets.store import KernelStore, Store
from widgets.store.comment_records import Author

CHAIR = Author("staff:3", "chair", "Ana Ruiz")
ADVISOR = Author("advisor-code:nairobi academy", "advisor", "Advisor, Nairobi Academy")
TEXT = "Kenya works with AFRIPOL. Operation Pangea seized fake medicines."


def passage(quote: str) -> dict:
    start = TEXT.index(quote)
    return {"section": "A.background", "quote": quote, "start": start, "end": start + len(quote)}


def test_a_passage_a_section_and_the_whole_paper(store: Store):
    kenya, _ = delegation_with_code(store)
    sub = store.add_submission(kenya, pdf=b"%PDF-1.7 x", sha256="a" * 64, notebook="{}")
    first = store.add_comment(kenya, CHAIR, "Which year?", submission_id=sub, **passage("AFRIPOL"))
    store.add_comment(kenya, CHAIR, "Too short.", section="A.solutions", submission_id=sub)
    store.add_comment(kenya, ADVISOR, "Well argued <b>overall</b>.", draft_version=2)
    found = store.comments(kenya)
    assert [c.body for c in found] == ["Which year?", "Too short.", "Well argued <b>overall</b>."]
    one = found[0]
    assert (one.section, one.quote, one.start, one.end) == ("A.background", "AFRIPOL", 17, 24)
    assert (one.submission_id, one.draft_version, one.author_key) == (sub, None, "staff:3")
    assert one.visible_to_chairs and not found[2].visible_to_chairs
    assert found[1].quote is None and found[2].section is None and found[2].draft_version == 2
    # Chairs never read an advisor's comment.
    assert [c.body for c in store.comments(kenya, chairs_only=True)] == [
        "Which year?",
        "Too short.",
    ]
    assert one.note() == {
        "section": "A.background",
        "quote": "AFRIPOL",
        "start": 17,
        "end": 24,
        "body": "Which year?",
        "author_name": "Ana Ruiz",
        "author_role": "chair",
    }
    assert store.delete_comment(first, "staff:4") is False  # not the author's
    assert store.delete_comment(first, "staff:3") is True
    assert len(store.comments(kenya)) == 2


def test_replies_only_on_the_delegations_own_comments(store: Store):
    kenya, _ = delegation_with_code(store)
    japan = store.add_delegation("interpol", "JPN", "Aiko", "Tokyo High")
    mine = store.add_comment(kenya, CHAIR, "Cite it.", **passage("Operation Pangea"))
    theirs = store.add_comment(japan, CHAIR, "Cite it too.")
    kernel = KernelStore(store.url)
    try:
        for subject in (store, kernel):
            subject.add_reply(mine, kenya, f"Added the WHO report ({type(subject).__name__}).")
            with pytest.raises(CommentRefused, match=f"no comment {theirs} on this paper"):
                subject.add_reply(theirs, kenya, "Not mine to answer")
            with pytest.raises(CommentRefused, match="no comment 9999"):
                subject.add_reply(9999, kenya, "No such comment")
        for subject in (store, kernel):
            assert subject.comments(kenya) == store.comments(kenya)
        replies = store.comments(kenya)[0].replies
        assert [r.body for r in replies] == [
            "Added the WHO report (Store).",
            "Added the WHO report (KernelStore).",
        ]
        assert {r.author for r in replies} == {"delegate"}
        assert store.comments(japan)[0].replies == ()
        assert kernel.comments(kenya, chairs_only=True) == store.comments(kenya, chairs_only=True)
    finally:
        kernel.dispose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"body": "x" * (cl.COMMENT_CHARS + 1)}, "the comment is 2,001 characters; at most 2,000"),
        ({"body": "   "}, "the comment is empty"),
        ({"quote": "q" * (cl.QUOTE_CHARS + 1), "end": cl.QUOTE_CHARS + 1}, "at most 1,000"),
        ({"end": 5}, "does not match its text"),
        ({"start": -1, "end": 2}, "not valid"),
        ({"section": None}, "needs its section"),
    ],
)
def test_a_comment_past_a_limit_is_refused(store: Store, change: dict, message: str):
    kenya, _ = delegation_with_code(store)
    fields = {"body": "ok", "section": "A.background", "quote": "abc", "start": 0, "end": 3}
    with pytest.raises(CommentRefused, match=message):
        store.add_comment(kenya, CHAIR, **{**fields, **change})
    assert store.comments(kenya) == []
    store.add_comment(kenya, CHAIR, **{**fields, "body": "x" * cl.COMMENT_CHARS})  # at the limit


def test_the_comments_of_a_paper_and_the_replies_are_bounded(store: Store):
    kenya, _ = delegation_with_code(store)
    for n in range(cl.COMMENTS_PER_PAPER):
        last = store.add_comment(kenya, CHAIR, f"note {n}")
    with pytest.raises(CommentRefused, match="200 comments, the most it takes"):
        store.add_comment(kenya, ADVISOR, "one too many")
    assert len(store.comments(kenya)) == cl.COMMENTS_PER_PAPER
    with pytest.raises(CommentRefused, match="2,001 characters; at most 2,000"):
        store.add_reply(last, kenya, "r" * (cl.REPLY_CHARS + 1))
    for n in range(cl.REPLIES_PER_COMMENT):
        store.add_reply(last, kenya, "r" * cl.REPLY_CHARS if n == 0 else f"reply {n}")
    with pytest.raises(CommentRefused, match="up to 50 replies"):
        store.add_reply(last, kenya, "one more")


def test_the_comment_bank(store: Store):
    mine = store.add_to_bank("interpol", "staff:3", "Cite the WHO report.")
    store.add_to_bank("interpol", "staff:4", "Name the NCB.")
    store.add_to_bank("unodc", "staff:3", "Elsewhere.")
    assert [e.body for e in store.bank("interpol")] == ["Cite the WHO report.", "Name the NCB."]
    assert [e.id for e in store.bank("interpol", "staff:3")] == [mine]
    assert store.delete_from_bank(mine, "staff:4") is False
    assert store.delete_from_bank(mine, "staff:3") is True
    with pytest.raises(CommentRefused, match="at most 2,000"):
        store.add_to_bank("interpol", "staff:3", "b" * (cl.COMMENT_CHARS + 1))
    for n in range(cl.BANK_PER_COMMITTEE - 1):
        store.add_to_bank("interpol", "staff:3", f"saved {n}")
    with pytest.raises(CommentRefused, match="up to 100 comments per committee"):
        store.add_to_bank("interpol", "staff:5", "one too many")
    assert len(store.bank("interpol")) == cl.BANK_PER_COMMITTEE


def test_only_chairs_and_advisors_comment(store: Store):
    kenya, _ = delegation_with_code(store)
    with pytest.raises(CommentRefused, match="only a chair or an advisor"):
        store.add_comment(kenya, Author("delegate:1", "delegate", "Me"), "Self-praise")
    with pytest.raises(CommentRefused, match="name is at most 200"):
        store.add_comment(kenya, Author("staff:1", "chair", "n" * 201), "x")
