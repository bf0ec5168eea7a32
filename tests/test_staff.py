"""Staff are people: chairs and advisors with their own codes (store, CLI, the pages' gates)."""

import re

import pytest
from click.testing import CliRunner

from widgets.apps.chair import ChairPage, chair_app, chair_identity
from widgets.apps.staff_panel import StaffPanel
from widgets.cli import main
from widgets.core import access
from widgets.core.staff import COMMITTEE_CHAIR, NAME_CHARS, STAFF_PER_SCOPE, StaffIdentity
from widgets.exceptions import AccessDenied, MunbookError, UnknownCommittee
from widgets.store import Store
from widgets.workflows import staff


def test_add_list_revoke_and_codes(store: Store):
    ana, code = staff.add(store, "chair", "  Ana Ruiz ", committee="INTERPOL")
    assert (ana.role, ana.name, ana.committee, ana.school) == (
        "chair",
        "Ana Ruiz",
        "interpol",
        None,
    )
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", code)
    bo, bo_code = staff.add(store, "advisor", "Bo Li", school="Nairobi Academy")
    assert [m.id for m in staff.members(store)] == [ana.id, bo.id]
    assert [m.id for m in staff.members(store, "interpol")] == [ana.id]
    # Only a hash is kept: the code appears in no column of the row.
    with store.begin() as conn:
        row = conn.exec_driver_sql("SELECT * FROM staff").first()
    assert code not in " ".join(str(v) for v in row) and access.normalize(code) not in str(row)
    who = store.staff_identity(code.lower().replace("-", " "), "chair")
    assert who == StaffIdentity(f"staff:{ana.id}", "chair", "Ana Ruiz", "interpol", None)
    assert store.staff_identity(code, "advisor") is None  # a chair's code is not an advisor's
    assert store.staff_identity(code, "chair", committee="other") is None
    assert store.staff_identity("x" * 65, "chair") is None
    grant = store.staff_grant(bo_code)
    assert grant == access.Grant("advisor", "Nairobi Academy", identity=bo.identity)
    assert grant.sees("nairobi academy") and not grant.sees("Accra Girls")
    revoked = store.revoke_staff(ana.id)
    assert revoked.revoked_at is not None and store.staff_identity(code, "chair") is None
    assert staff.members(store, live=True) == [bo]
    with pytest.raises(MunbookError, match="already revoked"):
        store.revoke_staff(ana.id)
    with pytest.raises(MunbookError, match="no staff member with id 999"):
        store.revoke_staff(999)
    assert store.staff_names() == {f"staff:{ana.id}": "Ana Ruiz", f"staff:{bo.id}": "Bo Li"}


def test_staff_inputs_are_bounded(store: Store):
    assert staff.add(store, "chair", "N" * NAME_CHARS, committee="interpol")[0].name == "N" * 80
    with pytest.raises(MunbookError, match="at most 80 characters; this one has 81"):
        staff.add(store, "chair", "N" * (NAME_CHARS + 1), committee="interpol")
    for name, problem in (("   ", "needs a name"), ("Ana\x00", "control characters")):
        with pytest.raises(MunbookError, match=problem):
            staff.add(store, "chair", name, committee="interpol")
    with pytest.raises(MunbookError, match="chair or advisor, not 'judge'"):
        staff.add(store, "judge", "Ana", committee="interpol")
    with pytest.raises(MunbookError, match="a chair belongs to a committee"):
        staff.add(store, "chair", "Ana")
    with pytest.raises(MunbookError, match="an advisor belongs to a school"):
        staff.add(store, "advisor", "Bo", committee="interpol")
    with pytest.raises(MunbookError, match="at most 500 characters"):
        staff.add(store, "advisor", "Bo", school="S" * 501)
    with pytest.raises(UnknownCommittee):
        staff.add(store, "chair", "Ana", committee="atlantis")
    for n in range(STAFF_PER_SCOPE - 1):
        staff.add(store, "chair", f"Chair {n}", committee="interpol")
    with pytest.raises(MunbookError, match="already has 50 chairs, the most there can be"):
        staff.add(store, "chair", "One too many", committee="interpol")
    store.revoke_staff(staff.members(store)[0].id)  # a revoked one frees a place
    staff.add(store, "chair", "Now there is room", committee="interpol")


def test_cli_staff_add_list_revoke(home):
    runner = CliRunner()
    added = runner.invoke(
        main, ["staff", "add", "--role", "chair", "--committee", "interpol", "--name", "Ana Ruiz"]
    )
    assert added.exit_code == 0, added.output
    code = re.search(r"access code: (\S+)", added.output).group(1)
    assert "shown only now" in added.output and "Ana Ruiz  (INTERPOL)" in added.output
    listed = runner.invoke(main, ["staff", "list", "--committee", "interpol"])
    assert listed.exit_code == 0 and "Ana Ruiz" in listed.output and code not in listed.output
    assert chair_identity(Store(), code).name == "Ana Ruiz"
    revoked = runner.invoke(main, ["staff", "revoke", "1"])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    again = runner.invoke(main, ["staff", "revoke", "1"])
    assert (
        again.exit_code == 2 and again.output.count("\n") <= 2 and "already revoked" in again.output
    )
    too_long = runner.invoke(
        main, ["staff", "add", "--role", "chair", "--committee", "interpol", "--name", "x" * 81]
    )
    assert too_long.exit_code == 2 and "at most 80 characters" in too_long.output
    unknown = runner.invoke(
        main, ["staff", "add", "--role", "chair", "--committee", "atlantis", "--name", "A"]
    )
    assert unknown.exit_code == 2 and "unknown committee" in unknown.output
    assert "Traceback" not in too_long.output + unknown.output + again.output


def test_chair_codes_open_as_people_and_the_shared_code_as_committee_chair(store: Store):
    shared = store.issue_code("chair", "interpol")
    ana, code = staff.add(store, "chair", "Ana Ruiz", committee="interpol")
    assert chair_identity(store, code) == ana.identity
    old = chair_identity(store, shared)
    assert (old.key, old.name, old.committee) == (
        "chair-code:interpol",
        COMMITTEE_CHAIR,
        "interpol",
    )
    assert chair_identity(store, "WRONG-CODE-XXXX") is None
    gate = chair_app(store)
    assert gate.try_code(code)
    page = gate.children[0]
    assert isinstance(page, ChairPage) and page.identity == ana.identity
    assert "Signed in as <b>Ana Ruiz</b>" in page.children[3].value
    store.revoke_staff(ana.id)
    assert not chair_app(store).try_code(code)  # a revoked code opens nothing


def test_a_chair_page_refuses_another_committees_identity(store: Store):
    stranger = StaffIdentity("staff:9", "chair", "Someone", "other")
    with pytest.raises(AccessDenied):
        ChairPage(store, "interpol", stranger)
    advisor = StaffIdentity("staff:8", "advisor", "Bo", school="X")
    with pytest.raises(AccessDenied):
        ChairPage(store, "interpol", advisor)


def test_the_secretariat_adds_and_revokes_staff_on_its_page(store: Store):
    from widgets.apps.advisor import AdvisorPage, advisor_app

    store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    page = AdvisorPage(store, access.Grant(access.SECRETARIAT))
    panel = page.staff
    assert "at most 80 characters" in panel.children[0].value
    assert panel.school.options == ("Nairobi Academy",)
    code = panel.add("chair", "Ana Ruiz", "interpol")
    assert code and code in panel.message.value and "Shown only now" in panel.message.value
    assert "Ana Ruiz" in panel.listing.value and code not in panel.listing.value
    assert chair_identity(store, code).name == "Ana Ruiz"
    assert panel.add("chair", "A" * 81, "interpol") is None
    assert "at most 80 characters; this one has 81" in panel.message.value
    advisor_code = panel.add("advisor", "Bo Li", "Nairobi Academy")
    gate = advisor_app(store)
    assert gate.try_code(advisor_code)
    opened = gate.children[0]
    assert opened.grant.school == "Nairobi Academy" and opened.grant.identity.name == "Bo Li"
    assert not hasattr(opened, "staff")  # an advisor's page has no staff panel at all
    ana = staff.members(store)[0]
    assert panel.member.value == ana.id and panel.revoke(ana.id)
    assert "no longer opens anything" in panel.message.value and chair_identity(store, code) is None
    assert "revoked" in panel.listing.value
    # Called on a page opened by an advisor's code, the action refuses (the kernel checks).
    forged = StaffPanel(store, opened.grant)
    assert forged.add("chair", "Mallory", "interpol") is None
    assert "only the secretariat" in forged.message.value
    assert [m.name for m in staff.members(store)] == ["Ana Ruiz", "Bo Li"]


def test_a_revoked_code_cannot_save_from_a_page_it_opened(store: Store):
    """Revoking works at once, also for a page opened before: every write is refused."""
    from widgets.exceptions import AccessDenied
    from widgets.store.comment_records import Author

    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau", "Nairobi Academy")
    member, _ = store.add_staff("chair", "Ana Ruiz", committee="interpol")
    me = Author(f"staff:{member.id}", "chair", "Ana Ruiz", committee="interpol")
    store.save_review(kenya, me.key, {"Topic background": 8})  # live: saved
    store.revoke_staff(member.id)
    with pytest.raises(AccessDenied, match="revoked"):
        store.save_review(kenya, me.key, {"Topic background": 2})
    with pytest.raises(AccessDenied, match="revoked"):
        store.add_comment(kenya, me, "Too late.")
    with pytest.raises(AccessDenied, match="revoked"):
        store.add_to_bank("interpol", me.key, "Too late.")
    assert store.reviews(kenya)[0]["scores"] == {"Topic background": 8}  # the earlier work stays
    assert store.comments(kenya) == []
