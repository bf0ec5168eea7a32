"""Comments as HTML: a comment's card and a section's text with its commented passages marked.

Everything a person typed is escaped (a comment is plain text: markdown is shown
as typed, never rendered as HTML); line breaks are kept.
"""

from __future__ import annotations

from html import escape
from itertools import pairwise

ROLE_LABEL = {"chair": "Chair", "advisor": "Advisor"}


def plain(text: str) -> str:
    """Typed text as HTML: escaped, line breaks kept."""
    return escape(text).replace("\n", "<br>")


def where(comment, titles: dict[str, str]) -> str:
    if comment.section is None:
        return "the whole paper"
    title = titles.get(comment.section, comment.section)
    return title if comment.quote is None else f"a passage in {title}"


MOVED = {
    "gone": "This passage is no longer in the text as it is now.",
    "changed": "You have changed this passage since the comment.",
}


def card_html(
    comment, number: int, titles: dict[str, str], moved: str = "", replier: str = "You"
) -> str:
    """One comment: its number, author and role, where it is, the quote, the text, replies
    (``replier``: who they are to the reader, "You" for the delegate)."""
    role = ROLE_LABEL.get(comment.author_role, comment.author_role)
    head = (
        f"<span class='mb-comment-n'>{number}</span> <b>{escape(comment.author_name)}</b> "
        f"<span class='mb-comment-role mb-role-{escape(comment.author_role)}'>{role}</span> "
        f"<span class='mb-quiet'>on {escape(where(comment, titles))}</span>"
    )
    quote = ""
    if comment.quote:
        quote = f"<blockquote class='mb-comment-quote'>“{plain(comment.quote)}”</blockquote>"
        if moved in MOVED:
            quote += f"<div class='mb-warn mb-comment-moved'>{MOVED[moved]}</div>"
    replies = "".join(
        f"<div class='mb-comment-reply'><b>{escape(replier)} replied:</b> {plain(r.body)}</div>"
        for r in comment.replies
    )
    return (
        f"<div class='mb-comment' data-comment='{comment.id}'>"
        f"<div class='mb-comment-head'>{head}</div>{quote}"
        f"<div class='mb-comment-body'>{plain(comment.body)}</div>{replies}</div>"
    )


def marked_html(
    text: str, places: dict[int, tuple[int, int, str] | None], numbers: dict[int, int]
) -> str:
    """``text`` with each comment's passage (``places``, by comment id) marked and numbered."""
    spans = [(p[0], p[1], numbers[cid]) for cid, p in places.items() if p]
    cuts = sorted({0, len(text), *(a for a, _, _ in spans), *(b for _, b, _ in spans)})
    out = []
    for a, b in pairwise(cuts):
        piece = plain(text[a:b])
        on = [n for s, e, n in spans if s <= a and e >= b]
        out.append(f"<mark class='mb-passage'>{piece}</mark>" if on else piece)
        out += [f"<sup class='mb-comment-n'>{n}</sup>" for s, e, n in spans if e == b]
    return f"<div class='mb-commented-text'>{''.join(out)}</div>"
