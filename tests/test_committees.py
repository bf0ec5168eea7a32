from pathlib import Path

import pytest

from widgets.core import committees
from widgets.exceptions import CommitteeError, UnknownCommittee


def test_interpol_loads_from_the_seed():
    interpol = committees.load("INTERPOL")
    assert interpol.key == "interpol"
    assert interpol.president == "Ana Paula García López"
    assert len(interpol.chairs) == 5
    assert "Lyon, France" in interpol.background
    assert [t.key for t in interpol.topics] == ["A", "B"]
    assert "counterfeit medicines in Africa" in " ".join(interpol.topics[0].title.split())
    assert "Asia-Pacific" in interpol.topics[1].title
    for topic in interpol.topics:
        assert 6 <= len(topic.prompts) <= 10
    assert [s.key for s in interpol.rules.sections] == [
        "background",
        "past_action",
        "country_policy",
        "solutions",
    ]
    assert sum(c.weight for c in interpol.rubric) == 100
    assert interpol.rules.deadline_utc.tzinfo is not None


def test_load_is_case_insensitive_and_unknown_names_are_listed():
    assert committees.load("interpol") is committees.load("Interpol")
    with pytest.raises(UnknownCommittee, match="known committees: interpol"):
        committees.load("UNSC")


def test_every_problem_is_reported_with_line_and_field(files: Path):
    with pytest.raises(CommitteeError) as caught:
        committees.check_file(files / "committee_bad_fields.yaml")
    problems = "\n".join(caught.value.problems)
    assert "line 16: topics[1].rules.max_pages: must be a whole number" in problems
    assert "line 21: rules.max_words: must be a positive integer" in problems
    assert "rules.citation_style: must be one of 'mla', 'apa' or 'chicago'" in problems
    assert "line 23: rules.deadline: must be a date and time" in problems
    assert "rules.timezone: unknown time zone 'Mars/Olympus'" in problems
    assert "line 25: rules.font_sise: is not a known field" in problems
    assert len(caught.value.problems) == 6


def test_rubric_weights_must_add_up(files: Path):
    text = (files / "committee_bad_fields.yaml").read_text()
    fixed = text.replace("max_pages: zero", "max_pages: 1").replace("max_words: -5", "max_words: 5")
    fixed = fixed.replace("harvard", "apa").replace("next friday", "2027-01-01 12:00")
    fixed = fixed.replace("Mars/Olympus", "UTC").replace("font_sise", "font_size")
    with pytest.raises(CommitteeError, match="rubric weights must add up to 100, not 90"):
        committees.parse(fixed)
    assert committees.parse(fixed.replace("weight: 90", "weight: 100")).key == "badcom"


def test_broken_yaml_names_the_line(files: Path):
    with pytest.raises(CommitteeError, match=r"line 3, column 1: not valid YAML"):
        committees.check_file(files / "committee_not_yaml.yaml")


def test_missing_file_and_non_mapping():
    with pytest.raises(CommitteeError, match="file not found"):
        committees.check_file("no/such/committee.yaml")
    with pytest.raises(CommitteeError, match="mapping"):
        committees.parse("- just\n- a list\n")


def test_adding_a_committee_is_adding_a_yaml_file(home: Path):
    text = Path(committees.settings.COMMITTEES_DIR / "interpol.yaml").read_text()
    text = text.split("\nfacts:")[0]  # INTERPOL's fact tables are INTERPOL's own
    folder = home / "committees"
    folder.mkdir(parents=True)
    (folder / "unodc.yaml").write_text(
        text.replace("acronym: INTERPOL", "acronym: UNODC").replace(
            "organisation: interpol", "organisation: un"
        )
    )
    assert set(committees.all_committees()) == {"interpol", "unodc"}
    assert committees.load("UNODC").organisation == "un"
