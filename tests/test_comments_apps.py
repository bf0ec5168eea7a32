"""Comments through the real widget objects: chairs, advisors and the delegate's workbook.

Scoping is checked in the kernel's objects, never by reading UI flags: an advisor
opens only their school's delegations even when a call names another id; chairs
never read an advisor's comment; a delegate answers only comments shown to them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from conftest import XSS, full_content

from widgets.apps.advisor import AdvisorPage
from widgets.apps.advisor_drafts import DraftReader
from widgets.apps.paper_comments import PaperComments
from widgets.apps.passage_picker import PassagePicker
from widgets.apps.workbook import WorkbookApp
from widgets.core import comment_limits as cl
from widgets.core import committees, countries
from widgets.core.access import ADVISOR, Grant
from widgets.store import KernelStore, Store
from widgets.store.comment_records import Author
from widgets.workflows.paper_sections import draft_sections

CHAIR = Author("staff:1", "chair", "Ana Ruiz")
TEXT = "Kenya works with AFRIPOL. Operation Pangea seized fake medicines in 2023."


@pytest.fixture
def school(store: Store) -> dict:
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    japan = store.add_delegation("interpol", "JPN", "Haruto Sato", "Tokyo High")
    content = full_content()
    content["sections"]["A.background"] = TEXT
    store.save_draft(kenya, content, None)
    store.save_draft(japan, {"sections": {"A.background": "Japan's secret draft."}}, None)
    return {"kenya": kenya, "japan": japan, "interpol": committees.load("interpol")}


def chair_view(store: Store, school: dict) -> PaperComments:
    draft = store.latest_draft(school["kenya"])
    sections = draft_sections(school["interpol"], draft.content)
    return PaperComments(
        store,
        store.delegation(school["kenya"]),
        sections,
        CHAIR,
        school["interpol"],
        draft_version=draft.version,
    )


def test_the_picker_checks_what_the_browser_sends():
    picker = PassagePicker(text=TEXT)
    assert picker.select(17, 24) and picker.passage == (17, 24, "AFRIPOL")
    assert not picker.select(60, 999) and picker.passage is None
    assert "not inside" in picker.problem
    picker.text = "x" * (cl.QUOTE_CHARS + 5)
    assert picker.select(0, cl.QUOTE_CHARS)
    assert not picker.select(0, cl.QUOTE_CHARS + 1) and "at most 1,000" in picker.problem
    picker.selection = {"start": True, "end": "5"}  # junk from a browser
    assert picker.passage is None
    assert "ArrowDown" in picker._esm and "mouseup" in picker._esm


def test_a_chair_comments_on_a_passage_a_section_and_the_paper(store: Store, school: dict):
    view = chair_view(store, school)
    assert view.choose("A.background", 17, 24)
    assert "selected passage" in view.scope.value
    assert view.insert_from_bank(0)  # the committee file's first default
    assert view.body.value.startswith("Cite a source for this claim")
    assert view.add(), view.message.value
    assert view.picker.marks == [{"start": 17, "end": 24, "n": 1}]
    view.choose("A.solutions")
    view.body.value = f"Whole section {XSS}"
    assert view.add()
    view.choose(None)
    view.body.value = "Whole paper: good."
    assert view.add()
    found = store.comments(school["kenya"])
    assert [(c.section, c.quote) for c in found] == [
        ("A.background", "AFRIPOL"),
        ("A.solutions", None),
        (None, None),
    ]
    assert found[0].draft_version == 1 and found[0].author_key == "staff:1"
    assert XSS not in view.listing.value and "&lt;img src=x" in view.listing.value
    # Past a limit: refused, said, and the text stays in the box.
    view.body.value = "y" * (cl.COMMENT_CHARS + 1)
    assert not view.add()
    assert "at most 2,000" in view.message.value and len(view.body.value) == cl.COMMENT_CHARS + 1
    # The author's own bank entry, then one click inserts it.
    view.body.value = "Name the NCB you would work through."
    assert view.save_to_bank()
    view.body.value = ""
    assert view.insert_from_bank(len(view.committee.comment_bank))
    assert view.body.value == "Name the NCB you would work through."
    assert escape(cl.LIMITS_TEXT) in view.children[0].value


def test_an_advisor_reads_and_comments_only_on_their_school(store: Store, school: dict):
    page = AdvisorPage(store, Grant(ADVISOR, "Nairobi Academy"))
    reader = page.drafts
    assert [v for _, v in reader.delegation.options] == [school["kenya"]]
    assert reader.open_paper(school["kenya"])
    assert "Japan's secret" not in str(reader.comments.texts)
    reader.comments.choose("A.background", 0, 5)
    reader.comments.body.value = "Start with your strongest fact."
    assert reader.comments.add()
    mine = store.comments(school["kenya"])[0]
    assert (mine.author_role, mine.author_name, mine.visible_to_chairs) == (
        "advisor",
        "Advisor, Nairobi Academy",
        False,
    )
    # Another school's delegation, named by id as a browser could: nothing opens.
    assert not reader.open_paper(school["japan"])
    assert "not of your school" in reader.message.value
    assert reader.comments is None and reader.reader.children == ()
    assert store.comments(school["japan"]) == []
    # A chair's view never shows the advisor's comment.
    assert "strongest fact" not in chair_view(store, school).listing.value
    assert store.comments(school["kenya"], chairs_only=True) == []


def test_the_secretariat_reads_but_does_not_comment(store: Store, school: dict):
    reader = DraftReader(store, Grant("secretariat"))
    assert reader.open_paper(school["japan"])
    assert reader.comments.read_only and not reader.comments.add()
    assert "read this paper only" in reader.comments.message.value


def open_workbook(url: str, kenya: int) -> WorkbookApp:
    kernel = KernelStore(url)  # what a delegate's kernel uses
    return WorkbookApp(
        kernel, kernel.delegation(kenya), committees.load("interpol"), countries.lookup("KEN")
    )


def test_the_delegate_sees_comments_beside_passages_and_replies(store: Store, school: dict):
    kenya = school["kenya"]
    advisor = Author("advisor-code:nairobi academy", "advisor", "Advisor, Nairobi Academy")
    store.add_comment(kenya, advisor, "Which year?", "A.background", "AFRIPOL", 17, 24)
    chair = store.add_comment(kenya, CHAIR, "Not yet released.", "A.background")
    app = open_workbook(store.url, kenya)
    slot = app.write.comment_slots["A.background"]
    assert len(slot.children) == 1  # the advisor's comment: at once
    beside = slot.children[0]
    marked, notes = beside.children
    assert "<mark class='mb-passage'>AFRIPOL</mark>" in marked.value
    assert "Which year?" in notes.children[0].card.value
    assert "Not yet released" not in str([n.card.value for n in notes.children])
    # A reply through the page; one past the limit is refused and kept in the box.
    thread = notes.children[0]
    thread.box.value = "r" * (cl.REPLY_CHARS + 1)
    assert not thread.send() and "at most 2,000" in thread.message.value
    thread.box.value = "2019, the year Kenya joined."
    assert thread.send()
    assert store.comments(kenya)[0].replies[0].body == "2019, the year Kenya joined."
    # A chair's comment is not shown before release: a reply to it is refused in the kernel.
    assert app.comments.reply(chair, "sneaky") != ""
    assert store.comments(kenya)[1].replies == ()
    # Released: the chair's comment shows too, in Write and in the Feedback list.
    store.set_feedback_release("interpol", datetime.now(UTC) - timedelta(minutes=1))
    app.tabs.selected_index = 6
    cards = [t.card.value for t in app.feedback_panel.comments_box.children[1:]]
    assert len(cards) == 2 and "Not yet released." in cards[1]
    assert "You replied:</b> 2019, the year Kenya joined." in cards[0]
    # The passage changed: said so, and no longer marked.
    app.sections["A.background"].value = "Kenya works with partners."
    assert app.save_now()  # nothing left for the page's exit to save
    app.show_comments()
    marked = app.write.comment_slots["A.background"].children[0].children[0].value
    assert "<mark" not in marked
    assert "no longer in the text" in app.feedback_panel.comments_box.children[1].card.value


def test_a_chair_comments_on_the_submitted_paper_of_their_committee_only(
    store: Store, school: dict
):
    from widgets.apps.paper_versions import paper_comments_for
    from widgets.exceptions import AccessDenied
    from widgets.workflows import submit

    kenya = school["kenya"]
    receipt = submit.submit(store, kenya)
    sub = store.submissions(kenya)[-1]
    chair = Author("staff:2", "chair", "Luis Díaz", committee="interpol")
    view = paper_comments_for(store, kenya, chair, submission_id=sub["id"])
    assert view.texts["A.background"] == TEXT  # exactly what was submitted
    assert view.choose("A.background", 26, 42)
    view.body.value = "Numbers?"
    assert view.add()
    assert store.comments(kenya)[0].submission_id == sub["id"]
    with pytest.raises(AccessDenied, match="not of your committee"):
        paper_comments_for(store, kenya, Author("staff:9", "chair", "Other", committee="unodc"))
    with pytest.raises(AccessDenied, match="no such submission"):
        paper_comments_for(store, kenya, chair, submission_id=sub["id"] + 99)
    other = Author("advisor-code:tokyo high", "advisor", "Advisor", school="Tokyo High")
    with pytest.raises(AccessDenied, match="not of your school"):
        paper_comments_for(store, kenya, other)
    assert receipt


def test_changes_requested_shows_the_chairs_comments_before_release(store: Store, school: dict):
    from widgets.workflows import submit

    kenya = school["kenya"]
    submit.submit(store, kenya)
    sub = store.submissions(kenya)[-1]["id"]
    store.add_comment(kenya, CHAIR, "Add the 2023 figures.", "A.background", submission_id=sub)
    app = open_workbook(store.url, kenya)
    assert app.write.comment_slots["A.background"].children == ()
    store.add_status(sub, "changes_requested", "staff:1", "Ana Ruiz", "See my comments.")
    app.show_comments()
    (beside,) = app.write.comment_slots["A.background"].children
    assert "Add the 2023 figures." in beside.children[1].children[0].card.value


def test_an_edited_passage_is_marked_where_it_is_now_and_said_changed(store: Store, school: dict):
    kenya = school["kenya"]
    advisor = Author("advisor-code:nairobi academy", "advisor", "Advisor, Nairobi Academy")
    quote = "Operation Pangea seized fake medicines"
    start = TEXT.index(quote)
    store.add_comment(
        kenya, advisor, "Numbers?", "A.background", quote, start, start + len(quote),
        draft_version=1,
    )  # fmt: skip
    app = open_workbook(store.url, kenya)
    marked = app.write.comment_slots["A.background"].children[0].children[0].value
    assert f"<mark class='mb-passage'>{quote}</mark>" in marked
    app.sections["A.background"].value = "In 2023 " + TEXT.replace(
        "seized fake", "seized 2 t of fake"
    )
    assert app.save_now()
    app.show_comments()
    beside = app.write.comment_slots["A.background"].children[0]
    assert "<mark class='mb-passage'>Operation Pangea seized 2 t of fake medicines</mark>" in (
        beside.children[0].value
    )
    assert "You have changed this passage" in beside.children[1].children[0].card.value


def test_an_advisor_with_their_own_code_comments_as_themselves(store: Store):
    """A named advisor's comments carry their staff identity, not the school's shared one."""
    from widgets.apps.advisor_drafts import advisor_author
    from widgets.core.access import ADVISOR, Grant

    member, code = store.add_staff("advisor", "Bo Li", school="Nairobi Academy")
    grant = store.staff_grant(code)
    assert grant is not None and grant.identity is not None
    author = advisor_author(grant)
    assert author is not None and author.key == f"staff:{member.id}" and "Bo Li" in author.name
    shared = advisor_author(Grant(ADVISOR, "Nairobi Academy"))
    assert shared is not None and shared.key.startswith("advisor-code:")
