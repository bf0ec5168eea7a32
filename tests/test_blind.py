"""Blind means blind: every PDF a chair of a blind committee opens or downloads has no names."""

import base64
import re
from pathlib import Path

import pytest
import typst
from click.testing import CliRunner
from conftest import SOURCES, add_blind_committee, pdf_words

from widgets.cli import main
from widgets.store import Store
from widgets.workflows import binder, blind, ingest, submit

DELEGATE, SCHOOL = "Wanjiru Kamau", "Nairobi Academy"
SECTIONS = {
    f"{t}.{s}": f"Kenya {t} {s}: Kenya works with AFRIPOL on Operation Pangea."
    for t in "AB"
    for s in ("background", "past_action", "country_policy", "solutions")
}


@pytest.fixture
def db(home: Path, store: Store) -> Store:
    """INTERPOL (names shown) and BLINDPOL (the same committee, graded blind)."""
    add_blind_committee(home)
    for committee in ("interpol", "blindpol"):
        store.add_delegation(committee, "KEN", DELEGATE, SCHOOL)
        store.add_delegation(committee, "GHA", "Ama Mensah", "Accra Girls")
    return store


def submit_paper(db: Store, committee: str) -> int:
    delegation = db.find_delegation(committee, "KEN").id
    db.save_draft(
        delegation, {"sections": SECTIONS, "sources": SOURCES, "disclosure": "None."}, None
    )
    submit.submit(db, delegation)
    return delegation


def ingest_paper(db: Store, committee: str, tmp_path: Path) -> int:
    """A PDF that names its delegate and school, as e-mailed papers do."""
    source = (
        f"Position paper of Kenya. Delegate: {DELEGATE} (Wanjiru\\ Kamau), {SCHOOL}.\n\n"
        "Kenya works with AFRIPOL on Operation Pangea. Kamau thanks the chairs."
    )
    folder = tmp_path / committee
    folder.mkdir()
    (folder / f"{committee}_Kenya_x.pdf").write_bytes(typst.compile(source.encode(), format="pdf"))
    assert ingest.ingest(committee, folder, "{committee}_{country}_{any}.pdf").stored
    return db.find_delegation(committee, "KEN").id


def chair_link_pdf(db: Store, committee: str, delegation: int) -> tuple[bytes, str]:
    from widgets.apps.chair import ChairPage

    page = ChairPage(db, committee)
    assert page.open_paper(delegation)
    page.grade.pdf_link()
    link = page.grade.pdf.value
    return base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link).group(1)), link


def assert_no_names(text: str) -> None:
    for name in ("Wanjiru", "Kamau", "Nairobi", "Academy"):
        assert name not in text, name


def test_app_submission_is_rendered_without_names(db: Store):
    for committee in ("interpol", "blindpol"):
        delegation = submit_paper(db, committee)
        stored = pdf_words(db.submissions(delegation)[-1]["pdf"])
        assert DELEGATE in stored and SCHOOL in stored  # the original keeps them
        pdf, link = chair_link_pdf(db, committee, delegation)
        shown = pdf_words(pdf)
        assert "Kenya" in shown and "Operation Pangea" in shown
        if committee == "blindpol":
            assert_no_names(shown)
            assert "names withheld" in link
        else:
            assert DELEGATE in shown and SCHOOL in shown


def test_ingested_pdf_is_its_text_with_names_withheld(db: Store, tmp_path: Path):
    for committee in ("interpol", "blindpol"):
        delegation = ingest_paper(db, committee, tmp_path)
        pdf, _ = chair_link_pdf(db, committee, delegation)
        shown = pdf_words(pdf)
        if committee == "blindpol":
            assert_no_names(shown)
            assert "[withheld]" in shown and "which is withheld" in shown
            assert "Kenya works with AFRIPOL on Operation Pangea" in shown
        else:
            assert pdf == db.submissions(delegation)[-1]["pdf"]  # the original, untouched
            assert DELEGATE in shown and SCHOOL in shown


def test_redact_keeps_the_country_and_catches_broken_lines():
    text = "Wanjiru\nKAMAU of Kenya, NAIROBI   ACADEMY; Kamaus, Kenyatta and Kenya stay."
    assert blind.redact(text, DELEGATE, SCHOOL, keep="Kenya") == (
        "[withheld] of Kenya, [withheld]; Kamaus, Kenyatta and Kenya stay."
    )
    # A surname that is also the country: the full name goes, the country stays.
    assert blind.redact("Kenya acts. Juma Kenya wrote.", "Juma Kenya", "", keep="Kenya") == (
        "Kenya acts. [withheld] wrote."
    )


def test_binder_and_export_of_a_blind_committee_have_no_names(
    db: Store, tmp_path: Path, home: Path
):
    submit_paper(db, "blindpol")
    ghana = tmp_path / "ghana"
    ghana.mkdir()
    (ghana / "blindpol_Ghana_x.pdf").write_bytes(
        typst.compile(b"Ghana paper by Ama Mensah, Accra Girls. AFRIPOL.", format="pdf")
    )
    assert ingest.ingest("blindpol", ghana, "{committee}_{country}_{any}.pdf").stored
    result = binder.build_binder(db, "blindpol", include_all=True)
    bound = pdf_words(result.path.read_bytes())
    assert result.papers == 2 and "Operation Pangea" in bound and "AFRIPOL" in bound
    assert_no_names(bound)
    assert "Ama" not in bound and "Accra" not in bound and "names withheld" in bound
    done = CliRunner().invoke(main, ["export", "--committee", "blindpol"], prog_name="munbook")
    assert done.exit_code == 0, done.output
    [exported] = (home / "papers" / "blindpol" / "submitted").glob("*.pdf")
    assert_no_names(pdf_words(exported.read_bytes()))
