"""Records leave the request path: queued, written in batches by a thread, never waited for."""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert, select

from kb.recordqueue import RecordQueue
from kb.records import Records, questions


def ask(queue: RecordQueue, n: int) -> list[bool]:
    return [queue.add_question(f"質問{i}", "answer", None, 0.5, "v1") for i in range(n)]


def test_a_locked_sqlite_file_never_delays_the_caller(tmp_path):
    path = tmp_path / "db.sqlite3"
    records = Records(f"sqlite:///{path}")
    records.create_tables()
    queue = RecordQueue(records)
    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the database
    started = time.perf_counter()
    assert ask(queue, 20) == [True] * 20
    assert time.perf_counter() - started < 0.5  # the busy timeout is 3 s: nobody waited for it
    time.sleep(0.3)
    locker.execute("COMMIT")
    assert queue.flush(timeout=10)
    assert records.count(questions) == 20
    queue.close()
    records.dispose()


class StuckDatabase(Records):
    """A database that does not answer until released."""

    def __init__(self):
        self.entered = threading.Event()  # the writer holds a batch and waits
        self.released = threading.Event()
        self.batches: list[int] = []

    def add_rows(self, question_rows, feedback_rows):
        self.entered.set()
        self.released.wait(10)
        self.batches.append(len(question_rows) + len(feedback_rows))
        return True


def test_a_full_queue_drops_and_warns_once_per_interval(caplog):
    database = StuckDatabase()
    queue = RecordQueue(database, capacity=5, batch=100, warn_every=60)
    with caplog.at_level(logging.WARNING):
        accepted = ask(queue, 1)
        assert database.entered.wait(5)  # the writer is stuck with the first record in its hands
        accepted += ask(queue, 49)
    database.released.set()
    assert queue.flush()
    assert accepted == [True] * 6 + [False] * 44 and queue.dropped == 44  # 1 being written + 5 queued
    assert caplog.text.count("dropped") == 1 and "質問" not in caplog.text
    assert sum(database.batches) == sum(accepted) and len(database.batches) <= 2  # written in batches
    queue.close()


def test_close_writes_what_is_queued(tmp_path):
    records = Records(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    records.create_tables()
    queue = RecordQueue(records)
    ask(queue, 30)
    queue.close()
    assert records.count(questions) == 30
    records.dispose()


def test_old_records_are_purged_while_the_app_runs(tmp_path):
    records = Records(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    records.create_tables()
    with records.engine.begin() as conn:
        conn.execute(insert(questions), [dict(created_at=datetime.now(timezone.utc) - timedelta(days=91),
                                              question="古い", outcome="no_answer")])
    queue = RecordQueue(records, purge_days=90, purge_every=0.05)
    ask(queue, 1)
    assert queue.flush()
    deadline = time.monotonic() + 5
    while records.count(questions) != 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    with records.engine.connect() as conn:
        assert [r.question for r in conn.execute(select(questions.c.question))] == ["質問0"]
    queue.close()
    records.dispose()


class CountingDatabase(Records):
    """A database that only counts the batches it is given."""

    def __init__(self):
        self.batches: list[int] = []

    def add_rows(self, question_rows, feedback_rows):
        self.batches.append(len(question_rows) + len(feedback_rows))
        return True


def test_records_arriving_together_are_written_in_one_batch():
    database = CountingDatabase()
    queue = RecordQueue(database, linger=30.0)  # at most one commit per 30 s: the rest gather until closed
    ask(queue, 1)
    assert queue.flush(timeout=10)
    assert ask(queue, 50) == [True] * 50
    queue.close(timeout=10)
    assert database.batches == [1, 50]


def test_a_quiet_server_writes_a_record_at_once():
    database = CountingDatabase()
    written = threading.Event()
    database.add_rows = lambda questions, feedback: written.set() or True
    queue = RecordQueue(database, linger=30.0)
    ask(queue, 1)
    assert written.wait(10)  # not after the 30 s a busy server's records may wait
    queue.close()


def test_flush_writes_what_is_queued_without_waiting_for_more():
    database = CountingDatabase()
    queue = RecordQueue(database, batch=10, linger=30.0)
    ask(queue, 30)
    assert queue.flush(timeout=10) and sum(database.batches) == 30 and max(database.batches) <= 10
    queue.close()
