import os
import subprocess
import sys
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
    assert "line 16: topics[1].rules.max_words: must be a whole number" in problems
    assert "line 21: rules.max_words: must be a positive integer" in problems
    assert "rules.citation_style: must be one of 'mla', 'apa' or 'chicago'" in problems
    assert "line 23: rules.deadline: must be a date and time" in problems
    assert "rules.timezone: unknown time zone 'Mars/Olympus'" in problems
    assert "line 25: rules.font_sise: is not a known field" in problems
    assert len(caught.value.problems) == 6


def test_rubric_weights_must_add_up(files: Path):
    text = (files / "committee_bad_fields.yaml").read_text()
    fixed = text.replace("max_words: zero", "max_words: 100").replace(
        "max_words: -5", "max_words: 5"
    )
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


def test_the_dataclasses_have_the_schemas_fields():
    # A field added to the schema (pydantic) but not to the dataclass would be lost
    # when a committee is built from its validated data.
    from widgets.core import committee_schema as schema

    for name in ("Limits", "Section", "Rules", "Topic", "RubricCategory", "FactTable", "Committee"):
        model, plain = getattr(schema, name), getattr(committees, name)
        assert committees.schema_fields(plain) == list(model.model_fields), name


def test_a_committee_file_is_validated_once_then_built_from_its_cache(tmp_path: Path):
    committees._load_cached.cache_clear()  # loaded by an earlier test, in another home
    first = committees.load("interpol")
    cached = list((Path(os.environ["MUNBOOK_HOME"]) / "cache" / "committees").glob("*.json"))
    assert cached and oct(cached[0].stat().st_mode & 0o777) == "0o600"
    # A new process (a served kernel) builds the same committee without pydantic or YAML.
    code = (
        "import sys; from widgets.core import committees\n"
        "c = committees.load('interpol')\n"
        "print(c.rules.deadline_utc.isoformat(), len(c.facts), 'pydantic' in sys.modules, "
        "'yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [
        first.rules.deadline_utc.isoformat(),
        str(len(first.facts)),
        "False",
        "False",
    ]
    # An edited cache that no longer fits is validated again, never trusted blindly.
    cached[0].write_text('{"acronym": "X"}')
    committees._load_cached.cache_clear()
    assert committees.load("interpol") == first


def test_a_topic_page_limit_is_refused_not_ignored(files: Path):
    text = (files / "committee_bad_fields.yaml").read_text()
    with pytest.raises(CommitteeError) as caught:
        committees.parse(text.replace("max_words: zero", "max_pages: 1"))
    assert "line 16: topics[1].rules.max_pages: is not a known field" in "\n".join(
        caught.value.problems
    )
