"""Released feedback people can read: the PDF's notes, the delegate's tab, the advisor's view.

A real store (SQLite and PostgreSQL), a real submission, two chairs' scores and
their comments; the PDF read back with pypdf; the delegate's page and the
advisor's page driven through their real widget objects.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import full_content, pdf_words

from widgets.core import committees
from widgets.store import Store
from widgets.store.comment_records import Author
from widgets.workflows import review, submit

BACKGROUND = (
    "Counterfeit medicines kill patients every year.\n\n"
    "Operation Pangea seized 12 million doses in 2023. Kenya joined AFRIPOL in 2019."
)
REVISED = "Fake medicines are a growing threat. " + BACKGROUND.replace("every year", "each year")
POLICY = "Kenya will train customs officers and share seizure data."
ADVISOR_SAYS = "ADVISOR-ONLY note for the delegate"


def in_order(text: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not after position {at} in {text[at : at + 600]!r}"
        at = found + len(part)


def _submit(store: Store, delegation: int, background: str) -> dict:
    content = full_content()
    content["sections"]["A.background"] = background
    content["sections"]["A.country_policy"] = POLICY
    latest = store.latest_draft(delegation)
    store.save_draft(delegation, content, latest.version if latest else None)
    submit.submit(store, delegation)
    return store.submissions(delegation)[-1]


@pytest.fixture
def scored(store: Store) -> dict:
    """Kenya (Nairobi Academy) submitted, commented by two chairs and its advisor, revised,
    resubmitted and scored by both chairs; Japan (Tokyo High) scored too."""
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato", "Tokyo High")
    ana, _ = store.add_staff("chair", "Ana Ruiz", committee="interpol")
    luis, _ = store.add_staff("chair", "Luis Díaz", committee="interpol")
    a = Author(f"staff:{ana.id}", "chair", "Ana Ruiz", committee="interpol")
    b = Author(f"staff:{luis.id}", "chair", "Luis Díaz", committee="interpol")
    first = _submit(store, kenya, BACKGROUND)
    at = BACKGROUND.index("12 million doses")
    store.add_comment(
        kenya, a, "Cite the source.", "A.background", "12 million doses", at, at + 16,
        submission_id=first["id"],
    )  # fmt: skip
    at = BACKGROUND.index("kill patients every year")
    store.add_comment(
        kenya, b, "How many a year?", "A.background", "kill patients every year", at, at + 24,
        submission_id=first["id"],
    )  # fmt: skip
    store.add_comment(kenya, b, "Name the partners.", "A.country_policy", submission_id=first["id"])
    advisor = Author("advisor-code:nairobi academy", "advisor", "Advisor, Nairobi Academy")
    store.add_comment(kenya, advisor, ADVISOR_SAYS, "A.background", "AFRIPOL", 0, 7)
    second = _submit(store, kenya, REVISED)
    store.add_comment(kenya, a, "Well argued overall.", submission_id=second["id"])
    names = [c.name for c in committees.load("interpol").rubric]
    store.save_review(kenya, a.key, {n: 8 for n in names}, "Strong research.")
    store.save_review(kenya, b.key, {**{n: 8 for n in names}, names[2]: 6})
    store.save_review(japan, a.key, {n: 5 for n in names}, "JAPAN-ONLY remark")
    store.add_comment(japan, a, "JAPAN-PASSAGE comment", submission_id=None)
    return {"kenya": kenya, "japan": japan, "a": a, "b": b, "second": second}


def test_the_feedback_pdf_prints_the_comments_beside_their_passages(store: Store, scored: dict):
    words = pdf_words(review.feedback_pdf(store, scored["kenya"]))
    in_order(
        words,
        "Category Weight Points Points × weight",
        "Topic background 15 % 8 / 10 12",
        "Country policy 30 % 7 / 10 21",
        "Total 77 / 100",
        "With 2 chairs",
        "Comments on the whole paper",
        "1 On the whole paper — Ana Ruiz (chair) Well argued overall.",
        "Strong research.",
        "Your paper, with the comments",
        "Topic A · Topic background",
        # made on the first submission, found again in the revised one
        "Fake medicines are a growing threat. Counterfeit medicines kill patients each year2.",
        "Operation Pangea seized 12 million doses3 in 2023.",
        "2 Passage edited since this comment, which quoted “kill patients every year”",
        "— Luis Díaz (chair) How many a year?",
        "3 “12 million doses” — Ana Ruiz (chair) Cite the source.",
        "Topic A · Country policy4",
        "4 On the whole section — Luis Díaz (chair) Name the partners.",
    )
    assert ADVISOR_SAYS not in words and "Advisor" not in words
    assert "JAPAN" not in words


def test_a_paper_scored_without_a_submission_still_gets_its_pdf(store: Store):
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    store.save_review(kenya, "Chair A", {c.name: 9 for c in committees.load("interpol").rubric})
    words = pdf_words(review.feedback_pdf(store, kenya))
    assert "Total 90 / 100" in words and "Your paper, with the comments" not in words


def release(store: Store, ago: timedelta = timedelta(minutes=1)) -> None:
    store.set_feedback_release("interpol", datetime.now(UTC) - ago)


def pdf_in(html: str) -> bytes:
    """The PDF a data link in ``html`` carries."""
    import base64
    import re

    found = re.search(r"href='data:application/pdf;base64,([^']+)'", html)
    assert found, "no PDF link"
    return base64.b64decode(found.group(1))


def open_workbook(url: str, delegation: int):
    from widgets.apps.workbook import WorkbookApp
    from widgets.core import countries
    from widgets.store import KernelStore

    kernel = KernelStore(url)  # what a delegate's kernel uses
    return WorkbookApp(
        kernel, kernel.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_the_delegate_reads_scores_comments_and_the_pdf_once_released(store: Store, scored: dict):
    app = open_workbook(store.url, scored["kenya"])
    app.tabs.selected_index = 6  # Feedback
    html = app.feedback_panel.html.value
    assert "once they release it" in html and "77" not in html
    cards = [getattr(t, "card", t).value for t in app.feedback_panel.comments_box.children]
    assert not any("Cite the source." in c for c in cards)  # chairs' not yet
    assert any(ADVISOR_SAYS in c for c in cards)  # the advisor's at once
    release(store)
    app.tabs.selected_index = 0
    app.tabs.selected_index = 6
    html = app.feedback_panel.html.value
    for row in (
        "<td>Topic background</td><td>15 %</td><td>8 / 10</td><td>12</td>",
        "<td>Country policy</td><td>30 %</td><td>7 / 10</td><td>21</td>",
        "<b>77 / 100</b>",
        "With 2 chairs",
        "Strong research.",
    ):
        assert row in html
    assert "JAPAN" not in html
    cards = [t.card.value for t in app.feedback_panel.comments_box.children[1:]]
    assert len(cards) == 5  # four chairs' comments and the advisor's, none of Japan's
    passage = next(c for c in cards if "Cite the source." in c)
    assert "“12 million doses”" in passage and "Ana Ruiz" in passage
    edited = next(c for c in cards if "How many a year?" in c)
    assert "“kill patients every year”" in edited
    assert not any("JAPAN" in c for c in cards)
    words = pdf_words(pdf_in(html))
    assert "Total 77 / 100" in words and "12 million doses3" in words


def test_an_advisor_reads_their_schools_released_feedback_only(store: Store, scored: dict):
    from widgets.apps.advisor import AdvisorPage
    from widgets.core.access import ADVISOR, Grant

    kenya, japan = scored["kenya"], scored["japan"]
    page = AdvisorPage(store, Grant(ADVISOR, "Nairobi Academy"))
    panel = page.feedback
    assert [v for _, v in panel.delegation.options] == [kenya]  # Japan is not offered
    # Before release: nothing, even for their own school.
    assert not panel.open_feedback(kenya)
    assert "not released feedback yet" in panel.message.value
    assert panel.scores.value == "" and panel.comments.value == ""
    release(store)
    # Another school's delegation, named by id as a browser could: refused in the kernel.
    assert not panel.open_feedback(japan)
    assert "not of your school" in panel.message.value
    assert "JAPAN" not in panel.scores.value + panel.comments.value
    panel.delegation.value = kenya
    panel.open_button.click()
    assert "Feedback for Kenya" in panel.message.value, panel.message.value
    scores = panel.scores.value
    assert "<td>Country policy</td><td>30 %</td><td>7 / 10</td><td>21</td>" in scores
    assert "<b>77 / 100</b>" in scores and "Strong research." in scores
    assert pdf_in(scores) == store.submissions(kenya)[-1]["pdf"]  # the submitted paper
    assert "feedback.pdf" in scores
    comments = panel.comments.value
    assert "Comments on the paper (5)" in comments
    assert "“12 million doses”" in comments and "Cite the source." in comments
    assert ADVISOR_SAYS in comments  # their own, beside the chairs'
    # Released later for another committee's school: the secretariat sees every school.
    everyone = AdvisorPage(store, Grant("secretariat")).feedback
    assert everyone.open_feedback(japan) and "JAPAN-ONLY remark" in everyone.scores.value


def test_a_released_committee_shows_an_unscored_paper_as_not_scored(store: Store):
    from widgets.apps.advisor_feedback import ReleasedFeedback
    from widgets.core.access import ADVISOR, Grant

    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    release(store)
    panel = ReleasedFeedback(store, Grant(ADVISOR, "Nairobi Academy"))
    assert panel.open_feedback(kenya)
    assert "Not scored." in panel.scores.value and "Nothing was submitted." in panel.scores.value
    assert "No comments on this paper." in panel.comments.value
    release(store, ago=-timedelta(hours=1))  # moved to later: hidden again
    assert not panel.open_feedback(kenya) and panel.scores.value == ""


def test_a_passage_grown_by_a_revision_still_prints(store: Store):
    """Words typed inside a commented passage grow its span past a quote's limit: the
    note still prints, its mark cut at the limit (the PDF, the tab and the batch need it)."""
    from widgets.core import comment_limits

    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    ana, _ = store.add_staff("chair", "Ana Ruiz", committee="interpol")
    a = Author(f"staff:{ana.id}", "chair", "Ana Ruiz", committee="interpol")
    text = "Counterfeit medicines. Alpha beta gamma delta. Kenya acts."
    first = _submit(store, kenya, text)
    at = text.index("Alpha beta gamma delta.")
    store.add_comment(
        kenya, a, "Say more.", "A.background", "Alpha beta gamma delta.", at, at + 23,
        submission_id=first["id"],
    )  # fmt: skip
    grown = text.replace("beta gamma", "beta " + "very " * 300 + "gamma")
    _submit(store, kenya, grown)
    store.save_review(kenya, a.key, {c.name: 9 for c in committees.load("interpol").rubric})
    words = pdf_words(review.feedback_pdf(store, kenya))
    assert "Say more." in words and "Total 90 / 100" in words
    assert len(grown) - len(text) > comment_limits.QUOTE_CHARS  # past the limit, truly


def test_changes_requested_shows_that_submissions_comments_only(store: Store, scored: dict):
    """A chair's "changes requested" on submission 1 shows its comments, not the ones a
    chair writes on a later submission before the feedback is released."""
    import ipywidgets as w

    from widgets.apps.delegate_comments import DelegateComments

    first = store.submissions(scored["kenya"])[0]["id"]
    store.add_status(first, "changes_requested", scored["a"].key, "Ana Ruiz", "Revise.")
    info = committees.load("interpol")
    panel = DelegateComments(store, store.delegation(scored["kenya"]), info, {}, w.VBox(), {})
    panel.refresh({})
    bodies = {c.body for c in panel.shown}
    assert {"Cite the source.", "How many a year?", "Name the partners."} <= bodies
    assert "Well argued overall." not in bodies  # on submission 2, not yet released
