"""Paper notebooks to PDF with Typst, read back with pypdf (and poppler for complex scripts)."""

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from widgets.core import markdown
from widgets.paper import export, notebook
from widgets.store import Store

SCRIPTS = {
    "French": "Les médicaments falsifiés tuent des patients",
    "Spanish": "Los medicamentos falsificados dañan la salud",
    "Russian": "Фальсифицированные лекарства убивают людей",
    "Chinese": "假药 危害 公共 健康",
    "Arabic": "الأدوية المزيفة تقتل المرضى",
    "Korean": "위조 의약품은 위험하다",
    "Japanese": "偽造 医薬品 は 危険 です",
    "Greek": "Τα πλαστά φάρμακα σκοτώνουν",
    "Hebrew": "תרופות מזויפות הורגות",
    "Amharic": "የሐሰት መድኃኒቶች ይገድላሉ",
    "Georgian": "ყალბი მედიკამენტები კლავს",
}
# pypdf mis-reads the combining marks of these shaped scripts; poppler reads them right.
SHAPED = {"Hindi": "नकली दवाएं जान लेती हैं", "Thai": "ยาปลอม เป็น อันตราย"}
SECTIONS = ["background", "past_action", "country_policy", "solutions"]


@pytest.fixture
def kenya(home: Path):
    store = Store()
    delegation_id = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    return store.delegation(delegation_id)


def paper_for(delegation, texts: dict[str, str], **extra) -> nbformat.NotebookNode:
    content = {"sections": texts, **extra}
    return notebook.paper_notebook("interpol", delegation, content)


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def spread(texts: list[str]) -> dict[str, str]:
    keys = [f"{t}.{s}" for t in "AB" for s in SECTIONS]
    return {
        keys[i % len(keys)]: " ".join(texts[i :: len(keys)])
        for i in range(min(len(texts), len(keys)))
    }


def test_paper_notebook_shape(kenya):
    nb = paper_for(
        kenya,
        {"A.background": "Text A", "B.solutions": "Text B"},
        disclosure="None.",
        sources=[{"title": "A report", "author": "WHO"}],
    )
    meta = nb.metadata.munbook
    assert (meta["country"], meta["committee"], meta["delegate"]) == (
        "Kenya",
        "INTERPOL",
        "Wanjiru Kamau",
    )
    roles = [
        c.metadata.munbook.get("role")
        or (c.metadata.munbook["topic"], c.metadata.munbook["section"])
        for c in nb.cells
    ]
    assert roles[:4] == [("A", s) for s in SECTIONS] and roles[4:8] == [("B", s) for s in SECTIONS]
    assert roles[8:] == ["disclosure", "works_cited"]
    assert nb.cells[0].source == "Text A" and nb.cells[8].source == "None."
    assert "A Report" in nb.cells[9].source or "A report" in nb.cells[9].source
    nbformat.validate(nb)


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_every_word_of_every_script_is_in_the_pdf(kenya, script):
    words = SCRIPTS[script].split()
    nb = paper_for(kenya, spread([SCRIPTS[script]] * 8))
    text = pdf_text(export.render(nb).pdf)
    assert [w for w in words if w not in text] == []


@pytest.mark.skipif(
    not shutil.which("pdftotext"), reason="poppler-utils (pdftotext) is not installed"
)
@pytest.mark.parametrize("script", list(SHAPED))
def test_shaped_scripts_are_in_the_pdf(kenya, script, tmp_path: Path):
    pdf = tmp_path / "p.pdf"
    pdf.write_bytes(export.render(paper_for(kenya, {"A.background": SHAPED[script]})).pdf)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert SHAPED[script] in text


def test_all_sections_words_present(kenya):
    texts = {
        f"{t}.{s}": f"Unique{t}{s.replace('_', '')} words for {t} {s}"
        for t in "AB"
        for s in SECTIONS
    }
    text = pdf_text(export.render(paper_for(kenya, texts, disclosure="DisclosureWord")).pdf)
    for body in [*texts.values(), "DisclosureWord"]:
        assert [w for w in body.split() if w not in text] == []


HOSTILE = [
    '#read("/etc/passwd")',
    '#import "/etc/passwd": *',
    "#{ panic() }",
    "$ x^2 $",
    "a * b * c and a _ b _ c",
    "<script>alert(1)</script>",
    r"\input{/etc/passwd}",
    '@label <label> #link("file:///etc/passwd")',
    "emoji 👩‍⚖️ 🇰🇪 ✓ and more",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_printed_literally(kenya, text):
    text_in_pdf = pdf_text(export.render(paper_for(kenya, {"A.background": text})).pdf)
    visible = markdown.plain_text(markdown.parse(text)).strip()
    for word in visible.replace("\u200f", "").split():
        assert word in text_in_pdf
    assert "root:" not in text_in_pdf  # /etc/passwd was never read


def test_right_to_left_marks_are_kept(kenya):
    # pypdf reorders bidi runs on extraction, so compare the characters, not their order.
    text = pdf_text(export.render(paper_for(kenya, {"A.background": "a \u200fמרק\u200f b"})).pdf)
    line = next(line for line in text.splitlines() if "מ" in line)
    assert sorted(line.replace(" ", "")) == sorted("a\u200fמרק\u200fb")


def test_very_long_text_keeps_every_word(kenya):
    words = [f"w{i}" for i in range(14_000)]  # about 88 000 characters: near the paper's limit
    rendered = export.render(paper_for(kenya, spread(words)))
    text = pdf_text(rendered.pdf)
    assert rendered.pages > 10
    assert all(f" {w} " in f" {' '.join(text.split())} " for w in words[::997])
    assert len(set(text.split()) & set(words)) == len(words)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b"])
def test_control_characters_are_refused_with_where(kenya, char):
    with pytest.raises(
        export.PaperError, match=rf"Topic A · Country policy contains .*U\+{ord(char):04X}"
    ):
        export.render(paper_for(kenya, {"A.country_policy": f"before{char}after"}))


def test_undrawable_character_is_refused_by_name(kenya):
    with pytest.raises(
        export.PaperError, match=r"Topic B · Proposed solutions contains .*U\+10FFFD"
    ):
        export.render(paper_for(kenya, {"B.solutions": "text \U0010fffd"}))


@pytest.mark.parametrize("paragraphs, pages", [(1, 1), (14, 2), (24, 3)])
def test_page_counts_are_exact(kenya, paragraphs, pages):
    body = "\n\n".join(
        ["Counterfeit medicines endanger patients across the region. " * 6] * paragraphs
    )
    rendered = export.render(paper_for(kenya, {"A.background": body}))
    assert rendered.pages == len(PdfReader(io.BytesIO(rendered.pdf)).pages) == pages
    assert rendered.body_pages == pages


def test_works_cited_do_not_count_toward_pages(kenya):
    sources = [{"title": f"Report {i}", "author": "WHO", "date": "2020"} for i in range(3)]
    rendered = export.render(paper_for(kenya, {"A.background": "Short."}, sources=sources))
    assert (rendered.pages, rendered.body_pages) == (2, 1)
    text = pdf_text(rendered.pdf)
    assert "Works Cited" in text and "Report 2" in text


def test_blind_variant_has_no_names(kenya):
    nb = paper_for(kenya, {"A.background": "Text."})
    assert "Wanjiru Kamau" in pdf_text(export.render(nb).pdf)
    blind = pdf_text(export.render(nb, blind=True).pdf)
    assert "Wanjiru Kamau" not in blind and "Nairobi Academy" not in blind and "Kenya" in blind


def test_preview_images(kenya):
    rendered = export.render(paper_for(kenya, {"A.background": "Text."}), images=True)
    assert rendered.images and all(png.startswith(b"\x89PNG") for png in rendered.images)


def test_stock_nbconvert_uses_the_exporter(kenya, tmp_path: Path):
    nb = paper_for(kenya, {"A.background": "Exported by stock nbconvert."})
    path = tmp_path / "kenya.ipynb"
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).parent / "jupyter"
    subprocess.run(
        [str(jupyter), "nbconvert", "--to", "position_paper", str(path)],
        check=True,
        capture_output=True,
    )
    assert "Exported by stock nbconvert." in " ".join(
        pdf_text((tmp_path / "kenya.pdf").read_bytes()).split()
    )


def test_the_template_reads_data_not_markup():
    template = (export.settings.TEMPLATES_DIR / "position_paper" / "paper.typ").read_text()
    assert "json(bytes(sys.inputs.paper))" in template
    assert "eval(" not in template and "read(" not in template
    render = (export.settings.TEMPLATES_DIR / "position_paper" / "render.typ").read_text()
    assert "eval(" not in render
    assert json.loads(json.dumps(export.paper_data(nbformat.v4.new_notebook())))["topics"] == []


KAWI = "\U00011f04"  # a letter no installed font covers


@pytest.mark.parametrize(
    "field, label",
    [
        ("delegate", "delegate name"),
        ("school", "school"),
        ("country", "country"),
        ("committee_name", "committee name"),
    ],
)
@pytest.mark.parametrize("char, shown", [(KAWI, "U+11F04"), ("\x07", "U+0007")])
def test_header_fields_are_checked_like_sections(kenya, field, label, char, shown):
    nb = paper_for(kenya, {"A.background": "Text."})
    nb.metadata.munbook[field] = f"Name{char}"
    with pytest.raises(
        export.PaperError, match=rf"The header's {label} contains .*{re.escape(shown)}.*roster"
    ):
        export.render(nb)


def test_a_topic_title_is_checked_and_blind_skips_what_it_does_not_print(kenya):
    nb = paper_for(kenya, {"A.background": "Text."})
    nb.metadata.munbook["topics"][1]["title"] = f"Cyber{KAWI}"
    with pytest.raises(export.PaperError, match=r"topic B title contains .*U\+11F04"):
        export.render(nb)
    nb = paper_for(kenya, {"A.background": "Text."})
    nb.metadata.munbook["delegate"] = f"Wanjiru{KAWI}"
    assert export.render(nb, blind=True).pdf  # the delegate is not printed in a blind paper
    with pytest.raises(export.PaperError, match="delegate name"):
        export.render(nb)


def test_a_header_field_past_its_length_is_refused(kenya):
    nb = paper_for(kenya, {"A.background": "Text."})
    nb.metadata.munbook["school"] = "S" * 501
    with pytest.raises(export.PaperError, match="school has 501 characters; the limit is 500"):
        export.render(nb)


def test_the_cli_export_names_the_header_field(kenya, tmp_path: Path):
    nb = paper_for(kenya, {"A.background": "Text."})
    nb.metadata.munbook["delegate"] = f"Wanjiru{KAWI}"
    path = tmp_path / "kenya.ipynb"
    nbformat.write(nb, path)
    jupyter = Path(sys.executable).parent / "jupyter"
    out = subprocess.run(
        [str(jupyter), "nbconvert", "--to", "position_paper", str(path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode != 0 and "delegate name" in out.stderr and "U+11F04" in out.stderr
    assert not (tmp_path / "kenya.pdf").exists()
