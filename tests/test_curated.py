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
