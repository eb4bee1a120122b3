"""The `kb` command line: the contract other tools depend on."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kb.cli import main

from .conftest import CONTENT, DEV_QUERIES, needs_shared


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("cli") / "index"
    result = CliRunner().invoke(main, ["build", "--content", str(CONTENT), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return index_dir


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_build_reports_what_it_built(built):
    result = run("build", "--content", str(CONTENT), "--index", str(built))
    assert "9 entries from 1 document" in result.output


def test_ask_prints_answer_and_source(built):
    result = run("ask", "HDDの廃棄方法", "--index", str(built))
    assert result.exit_code == 0
    assert "物理的な破碎" in result.output and "出典:" in result.output and "No. 4" in result.output


def test_ask_json(built):
    data = json.loads(run("ask", "カードをなくしても保険の情報は漏れないの", "--json", "--index", str(built)).output)
    assert data["answered"] and data["answer"]["source"]["item"] == "7"
    assert data["best_sentence"]["text"] in data["answer"]["answer"][data["best_sentence"]["paragraph"]]


def test_batch_keeps_order_and_contract(built, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text(
        '{"qid": "a", "query": "住民票の写しはどこで取れますか"}\n{"qid": "b", "query": "記憶装置を物理的に壊していますか"}\n',
        "utf-8",
    )
    lines = [json.loads(l) for l in run("ask", "--batch", str(batch), "--index", str(built)).output.splitlines()]
    assert [l["qid"] for l in lines] == ["a", "b"]
    assert lines[0]["answered"] is False and lines[0]["answer"] is None
    assert lines[1]["answered"] and lines[1]["answer"]["source"]["item"] == "4"
    hit = lines[1]["hits"][0]
    assert {"id", "question", "answer", "source", "score"} <= set(hit) and len(lines[1]["hits"]) <= 10


def test_bad_batch_line_is_a_usage_error(built, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"query": "no qid"}\n', "utf-8")
    result = run("ask", "--batch", str(batch), "--index", str(built))
    assert result.exit_code == 2 and "line 1" in result.output


def test_missing_index_is_one_line(tmp_path):
    result = run("ask", "質問", "--index", str(tmp_path / "none"))
    assert result.exit_code == 1
    assert result.output.strip().startswith("error: no knowledge-base index") and "kb build" in result.output


def test_bad_content_is_one_line_with_file_and_line(tmp_path):
    (tmp_path / "bad.jsonl").write_text("{oops\n", "utf-8")
    result = run("build", "--content", str(tmp_path), "--index", str(tmp_path / "ix"))
    assert result.exit_code == 1 and "bad.jsonl:1" in result.output


@needs_shared(DEV_QUERIES)
def test_eval_prints_the_figures(built):
    result = run("eval", str(DEV_QUERIES), "--index", str(built))
    assert result.exit_code == 0
    assert "Recall@1" in result.output and "MRR@10" in result.output and "no-answer accuracy" in result.output
    recall = float(next(l for l in result.output.splitlines() if l.startswith("Recall@1")).split()[-1])
    assert recall >= 0.9


def test_build_on_a_full_disk_prints_one_line_and_keeps_the_served_index(built, monkeypatch):
    import errno

    import kb.indexer
    from kb.indexer import current_version_path

    served = current_version_path(built)
    versions = sorted(p.name for p in (built / "versions").iterdir())

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(kb.indexer.json, "dump", full_disk)
    result = run("build", "--content", str(CONTENT), "--index", str(built))
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == (f"error: could not write a new index version at {built} "
                                              "(No space left on device); the index being served is unchanged")
    assert "Traceback" not in result.output and current_version_path(built) == served
    assert sorted(p.name for p in (built / "versions").iterdir()) == versions  # the half-written one is gone
