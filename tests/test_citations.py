"""Works cited checked against entries written from each style guide's own examples.

The expected strings follow the patterns of the MLA Handbook 9 (web page 5.x
"Accessed" element, URLs without the protocol, an organisation that is author
and publisher listed once as publisher), the APA Publication Manual 7 (10.16
web page, 10.1 newspaper, 10.4 report with group author, retrieval date only
for undated pages) and the Chicago Manual of Style 17 author-date (15.49
newspaper, 15.50-51 web page with the access date before the URL). Italics
are <i>...</i>, as the entries come back as HTML.
"""

import pytest

from widgets.core import limits
from widgets.core.citations import (
    cited_order,
    date_problem,
    parse_authors,
    source_problem,
    works_cited,
)
from widgets.paper import notebook

WEB_PERSON = {
    "author": "Mwangi, Peter",
    "title": "Counterfeit Medicines in East Africa",
    "publisher": "Health Watch Kenya",
    "date": "2024-05-12",
    "url": "https://healthwatch.example.org/counterfeit",
    "accessed": "2026-03-03",
}
WEB_CORPORATE = {
    "author": "World Health Organization",
    "title": "Substandard and Falsified Medical Products",
    "publisher": "WHO",
    "date": "2018-01-31",
    "url": "https://www.who.int/fact-sheets/falsified-medical-products",
    "accessed": "2026-03-03",
}
REPORT = {
    "kind": "document",
    "author": "AT&T",
    "title": "Cybersecurity Insights Report",
    "publisher": "AT&T",
    "date": "2023",
}
NEWS = {
    "kind": "news",
    "author": "Otieno, Grace",
    "title": "Police Seize Fake Drugs Worth Sh20 Million",
    "publisher": "Daily Nation",
    "date": "2024-05-12",
    "url": "https://nation.africa/kenya/news/fake-drugs",
    "accessed": "2026-03-03",
}
UNDATED = {
    "author": "INTERPOL",
    "title": "Operation Pangea",
    "publisher": "INTERPOL",
    "url": "https://www.interpol.int/Crimes/Pangea",
    "accessed": "2026-03-03",
}
# Typed in this order on purpose: the works cited must come out alphabetical.
SOURCES = [WEB_CORPORATE, UNDATED, WEB_PERSON, NEWS, REPORT]

EXPECTED = {
    "mla": [
        # AT&T is author and publisher: MLA 9 starts with the title, sorted by it.
        "<i>Cybersecurity Insights Report</i>. AT&amp;T, 2023.",
        "Mwangi, Peter. “Counterfeit Medicines in East Africa.” <i>Health Watch Kenya</i>, "
        "12 May 2024, healthwatch.example.org/counterfeit. Accessed 3 Mar. 2026.",
        "“Operation Pangea.” <i>INTERPOL</i>, www.interpol.int/Crimes/Pangea. "
        "Accessed 3 Mar. 2026.",
        "Otieno, Grace. “Police Seize Fake Drugs Worth Sh20 Million.” <i>Daily Nation</i>, "
        "12 May 2024, nation.africa/kenya/news/fake-drugs. Accessed 3 Mar. 2026.",
        "World Health Organization. “Substandard and Falsified Medical Products.” <i>WHO</i>, "
        "31 Jan. 2018, www.who.int/fact-sheets/falsified-medical-products. Accessed 3 Mar. 2026.",
    ],
    "apa": [
        "AT&amp;T. (2023). <i>Cybersecurity Insights Report</i>.",
        "INTERPOL. (n.d.). <i>Operation Pangea</i>. Retrieved March 3, 2026, from "
        "https://www.interpol.int/Crimes/Pangea",
        # APA 7 (9.8) gives initials for given names: "Mwangi, P." is the guide's form.
        "Mwangi, P. (2024, May 12). <i>Counterfeit Medicines in East Africa</i>. "
        "Health Watch Kenya. https://healthwatch.example.org/counterfeit",
        "Otieno, G. (2024, May 12). Police Seize Fake Drugs Worth Sh20 Million. "
        "<i>Daily Nation</i>. https://nation.africa/kenya/news/fake-drugs",
        "World Health Organization. (2018, January 31). "
        "<i>Substandard and Falsified Medical Products</i>. WHO. "
        "https://www.who.int/fact-sheets/falsified-medical-products",
    ],
    "chicago": [
        "AT&amp;T. 2023. <i>Cybersecurity Insights Report</i>. AT&amp;T.",
        "INTERPOL. n.d. “Operation Pangea.” INTERPOL. Accessed March 3, 2026. "
        "https://www.interpol.int/Crimes/Pangea.",
        "Mwangi, Peter. 2024. “Counterfeit Medicines in East Africa.” Health Watch Kenya, "
        "May 12, 2024. Accessed March 3, 2026. https://healthwatch.example.org/counterfeit.",
        "Otieno, Grace. 2024. “Police Seize Fake Drugs Worth Sh20 Million.” <i>Daily Nation</i>, "
        "May 12, 2024. Accessed March 3, 2026. https://nation.africa/kenya/news/fake-drugs.",
        "World Health Organization. 2018. “Substandard and Falsified Medical Products.” WHO, "
        "January 31, 2018. Accessed March 3, 2026. "
        "https://www.who.int/fact-sheets/falsified-medical-products.",
    ],
}


@pytest.mark.parametrize("style", ["mla", "apa", "chicago"])
def test_entries_match_the_style_guides(style: str):
    assert works_cited(SOURCES, style) == EXPECTED[style]


@pytest.mark.parametrize("style", ["mla", "apa", "chicago"])
def test_each_kind_alone_is_the_same_entry(style: str):
    """Sorting, not neighbours, decides each entry: formatted alone, each is the same."""
    for source in SOURCES:
        (entry,) = works_cited([source], style)
        assert entry in EXPECTED[style]


def test_no_author_title_once_and_question_mark_kept():
    source = {
        "title": "Why Do Fake Medicines Spread?",
        "publisher": "Africa Check",
        "url": "https://africacheck.org/fake-medicines",
        "accessed": "2025-09-14",
    }
    assert works_cited([source], "mla") == [
        "“Why Do Fake Medicines Spread?” <i>Africa Check</i>, africacheck.org/fake-medicines. "
        "Accessed 14 Sept. 2025."
    ]
    assert works_cited([source], "apa") == [
        "<i>Why Do Fake Medicines Spread?</i> (n.d.). Africa Check. Retrieved September 14, "
        "2025, from https://africacheck.org/fake-medicines"
    ]


def test_authors_person_organisation_and_braces():
    assert parse_authors("Mwangi, Peter; AT&T; {Ministry of Health, Kenya}; INTERPOL") == [
        {"family": "Mwangi", "given": "Peter"},
        {"literal": "AT&amp;T"},
        {"literal": "Ministry of Health, Kenya"},
        {"literal": "INTERPOL"},
    ]
    two = {"author": "Mwangi, Peter; Achieng, Mary Atieno", "title": "Pharmacy Law", "date": "2020"}
    assert works_cited([two], "mla") == [
        "Mwangi, Peter, and Mary Atieno Achieng. <i>Pharmacy Law</i>. 2020."
    ]


def test_sorting_ignores_case_accents_and_articles():
    titles = ["The Zambezi Plan", "Ébola Response", "apple report", "Drug Routes"]
    entries = works_cited([{"title": t, "kind": "document"} for t in titles], "mla")
    assert [e.split("</i>")[0].removeprefix("<i>") for e in entries] == [
        "Apple Report",
        "Drug Routes",
        "Ébola Response",
        "The Zambezi Plan",
    ]


def test_text_is_escaped_and_markdown_keeps_every_character():
    source = {"author": "<b>Evil</b> & Co", "title": "*Not italic* [x](y)", "date": "2020"}
    (entry,) = works_cited([source], "mla")
    assert "<b>" not in entry and "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in entry
    assert "\\*Not Italic\\* \\[x\\](y)" in notebook.entry_markdown(entry)


def test_sources_limit_stays():
    with pytest.raises(limits.LimitExceeded):
        works_cited([{"title": f"T{i}"} for i in range(limits.SOURCES + 1)], "mla")
    with pytest.raises(limits.LimitExceeded):
        works_cited([{"title": "x" * (limits.SOURCE_FIELD_CHARS + 1)}], "apa")


@pytest.mark.parametrize("text", ["2024", "2024-03", "2024-03-15", "2024-02-29", ""])
def test_dates_a_year_year_month_or_full_date(text):
    assert date_problem("Published", text) is None


@pytest.mark.parametrize(
    "text", ["March 2024", "2024-3", "15/03/2024", "2024-13", "2023-02-29", "2024-03-15T10:00"]
)
def test_other_dates_refused_naming_the_field(text):
    problem = date_problem("Published", text)
    assert problem and problem.startswith("Published:") and "2024-03" in problem
    assert source_problem({"title": "T", "accessed": text}).startswith("Accessed:")


def test_cited_order_gives_each_entry_its_source():
    sources = [{"title": "Zebra report"}, {"author": ""}, {"title": "Apple report"}]
    order = cited_order(sources, "mla")
    assert [index for index, _ in order] == [2, 0]
    assert "Apple" in order[0][1] and works_cited(sources, "mla") == [e for _, e in order]
