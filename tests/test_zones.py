"""Times in the reader's zone, the committee's beside the deadline, and a zone checked."""

from datetime import UTC, datetime

from widgets.core.zones import MAX_ZONE_CHARS, ReaderZone, checked_zone, utc_header

DEADLINE = datetime(2027, 2, 27, 5, 59, tzinfo=UTC)  # 23:59 in Mexico City, 08:59 in Nairobi


def test_reader_zone_shows_own_time_and_committee_deadline():
    zone = ReaderZone("America/Mexico_City")
    assert zone.set_reader("Africa/Nairobi")
    assert zone.at(DEADLINE) == "Sat 27 Feb, 08:59:00 your time (Africa/Nairobi)"
    assert zone.deadline(DEADLINE) == (
        "Sat 27 Feb 2027, 08:59 your time (Africa/Nairobi) · "
        "Fri 26 Feb 23:59 America/Mexico_City, the committee's"
    )
    assert zone.note() == ""


def test_same_day_deadline_names_no_day_twice():
    zone = ReaderZone("America/Mexico_City", reader="America/New_York")
    at = datetime(2027, 2, 26, 20, 0, tzinfo=UTC)
    assert zone.deadline(at) == (
        "Fri 26 Feb 2027, 15:00 your time (America/New_York) · 14:00 America/Mexico_City, the committee's"
    )


def test_same_zone_and_same_offset_said_once():
    same = ReaderZone("America/Mexico_City", reader="America/Mexico_City")
    assert same.deadline(DEADLINE).endswith("your time and the committee's (America/Mexico_City)")
    twin = ReaderZone("Europe/Paris", reader="Europe/Berlin")
    assert "the same as the committee's (Europe/Paris)" in twin.deadline(DEADLINE)


def test_fallback_is_the_committee_zone_and_says_so():
    zone = ReaderZone("America/Mexico_City")
    assert "until your browser says yours" in zone.note()
    assert not zone.set_reader("Mars/Olympus_Mons")
    assert zone.name == "America/Mexico_City"
    assert zone.at(DEADLINE).endswith("America/Mexico_City, the committee's time")
    assert "did not say a time zone this server knows" in zone.note()
    assert zone.deadline(DEADLINE) == (
        "Fri 26 Feb 2027, 23:59 America/Mexico_City, the committee's time"
    )


def test_zone_names_are_checked_and_bounded():
    assert checked_zone("Africa/Nairobi") == "Africa/Nairobi"
    assert checked_zone("UTC") == "UTC"
    for bad in ("", None, 42, "../../etc/passwd", "/etc/localtime", "Africa\\Nairobi", "a\0b"):
        assert checked_zone(bad) is None
    assert checked_zone("A" * MAX_ZONE_CHARS) is None  # not a zone, but within the length
    assert checked_zone("Africa/Nairobi" + "x" * MAX_ZONE_CHARS) is None  # one past the length


def test_utc_header():
    assert utc_header("Submitted") == "Submitted (UTC)"
    assert utc_header("Submitted (UTC)") == "Submitted (UTC)"
