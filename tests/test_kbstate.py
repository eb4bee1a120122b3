"""A running server switches to a newly built index, and keeps its last good one when
the new one cannot be opened."""
from __future__ import annotations

import logging
import shutil

from kb.indexer import build_index, current_version_path
from kb.ingest import load_content
from webapp.kbstate import IndexHolder

from .conftest import SEED


def test_holder_follows_rebuilds_and_survives_a_bad_version(tmp_path, caplog):
    content = tmp_path / "content"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    index_dir = tmp_path / "index"
    first = build_index(load_content([content]), index_dir)
    holder = IndexHolder(index_dir)
    assert holder.get().version == first

    (content / "more.csv").write_text("id,question,answer\n1,粗大ごみの出し方,受付センターへ。\n", "utf-8")
    second = build_index(load_content([content]), index_dir)
    assert holder.get().version == second and "more.1" in holder.get().entries

    third = build_index(load_content([content]), index_dir)
    (current_version_path(index_dir) / "meta.json").write_text("{broken", "utf-8")
    with caplog.at_level(logging.WARNING):
        assert holder.get().version == second  # still serving the last good version
    assert third in caplog.text and "still serving" in caplog.text
