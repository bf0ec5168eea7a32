"""How much a comment may hold, and one check for a comment, a reply and a bank entry.

A chair's note on a two-page paper is a sentence or a paragraph; a quoted
passage a sentence or two. So: a comment or reply up to 2,000 characters, a
quoted passage up to 1,000, 200 comments on one delegation's paper (all its
drafts and submissions together), 50 replies to one comment and 100 entries in
a committee's comment bank. Every limit is said on the page that takes the text.
"""

from __future__ import annotations

from ..exceptions import CommentRefused

COMMENT_CHARS = 2_000  # characters of one comment (and of one comment-bank entry)
QUOTE_CHARS = 1_000  # characters of the passage a comment quotes
COMMENTS_PER_PAPER = 200  # comments on one delegation's paper, drafts and submissions together
REPLY_CHARS = 2_000  # characters of one reply by the delegate
REPLIES_PER_COMMENT = 50  # replies to one comment
BANK_PER_COMMITTEE = 100  # entries in a committee's comment bank (the file's and the chairs')
AUTHOR_NAME_CHARS = 200  # characters of a comment author's name as shown
SECTION_KEY_CHARS = 64  # characters of a section's key (A.background), as the table holds it
ROLES = ("chair", "advisor")  # who writes comments; delegates reply

LIMITS_TEXT = (
    f"A comment holds up to {COMMENT_CHARS:,} characters and quotes up to {QUOTE_CHARS:,}; "
    f"a paper takes up to {COMMENTS_PER_PAPER} comments, the committee's comment bank up to "
    f"{BANK_PER_COMMITTEE} entries. Comments are plain text."
)
REPLY_TEXT = f"A reply holds up to {REPLY_CHARS:,} characters, plain text."


def check_text(text: str, what: str, limit: int) -> None:
    """CommentRefused when ``text`` is empty or longer than ``limit`` characters."""
    if not isinstance(text, str) or not text.strip():
        raise CommentRefused(f"{what} is empty: write something first; nothing was saved")
    if len(text) > limit:
        raise CommentRefused(
            f"{what} is {len(text):,} characters; at most {limit:,}: nothing was saved"
        )


def check_comment(
    body: str,
    section: str | None,
    quote: str | None,
    start: int | None,
    end: int | None,
) -> None:
    """CommentRefused unless this is a whole-paper, whole-section or passage comment in bounds."""
    check_text(body, "the comment", COMMENT_CHARS)
    if section is None:
        if quote is not None or start is not None or end is not None:
            raise CommentRefused("a quoted passage needs its section; nothing was saved")
        return
    if not section or len(section) > SECTION_KEY_CHARS:
        raise CommentRefused(f"no such section {section[:SECTION_KEY_CHARS]!r}; nothing was saved")
    if quote is None:
        if start is not None or end is not None:
            raise CommentRefused("a passage's place needs its quoted text; nothing was saved")
        return
    check_text(quote, "the quoted passage", QUOTE_CHARS)
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end:
        raise CommentRefused("the passage's place (start, end) is not valid; nothing was saved")
    if end - start != len(quote):
        raise CommentRefused("the passage's place does not match its text; nothing was saved")


def check_author(key: str, role: str, name: str) -> None:
    if role not in ROLES:
        raise CommentRefused(f"only a chair or an advisor comments, not {role[:20]!r}")
    if not key or len(key) > 128:
        raise CommentRefused("a comment needs its author's identity")
    if len(name) > AUTHOR_NAME_CHARS:
        raise CommentRefused(f"an author's name is at most {AUTHOR_NAME_CHARS} characters")
