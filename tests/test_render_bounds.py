"""Render bombs from issue 9, and the sandbox every Typst compile runs in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import pdf_words

from widgets import settings
from widgets.apps.workbook import WorkbookApp
from widgets.core import committees, countries, markdown
from widgets.core.limits import LimitExceeded
from widgets.paper import export, feedback, notebook, sandbox
from widgets.paper.sandbox import RenderTimeout, RenderTooBig, Sandbox
from widgets.store import Store

NOTE = "Operation Pangea seized counterfeit medicines in many countries over many years. "


def footnote_bomb(refs: int = 2_000, note_chars: int = 20_000) -> str:
    """The issue's bomb: a 28 KB section of 2,000 references to one long footnote."""
    note = (NOTE * (note_chars // len(NOTE) + 1))[:note_chars]
    return "Text" + "[^1]" * refs + "\n\n[^1]: " + note


@pytest.fixture
def kenya(home: Path):
    db = Store()
    return db, db.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")


def test_a_footnote_is_in_the_tree_once_however_often_it_is_referenced():
    text = footnote_bomb()
    assert 27_000 < len(text) < 29_000
    tree = markdown.parse(text, key="A.background")
    refs = [n for n in tree[0]["c"] if n["t"] == "fn"]
    assert len(refs) == 2_000 and "c" in refs[0]
    assert all("c" not in n and n["id"] == refs[0]["id"] for n in refs[1:])
    assert len(json.dumps(tree)) < 200_000  # was 2,000 copies of the note: 40 MB


def test_the_issues_bomb_is_past_the_section_limit(kenya):
    db, delegation = kenya
    with pytest.raises(LimitExceeded, match="28,012 characters; the limit is 20,000"):
        notebook.paper_notebook(
            "interpol", db.delegation(delegation), {"sections": {"A.background": footnote_bomb()}}
        )


def test_a_footnote_bomb_within_the_limit_renders_the_note_once(kenya):
    db, delegation = kenya
    bomb = footnote_bomb(2_000, 11_500)  # 19,512 characters
    nb = notebook.paper_notebook(
        "interpol", db.delegation(delegation), {"sections": {"A.background": bomb}}
    )
    rendered = export.render(nb)
    text = pdf_words(rendered.pdf)
    assert text.count("Operation Pangea seized") == 11_500 // len(NOTE) + 1
    assert rendered.pages <= 4


def test_footnotes_in_two_sections_keep_their_own_notes(kenya):
    db, delegation = kenya
    sections = {
        "A.background": "Alpha[^1] and again[^1].\n\n[^1]: First note.",
        "B.background": "Beta[^1].\n\n[^1]: Second note.",
    }
    nb = notebook.paper_notebook("interpol", db.delegation(delegation), {"sections": sections})
    text = pdf_words(export.render(nb).pdf)
    assert text.count("First note.") == 1 and text.count("Second note.") == 1


def open_app(db: Store, delegation: int) -> WorkbookApp:
    return WorkbookApp(
        db, db.delegation(delegation), committees.load("interpol"), countries.lookup("KEN")
    )


def test_150_references_through_the_workbook_page_render_once(kenya):
    db, delegation = kenya
    app = open_app(db, delegation)
    app.sections["A.background"].value = footnote_bomb(150, 5_000)
    box = sandbox.default()
    before = box.compiles
    app.tabs.selected_index = 5  # opening the Paper tab refreshes the preview
    assert box.compiles == before + 1  # one compile gives the PDF and the page images
    panel = app.paper_panel
    assert panel.preview.children and "Cannot make the PDF" not in panel.checklist.value
    assert "Download PDF" in panel.download.value


def test_a_5_mb_section_is_refused_before_any_render(kenya):
    db, delegation = kenya
    app = open_app(db, delegation)
    app.sections["A.background"].value = "Kept."
    assert app.save_now()
    app.sections["A.background"].value = "x" * 5_000_000
    assert not app.save_now()
    assert "5,000,000 characters; the limit is 20,000" in app.status.value
    assert len(app.sections["A.background"].value) == 5_000_000  # still in the box
    assert db.latest_draft(delegation).content["sections"]["A.background"] == "Kept."
    app.tabs.selected_index = 5  # the preview shows the saved paper, not the 5 MB
    assert app.paper_panel.preview.children


@pytest.fixture
def looping(tmp_path: Path) -> Path:
    """Templates that run too long or eat memory (Typst's own loops, no delegate text)."""
    folder = tmp_path / "bad-template"
    folder.mkdir()
    (folder / "loop.typ").write_text(
        "#let n = int(sys.inputs.n)\n#let x = 0\n"
        "#for i in range(n) { for j in range(n) { x = x + 1 } }\n#x\n"
    )
    (folder / "eat.typ").write_text("#range(int(sys.inputs.n)).map(str).len()\n")
    return folder


def test_a_compile_past_its_time_is_killed_and_the_next_one_works(looping: Path):
    box = Sandbox(seconds=1, memory=1024 * 2**20)
    with pytest.raises(RenderTimeout, match=r"took too long to render \(more than 1 s\); shorten"):
        box.compile(looping, "loop.typ", {"n": "100000"}, [("pdf", None)])
    assert box._process is None  # killed
    pdf = box.compile(looping, "loop.typ", {"n": "3"}, [("pdf", None)])[0]
    assert pdf.startswith(b"%PDF") and box.started == 2
    box.stop()


def test_a_compile_past_its_memory_is_stopped_and_the_next_one_works(looping: Path):
    box = Sandbox(seconds=10, memory=400 * 2**20)
    with pytest.raises(RenderTooBig, match=r"needed more memory to render than allowed \(400 MB\)"):
        box.compile(looping, "eat.typ", {"n": "100000000"}, [("pdf", None)])
    assert box.compile(looping, "eat.typ", {"n": "10"}, [("pdf", None)])[0].startswith(b"%PDF")
    box.stop()


def test_a_real_paper_too_big_for_a_tight_sandbox_stops_with_a_message(kenya):
    # The paper path bypassed (no limits): the issue's 5 MB section, as Typst would get it.
    section = "Counterfeit medicines endanger patients. " * 125_000
    data = {
        "meta": {"country": "Kenya", "committee": "INTERPOL", "font_size": 12.0, "lang": "en"},
        "topics": [
            {
                "key": "A",
                "title": "",
                "sections": [{"title": "Background", "blocks": markdown.parse(section)}],
            }
        ],
        "disclosure": None,
        "works_cited": [],
        "works_cited_title": "Works Cited",
    }
    data["meta"]["header"] = []
    box = Sandbox(seconds=3, memory=400 * 2**20)
    with pytest.raises((RenderTooBig, RenderTimeout), match="shorten it"):
        box.compile(
            settings.TEMPLATES_DIR / "position_paper",
            "paper.typ",
            {"paper": json.dumps(data)},
            [("pdf", None)],
        )
    box.stop()


def test_the_worker_caps_its_own_address_space():
    box = Sandbox(memory=700 * 2**20)
    box.start()
    limits = Path(f"/proc/{box._process.pid}/limits").read_text()
    line = next(x for x in limits.splitlines() if x.startswith("Max address space"))
    assert line.split()[3] == str(700 * 2**20)
    box.stop()


def test_feedback_pdfs_compile_in_the_sandbox(home: Path):
    before = sandbox.default().compiles
    pdf = feedback.render_feedback(
        {
            "country": "Kenya",
            "committee": "INTERPOL",
            "committee_name": "International Criminal Police Organization",
            "rows": [{"name": "Background", "weight": "15 %", "score": "12 / 15"}],
            "total": "80 / 100",
            "comments": [{"text": "Clear and well sourced."}],
        }
    )
    assert "Clear and well sourced." in pdf_words(pdf)
    assert sandbox.default().compiles == before + 1


def test_a_worker_started_without_waiting_serves_the_first_compile(looping: Path):
    box = Sandbox(seconds=5, memory=1024 * 2**20)
    box.start(wait=False)  # returns before the worker has loaded its fonts
    assert box.started == 1 and box._process.poll() is None and not box._ready
    box.start(wait=False)  # already starting: no second worker
    pdf = box.compile(looping, "loop.typ", {"n": "3"}, [("pdf", None)])[0]
    assert pdf.startswith(b"%PDF") and box.started == 1 and box._ready
    box.stop()
