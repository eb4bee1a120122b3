"""Writing the first stage's matrices: the same content always gives the same files."""
from __future__ import annotations

import os
import subprocess
import sys

from whoosh import index as whoosh_index
from whoosh.query import Term

from kb import lexicalbuild
from kb.indexer import build_index, current_version_path

from .conftest import CONTENT, ROOT
from .test_analysispool import stored_files

BUILD = "import sys; from kb import build_index, load_content; build_index(load_content([sys.argv[1]]), sys.argv[2])"


def test_scoring_a_few_rows_at_a_time_gives_the_same_matrix(tmp_path, seed_content, monkeypatch):
    build_index(seed_content, tmp_path / "one-block")
    monkeypatch.setattr(lexicalbuild, "ROW_BLOCK", 2)
    build_index(seed_content, tmp_path / "blocks-of-two")
    assert stored_files(tmp_path / "blocks-of-two") == stored_files(tmp_path / "one-block")


def test_builds_in_processes_with_other_hash_seeds_write_the_same_files(tmp_path):
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", BUILD, str(CONTENT), str(tmp_path / seed)], env=env, cwd=ROOT, check=True)
    assert stored_files(tmp_path / "1") == stored_files(tmp_path / "2")


def test_whoosh_records_each_question_under_the_terms_its_analyzer_gives(seed_index, seed_content):
    ix = whoosh_index.open_dir(str(current_version_path(seed_index) / "whoosh"))
    analyzer = ix.schema["question"].analyzer
    with ix.searcher() as searcher:
        for entry in seed_content.entries:
            for term in {token.text for token in analyzer(entry.question)}:
                found = searcher.search(Term("question", term), limit=None)
                assert entry.id in {hit["id"] for hit in found}, term
