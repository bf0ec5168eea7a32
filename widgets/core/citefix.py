"""Small repairs to citeproc-py's entries, each for one rule it does not follow.

citeproc-py (0.11) leaves out parts of CSL that the MLA, APA and Chicago
styles rely on: American punctuation inside quotation marks, the access date
of dated web pages, suppressing a title used in place of the author. Each
function here mends one of them on the entry's HTML, given the CSL item it
came from.
"""

from __future__ import annotations

import re

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# MLA 9 abbreviates months longer than four letters (appendix 1): "Sept.", "June".
MLA_MONTHS = [
    "Jan.",
    "Feb.",
    "Mar.",
    "Apr.",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]

_FIRST = re.compile(r"^(“[^”]*”|<i>[^<]*</i>)\. ")


def mend(entry: str, item: dict, style: str) -> str:
    """``entry`` with every repair that applies to ``style``."""
    entry = _title_once(entry, item)
    # A title ending in "?" or "!" takes no period after it (all three guides).
    entry = re.sub(r"([?!])</i>\.", r"\1</i>", entry)
    if style in ("mla", "chicago"):
        entry = _quotes(entry)
    if style == "chicago":
        entry = _chicago_date(entry, item)
        entry = re.sub(r"\. Edition\.", ".", entry)  # a label printed without its edition
    return _accessed(entry, item, style)


def _quotes(entry: str) -> str:
    """MLA and Chicago put a period or comma inside the closing quotation mark.

    A title that ends in "?" or "!" keeps that mark alone: `“Who Pays?”` not `“Who Pays?.”`.
    """
    entry = re.sub(r"([?!])”[.,]", r"\1”", entry)
    return re.sub(r"”([.,])", r"\1”", entry)


def _title_once(entry: str, item: dict) -> str:
    """With no author, the styles put the title first; citeproc-py then prints it again."""
    if item.get("author"):
        return entry
    first = _FIRST.match(entry)
    if not first:
        return entry
    title = re.escape(first.group(1))
    # The repeat follows at once, or after APA's date: "<i>T</i>. (n.d.). <i>T</i>. ..."
    return re.sub(rf"^({title}\. (?:\([^)]*\)\. )?){title}\. ", r"\1", entry, count=1)


def _accessed(entry: str, item: dict, style: str) -> str:
    """Print the access date of a web source where the style says, if citeproc-py did not.

    MLA 9 (2.6.2): "Accessed 3 Mar. 2026." at the end. Chicago (14.12, 15.50):
    "Accessed March 3, 2026." before the URL. APA 7 (9.16) gives a retrieval date
    only for pages that change and carry no date: the APA style does that already.
    """
    parts = (item.get("accessed") or {}).get("date-parts", [[]])[0]
    if style == "apa" or not item.get("URL") or len(parts) != 3 or "ccessed" in entry:
        return entry
    year, month, day = parts
    if not 1 <= month <= 12:
        return entry
    if style == "mla":
        return f"{entry} Accessed {day} {MLA_MONTHS[month - 1]} {year}."
    note = f"Accessed {MONTHS[month - 1]} {day}, {year}. "
    at = entry.rfind(item["URL"])
    return entry[:at] + note + entry[at:] if at >= 0 else f"{entry} {note.strip()}"


def _chicago_date(entry: str, item: dict) -> str:
    """Chicago 17 (15.49) repeats the year in a full date: "Daily Nation, May 12, 2024."

    The CSL style prints "May 12" only (the year already follows the author).
    """
    parts = (item.get("issued") or {}).get("date-parts", [[]])[0]
    if len(parts) != 3 or not 1 <= parts[1] <= 12:
        return entry
    year, month, day = parts
    return entry.replace(f", {MONTHS[month - 1]} {day}.", f", {MONTHS[month - 1]} {day}, {year}.")
