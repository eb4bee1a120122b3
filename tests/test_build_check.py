"""`kb build --check`: validate and say what would change, never touching the index."""
from __future__ import annotations

import shutil

from click.testing import CliRunner

from kb.cli import main
from kb.indexer import current_version_path

from .conftest import SEED, entry_id


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_check_lists_added_removed_changed_and_leaves_the_index(tmp_path):
    content, index = tmp_path / "content", tmp_path / "index"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    (content / "faq.csv").write_text("id,question,answer\nq1,質問1,答え1\nq2,質問2,答え2\n", "utf-8")
    assert run("build", "--content", str(content), "--index", str(index)).exit_code == 0
    served = current_version_path(index)
    (content / "faq.csv").write_text("id,question,answer\nq1,質問1,答えを直しました\nq3,質問3,答え3\n", "utf-8")
    result = run("build", "--check", "--content", str(content), "--index", str(index))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1:] == [
        "  added   1", "    faq.q3", "  removed 1", "    faq.q2", "  changed 1", "    faq.q1",
    ]
    assert current_version_path(index) == served and len(list((index / "versions").iterdir())) == 1


def test_check_with_nothing_changed(tmp_path):
    content, index = tmp_path / "content", tmp_path / "index"
    content.mkdir()
    shutil.copy(SEED, content / SEED.name)
    run("build", "--content", str(content), "--index", str(index))
    result = run("build", "--check", "--content", str(content), "--index", str(index))
    assert "nothing would change" in result.output and entry_id("1") not in result.output


def test_check_fails_on_errors_with_file_and_line(tmp_path):
    (tmp_path / "faq.csv").write_text('id,question,answer\nq1,質問1,"答え1\nq2,質問2,答え2\n', "utf-8")
    result = run("build", "--check", "--content", str(tmp_path), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1 and "faq.csv:2: unclosed quote" in result.output
    assert not (tmp_path / "index").exists()


def test_build_log_reports_encoding_and_missing_metadata(tmp_path):
    (tmp_path / "faq.csv").write_bytes("id,question,answer\nq1,保険証,再発行します\n".encode("cp932"))
    result = CliRunner().invoke(main, ["build", "--content", str(tmp_path), "--index", str(tmp_path / "ix")])
    assert result.exit_code == 0
    assert "read as Shift_JIS (cp932)" in result.output and "[documents.\"faq\"] publisher" in result.output
