"""Feedback the API acknowledged survives kill -9 of its process and database outages."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from kb.recordqueue import RecordQueue
from kb.records import Records, feedback
from kb.spool import Spool

from .conftest import ROOT

# A worker whose database never answers: it acknowledges 60 feedback posts, then is killed.
WORKER = textwrap.dedent("""
    import sys, threading
    from kb.recordqueue import RecordQueue
    from kb.records import Records
    from kb.spool import Spool

    class Hanging(Records):
        def __init__(self):
            pass
        def add_rows(self, question_rows, feedback_rows):
            threading.Event().wait()  # the database hangs: nothing is ever committed

    queue = RecordQueue(Hanging(), spool=Spool(sys.argv[1]))
    acknowledged = sum(queue.add_feedback("doc.1", i % 2 == 0, f"コメント{i}", "v1") for i in range(60))
    print(acknowledged, flush=True)
    threading.Event().wait()
""")


def _database(tmp_path) -> Records:
    records = Records(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    records.create_tables()
    return records


def test_acknowledged_feedback_survives_kill_9_and_reaches_the_database(tmp_path):
    spool_dir = tmp_path / "spool"
    with subprocess.Popen([sys.executable, "-c", WORKER, str(spool_dir)], cwd=ROOT, stdout=subprocess.PIPE,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}) as worker:
        try:
            assert worker.stdout.readline().strip() == "60"  # every post was acknowledged
        finally:
            worker.send_signal(signal.SIGKILL)
            worker.wait(10)
    records = _database(tmp_path)
    queue = RecordQueue(records, spool=Spool(spool_dir))  # the next worker, started by gunicorn
    queue.add_question("質問", "answer", None, 0.5, "v1")  # its first request starts the writer
    assert queue.flush(timeout=10)
    with records.engine.connect() as conn:
        comments = sorted(conn.execute(feedback.select().with_only_columns(feedback.c.comment)).scalars())
    assert comments == sorted(f"コメント{i}" for i in range(60))
    queue.close()
    assert not list(spool_dir.glob("spool-*.jsonl"))  # all in: nothing left to replay
    records.dispose()


class Outage(Records):
    """A database that fails until it is back."""

    def __init__(self, real: Records):
        self.real, self.down = real, True

    def add_rows(self, question_rows, feedback_rows):
        return False if self.down else self.real.add_rows(question_rows, feedback_rows)


def test_feedback_acknowledged_during_an_outage_lands_when_the_database_is_back(tmp_path):
    real = _database(tmp_path)
    database = Outage(real)
    queue = RecordQueue(database, spool=Spool(tmp_path / "spool"), retry_after=0.05)
    assert all(queue.add_feedback("doc.1", True, None, "v1") for _ in range(30))
    assert not queue.flush(timeout=0.5)  # still waiting: nothing can be written
    database.down = False
    assert queue.flush(timeout=10)
    assert real.count(feedback) == 30
    queue.close()
    real.dispose()


def test_a_full_spool_says_not_stored(tmp_path):
    database = Outage(_database(tmp_path))
    queue = RecordQueue(database, spool=Spool(tmp_path / "spool", capacity=5), retry_after=60)
    acknowledged = [queue.add_feedback("doc.1", True, None, "v1") for _ in range(8)]
    assert acknowledged == [True] * 5 + [False] * 3
    queue.close()


def test_a_torn_last_line_is_skipped_and_the_rest_replayed(tmp_path):
    spool_dir = tmp_path / "spool"
    first = Spool(spool_dir)
    first.append("feedback", {"entry_id": "doc.1", "helpful": True, "comment": "一つ目", "index_version": "v1",
                              "created_at": Records.now()})
    path = next(spool_dir.glob("spool-*.jsonl"))
    first._file.close()  # the process died mid-write: a half line follows
    first._file = None
    with open(path, "a", encoding="utf-8") as out:
        out.write('{"id": "x", "table": "feedback", "row": {"entry')
    second = Spool(spool_dir)
    assert second.adopt_orphans() == 1
    assert [row["comment"] for _, _, row in second.pending(10)] == ["一つ目"]
    second.close()
