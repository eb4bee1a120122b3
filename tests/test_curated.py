"""Editors' additions (content/curated.toml)."""
from __future__ import annotations

import shutil

import pytest

from kb.errors import ContentError
from kb.ingest import load_content

from .conftest import SEED, entry_id


@pytest.fixture
def folder(tmp_path):
    shutil.copy(SEED, tmp_path / SEED.name)
    return tmp_path


def test_alternates_and_topics_are_added(folder):
    (folder / "curated.toml").write_text(
        f'[entries."{entry_id("7")}"]\nalternates = ["カードを落としたとき"]\ntopics = ["紛失"]\n', "utf-8"
    )
    entry = next(e for e in load_content([folder]).entries if e.id == entry_id("7"))
    assert entry.alternates == ("カードを落としたとき",) and entry.topics == ("紛失",)


def test_document_metadata_can_be_supplied(folder):
    (folder / "curated.toml").write_text(f'[documents."{SEED.stem}"]\ndepartment = "区役所保険年金課"\n', "utf-8")
    content = load_content([folder])
    assert content.documents[0].department == "区役所保険年金課"
    assert all(e.source.department == "区役所保険年金課" for e in content.entries)


@pytest.mark.parametrize("text, line, message", [
    ('\n[entries."nosuch.1"]\ntopics = ["x"]\n', 2, "no entry with id"),
    (f'[entries."{entry_id("1")}"]\ntopics = "x"\n', 1, "list of non-empty strings"),
    (f'[entries."{entry_id("1")}"]\ncolour = ["x"]\n', 1, "unknown field"),
    ('[entries\ntopics = ["x"]\n', 1, "not valid TOML"),
])
def test_mistakes_name_the_line(folder, text, line, message):
    (folder / "curated.toml").write_text(text, "utf-8")
    with pytest.raises(ContentError) as error:
        load_content([folder])
    assert error.value.line == line and message in error.value.message


FIXTURE_CONTACT = '[city.contact]\ndepartment = "テスト市保険年金課"\nphone = "000-000-0000"\nhours = "平日9時～17時"\nurl = "https://city.example.jp/kokuho"\n'


def test_headings_contacts_and_starters_are_read(folder):
    (folder / "curated.toml").write_text(
        f'[city]\nstarters = ["一つ目？", "二つ目？", "三つ目？"]\n{FIXTURE_CONTACT}'
        f'[documents."{SEED.stem}".contact]\ndepartment = "文書の担当課"\nphone = "000-111-2222"\n'
        f'[entries."{entry_id("1")}"]\nheading = "なりすまし対策"\n', "utf-8")
    content = load_content([folder])
    assert content.city == {"starters": ["一つ目？", "二つ目？", "三つ目？"], "contact": {
        "department": "テスト市保険年金課", "phone": "000-000-0000", "hours": "平日9時～17時",
        "url": "https://city.example.jp/kokuho"}}
    assert content.documents[0].contact == {"department": "文書の担当課", "phone": "000-111-2222"}
    by_id = {e.id: e for e in content.entries}
    assert by_id[entry_id("1")].heading == "なりすまし対策"
    assert by_id[entry_id("1")].question.startswith("2021年3月から")  # the opinion stays verbatim
    assert by_id[entry_id("2")].heading is None


def test_the_shipped_curated_file_heads_every_seed_entry(seed_content):
    headings = [e.heading for e in seed_content.entries]
    assert all(headings) and len(set(headings)) == len(headings)
    assert all(len(h) <= 40 and "\n" not in h for h in headings)
    assert 3 <= len(seed_content.city["starters"]) <= 5


def test_the_shipped_contact_states_only_what_the_seed_publishes(seed_content):
    contact = seed_content.city["contact"]
    seed_text = SEED.read_text("utf-8")
    assert set(contact) == {"department", "url"}  # no phone number or hours the seed does not give
    assert contact["url"] in seed_text and contact["department"].removeprefix("札幌市") in seed_text


@pytest.mark.parametrize("text, message", [
    ('[city]\nstarters = ["一つ", "二つ"]\n', "3 to 5 questions"),
    ('[city]\ncolour = "red"\n', "unknown field"),
    ('[city.contact]\nphone = "000-000-0000"\n', "needs a department"),
    ('[city.contact]\ndepartment = "課"\nurl = "city.example.jp"\n', "must start with http"),
    ('[city.contact]\ndepartment = "課"\nfax = "000"\n', "unknown field"),
    (f'[documents."{SEED.stem}".contact]\ndepartment = ""\n', "non-empty string"),
    (f'[entries."{entry_id("1")}"]\nheading = ["x"]\n', "one line"),
    (f'[entries."{entry_id("1")}"]\nheading = "{"長" * 41}"\n', "one line"),
], ids=["too-few-starters", "unknown-city-field", "contact-without-department", "relative-url",
        "unknown-contact-field", "empty-department", "heading-not-text", "heading-too-long"])
def test_bad_headings_contacts_and_starters_are_refused(folder, text, message):
    (folder / "curated.toml").write_text(text, "utf-8")
    with pytest.raises(ContentError, match=message):
        load_content([folder])
