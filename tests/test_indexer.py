"""Building beside the serving index and switching atomically."""
from __future__ import annotations


import pytest

from kb.errors import ContentError, IndexCorrupt, IndexNotFound
from kb.indexer import build_index, current_version_path
from kb.ingest import load_content
from kb.search import KnowledgeBase



def test_rebuild_switches_while_an_open_reader_keeps_its_version(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    first = build_index(load_content([content_dir]), index_dir)
    reader = KnowledgeBase.open(index_dir)
    (content_dir / "extra.csv").write_text("id,question,answer\n1,粗大ごみの出し方,粗大ごみ受付センターへ。\n", "utf-8")
    second = build_index(load_content([content_dir]), index_dir)
    assert first != second
    assert reader.version == first and reader.search("磁気", limit=1)  # old reader still serves
    fresh = KnowledgeBase.open(index_dir)
    assert fresh.version == second and fresh.search("粗大ごみ", limit=1)[0].entry.id == "extra.1"
    reader.close(); fresh.close()


def test_bad_content_fails_before_touching_the_serving_index(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    version = build_index(load_content([content_dir]), index_dir)
    (content_dir / "broken.jsonl").write_text('{"id": "1", "question": "q"\n', "utf-8")
    with pytest.raises(ContentError, match="broken.jsonl:1"):
        build_index(load_content([content_dir]), index_dir)
    assert KnowledgeBase.open(index_dir).version == version


def test_a_failure_while_writing_leaves_no_half_version(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    version = build_index(load_content([content_dir]), index_dir)

    def explode(done, total):
        if done == 3:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        build_index(load_content([content_dir]), index_dir, progress=explode)
    assert current_version_path(index_dir).name == version
    assert [p.name for p in (index_dir / "versions").iterdir()] == [version]


def test_progress_is_reported_per_entry(tmp_path, content_dir):
    seen = []
    build_index(load_content([content_dir]), tmp_path / "index", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (9, 9) and len(seen) == 9


def test_old_versions_are_pruned(tmp_path, content_dir):
    for _ in range(5):
        build_index(load_content([content_dir]), tmp_path / "index")
    assert len(list((tmp_path / "index" / "versions").iterdir())) == 3


def test_missing_index_names_the_path_and_the_command(tmp_path):
    with pytest.raises(IndexNotFound, match=r"kb build --index .*nothing"):
        KnowledgeBase.open(tmp_path / "nothing")


def test_corrupt_index_is_reported(tmp_path, content_dir):
    index_dir = tmp_path / "index"
    build_index(load_content([content_dir]), index_dir)
    (current_version_path(index_dir) / "entries.json").write_text("{not json", "utf-8")
    with pytest.raises(IndexCorrupt, match="kb build"):
        KnowledgeBase.open(index_dir)


def test_an_index_from_another_format_asks_for_a_rebuild(tmp_path, content_dir):
    import json

    index_dir = tmp_path / "index"
    build_index(load_content([content_dir]), index_dir)
    meta = current_version_path(index_dir) / "meta.json"
    meta.write_text(json.dumps({**json.loads(meta.read_text("utf-8")), "format": 0}), "utf-8")
    with pytest.raises(IndexCorrupt) as error:
        KnowledgeBase.open(index_dir)
    assert str(error.value).endswith(f"rebuild it with: kb build --index {index_dir}")
