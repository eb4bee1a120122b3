"""Question and feedback records on SQLite and (in CI) PostgreSQL; purge; database down."""
from __future__ import annotations

import logging
import os
from datetime import datetime, timedelta, timezone

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from kb.cli import main
from kb.records import Records, feedback, questions

from .conftest import entry_id
from .webapp_helpers import assert_api_error

POSTGRES = os.environ.get("KB_TEST_POSTGRES_URL")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'records.sqlite3'}"
    if not POSTGRES:
        pytest.skip("KB_TEST_POSTGRES_URL not set (the CI script starts a PostgreSQL and sets it)")
    records = Records(POSTGRES)
    records.create_tables()
    with records.engine.begin() as conn:  # each test starts empty
        conn.execute(questions.delete())
        conn.execute(feedback.delete())
    records.dispose()
    return POSTGRES


@pytest.fixture
def store(database_url):
    records = Records(database_url)
    assert records.create_tables()
    yield records
    records.dispose()


def test_records_are_written(store):
    assert store.add_question("保険証を［番号］なくした", "answer", entry_id("7"), 0.9, "v1")
    assert store.add_feedback(entry_id("7"), False, None, "v1")
    assert store.count(questions) == 1 and store.count(feedback) == 1


def test_purge_deletes_only_older_records(store):
    old = datetime.now(timezone.utc) - timedelta(days=91)
    with store.engine.begin() as conn:
        conn.execute(insert(questions), [dict(created_at=old, question="古い", outcome="no_answer")])
        conn.execute(insert(feedback), [dict(created_at=old, entry_id="x", helpful=True)])
    store.add_question("新しい", "no_answer", None, 0.1, "v1")
    assert store.purge(90) == {"questions": 1, "feedback": 1}
    with store.engine.connect() as conn:
        assert [r.question for r in conn.execute(select(questions.c.question))] == ["新しい"]


def test_kb_purge_command(store, database_url):
    old = datetime.now(timezone.utc) - timedelta(days=40)
    with store.engine.begin() as conn:
        conn.execute(insert(questions), [dict(created_at=old, question="q", outcome="answer")])
    result = CliRunner().invoke(main, ["purge", "--database", database_url, "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "deleted 1 question and 0 feedback record(s) older than 30 days" in result.output


def test_kb_purge_reports_an_unusable_database(tmp_path):
    result = CliRunner().invoke(main, ["purge", "--database", f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"])
    assert result.exit_code == 1 and result.output.startswith("error: cannot purge")


def test_database_down_drops_records_with_a_warning(tmp_path, caplog):
    records = Records("postgresql+psycopg://kb@127.0.0.1:1/none")
    with caplog.at_level(logging.WARNING):
        assert records.add_question("質問", "answer", None, 0.5, "v1") is False
    records.dispose()
    assert "database unavailable" in caplog.text and "質問" not in caplog.text


@pytest.fixture
def app_without_database(seed_index, tmp_path):
    from webapp import create_app

    # A read-only SQLite file: the app starts, answers, and cannot write records.
    path = tmp_path / "ro.sqlite3"
    Records(f"sqlite:///{path}").create_tables()
    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT": "1000 per minute",
                       "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true", "SPOOL_DIR": str(tmp_path / "spool")})


def test_answers_are_served_when_the_database_is_read_only(app_without_database, caplog):
    client = app_without_database.test_client()
    queue = app_without_database.extensions["kb_record_queue"]
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/ask", json={"question": "記憶装置を物理的に壊していますか"})
        assert response.status_code == 200 and response.get_json()["answered"]
        assert queue.flush()
        # the question record is dropped, and says so; feedback waits in the spool on disk
        stored = client.post("/api/feedback", json={"entry_id": entry_id("4"), "helpful": True})
    assert stored.status_code == 201 and stored.get_json()["stored"] is True
    assert "could not record" in caplog.text and queue.dropped == 1
    queue.close()
    spooled = list((Path(app_without_database.config["SPOOL_DIR"])).glob("spool-*.jsonl"))
    assert len(spooled) == 1 and entry_id("4") in spooled[0].read_text("utf-8")  # kept for the next start
    app_without_database.extensions["kb_records"].dispose()


def test_app_works_on_this_database(seed_index, database_url):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "DATABASE_URL": database_url,
                      "RATE_LIMIT": "1000 per minute"})
    client = app.test_client()
    assert client.post("/api/ask", json={"question": "電子申請はいつから？"}).status_code == 200
    assert client.post("/api/feedback", json={"entry_id": entry_id("8"), "helpful": True}).status_code == 201
    assert_api_error(client.post("/api/feedback", json={"entry_id": entry_id("8")}), 422)
    assert app.extensions["kb_record_queue"].flush()
    records = app.extensions["kb_records"]
    assert records.count(questions) == 1 and records.count(feedback) == 1
    records.dispose()


def test_kb_unanswered_lists_what_residents_could_not_find(store, database_url, seed_index):
    for question, outcome in [("粗大ごみの出し方", "no_answer"), ("粗大ごみの出し方", "no_answer"),
                              ("印鑑登録をしたい", "no_answer"), ("ＨＤＤの廃棄", "answer")]:
        store.add_question(question, outcome, None, 0.1, "v1")
    result = CliRunner().invoke(main, ["unanswered", "--database", database_url, "--index", str(seed_index)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[0] == "2×" and lines[0].endswith("粗大ごみの出し方")
    assert lines[1].endswith("印鑑登録をしたい") and len(lines) == 2
