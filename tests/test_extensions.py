"""Extensions: only after the committee's deadline, listed in the advisor app, revocable."""

from datetime import UTC, datetime, timedelta

import pytest

from widgets.apps.advisor import AdvisorPage
from widgets.core import committees
from widgets.core.access import ADVISOR, SECRETARIAT, Grant
from widgets.exceptions import MunbookError, StoreError
from widgets.store import Store
from widgets.workflows.progress import deadline_for

ROSTER = (
    b"delegate,school,committee,country\n"
    b"Wanjiru Kamau,Nairobi Academy,INTERPOL,Kenya\nHaruto Sato,TIS,INTERPOL,Japan\n"
)
DEADLINE = committees.load("interpol").rules.deadline_utc  # 2027-02-26 23:59 Mexico City


@pytest.fixture
def page(store: Store) -> AdvisorPage:
    page = AdvisorPage(store, Grant(SECRETARIAT))
    page.import_roster(ROSTER, "roster.csv")
    return page


def test_the_store_refuses_an_extension_not_after_the_deadline(store: Store):
    kenya = store.add_delegation("interpol", "KEN", "Wanjiru Kamau")
    for until in (DEADLINE, DEADLINE - timedelta(days=3)):
        with pytest.raises(StoreError, match=r"after the committee's deadline \(2027-02-26 23:59"):
            store.grant_extension(kenya, until)
    assert store.extensions(kenya) == [] and store.extension_until(kenya) is None
    store.grant_extension(kenya, DEADLINE + timedelta(minutes=1))
    assert store.extension_until(kenya) == DEADLINE + timedelta(minutes=1)


def test_revoking_gives_the_committee_deadline_back(store: Store):
    kenya_id = store.add_delegation("interpol", "KEN", "Wanjiru Kamau")
    kenya = store.delegation(kenya_id)
    first = store.grant_extension(kenya_id, DEADLINE + timedelta(days=1), "illness")
    second = store.grant_extension(kenya_id, DEADLINE + timedelta(days=2), "flight")
    assert [r["id"] for r in store.extension_rows("interpol")] == [first, second]
    assert store.revoke_extension(second)["reason"] == "flight"
    assert deadline_for(store, kenya) == DEADLINE + timedelta(days=1)  # the earlier grant again
    store.revoke_extension(first)
    assert deadline_for(store, kenya) == DEADLINE and store.extension_rows() == []
    with pytest.raises(StoreError, match=f"no extension with id {first}"):
        store.revoke_extension(first)


def test_the_advisor_app_refuses_lists_and_revokes(page: AdvisorPage):
    kenya = page.store.find_delegation("interpol", "KEN")
    assert not page.grant_extension(kenya.id, "2027-02-20 18:00")
    message = page.extension_message.value
    assert "mb-bad" in message and "after the committee&#x27;s deadline" in message
    assert "2027-02-26 23:59 America/Mexico_City" in message
    assert page.store.extensions(kenya.id) == []
    assert page.grant_extension(kenya.id, "2027-03-01 18:00", "a <b>fever</b>")
    assert page.store.extension_until(kenya.id) == datetime(2027, 3, 2, 0, 0, tzinfo=UTC)
    listing = page.extensions.granted.value
    row = listing.split("Kenya")[1].split("</tr>")[0]
    assert "2027-03-01 18:00 (America/Mexico_City)" in row  # the committee's time, not UTC
    assert "a &lt;b&gt;fever&lt;/b&gt;" in row and "Japan" not in listing
    (label, extension_id), *_ = page.extensions.revoked.options
    assert "Kenya" in label
    assert page.revoke_extension(extension_id)
    assert "its deadline is now 2027-02-26 23:59" in page.extension_message.value
    assert deadline_for(page.store, kenya) == DEADLINE
    assert "No extension granted." in page.extensions.granted.value
    assert page.extensions.revoked.options == ()
    assert not page.revoke_extension(None)
    assert "choose an extension first" in page.extension_message.value


def test_only_the_secretariat_revokes(page: AdvisorPage):
    kenya = page.store.find_delegation("interpol", "KEN")
    extension = page.store.grant_extension(kenya.id, DEADLINE + timedelta(days=1))
    advisor = AdvisorPage(page.store, Grant(ADVISOR, "Nairobi Academy"))
    assert not hasattr(advisor, "extensions")
    with pytest.raises(MunbookError, match="only the secretariat"):
        advisor.revoke_extension(extension)
    assert page.store.extension_until(kenya.id) == DEADLINE + timedelta(days=1)


def test_a_reason_is_bounded(page: AdvisorPage):
    kenya = page.store.find_delegation("interpol", "KEN")
    assert not page.grant_extension(kenya.id, "2027-03-01 18:00", "x" * 201)
    assert "at most 200 characters" in page.extension_message.value
    assert page.grant_extension(kenya.id, "2027-03-01 18:00", "x" * 200)
