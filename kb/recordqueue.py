"""Question and feedback records written off the request path.

A bounded in-process queue, drained by one background thread that writes in batches.
Adding a question record never waits: when the queue is full, or the database failed a
moment ago, it is counted and dropped, with one warning per interval. Feedback, which the
API acknowledges as stored, goes to a local spool first (`kb.spool`, fsync'd), and stays
there until the database has it: kill -9 and database outages lose none of it. The same
thread purges old records once a day. The thread is started lazily in the process that
uses the queue (a thread does not survive gunicorn's fork)."""
from __future__ import annotations

import logging
import os
import queue
import threading
import time

from .records import Records
from .spool import Spool

log = logging.getLogger(__name__)
DAY = 24 * 3600.0
LINGER = 0.5  # at most one commit (fsyncs) per this many seconds: a quiet server writes at once, a busy one in batches


class RecordQueue:
    """Records.add_question/add_feedback that return at once (True when queued)."""

    def __init__(self, records: Records, *, capacity: int = 1000, batch: int = 200,
                 warn_every: float = 60.0, retry_after: float = 5.0,
                 purge_days: int | None = None, purge_every: float = DAY, linger: float = LINGER,
                 spool: Spool | None = None):
        self.records = records
        self.spool = spool
        self.capacity, self.batch = capacity, batch
        self.warn_every, self.retry_after = warn_every, retry_after
        self.purge_days, self.purge_every = purge_days, purge_every
        self.linger = linger
        self.dropped = 0  # records dropped since this process started
        self._unreported = 0
        self._last_warning = float("-inf")
        self._down_until = float("-inf")
        self._count_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._pid: int | None = None
        self._thread: threading.Thread | None = None

    def add_question(self, question, outcome, entry_id, confidence, index_version) -> bool:
        """Queue a (masked) question record."""
        return self._put("questions", dict(question=question, outcome=outcome, entry_id=entry_id,
                                           confidence=confidence, index_version=index_version))

    def add_feedback(self, entry_id, helpful, comment, index_version) -> bool:
        """Keep a feedback record (comment already masked). With a spool, True means it is on
        disk and will reach the database; without one, that it is queued."""
        row = dict(entry_id=entry_id, helpful=helpful, comment=comment, index_version=index_version)
        if self.spool is not None:
            self._ensure_thread()
            if self.spool.append("feedback", {**row, "created_at": Records.now()}) is not None:
                return True  # the writer takes it within half a second
            self._put("feedback", row)  # not durable: best effort, and said so
            return False
        return self._put("feedback", row)

    def _put(self, table: str, row: dict) -> bool:
        self._ensure_thread()
        if time.monotonic() < self._down_until:
            self._drop(1, "the database failed a moment ago")
            return False
        try:
            self._queue.put_nowait((table, {**row, "created_at": Records.now()}))
        except queue.Full:
            self._drop(1, "the record queue is full")
            return False
        return True

    def start(self) -> None:
        """Start the writer in this process now (it starts with the first record otherwise)."""
        self._ensure_thread()

    def _ensure_thread(self) -> None:
        if self._pid == os.getpid():
            return
        with self._start_lock:
            if self._pid != os.getpid():
                self._queue: queue.Queue = queue.Queue(self.capacity)
                self._stop = threading.Event()
                self._hurry = threading.Event()  # write what is queued now (flush, close)
                self._last_write = float("-inf")
                self._next_purge = time.monotonic() + self.purge_every
                self._thread = threading.Thread(target=self._drain, name="record-writer", daemon=True)
                self._pid = os.getpid()
                self._thread.start()

    def _drain(self) -> None:
        if self.spool is not None:
            self.spool.adopt_orphans()  # what a killed worker had acknowledged
        while not (self._stop.is_set() and self._queue.empty()):
            try:
                items = [self._queue.get(timeout=0.5)]
            except queue.Empty:
                items = []
                if self._spooled_due():
                    self._write_spooled()
                    continue
            wait = self._last_write + self.linger - time.monotonic()  # at most one commit per linger
            if items and wait > 0 and self._queue.qsize() < self.batch - 1:  # a full batch goes at once
                self._hurry.wait(wait)  # asleep, not woken by each record; flush and close wake it
                if not self._stop.is_set():
                    self._hurry.clear()
            while items and len(items) < self.batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            if items:
                self._write(items)
                self._last_write = time.monotonic()
            if self._spooled_due():
                self._write_spooled()
            self._purge_when_due()
        if self.spool is not None and len(self.spool) and time.monotonic() >= self._down_until:
            self._write_spooled()  # closing: one last try; what is left stays on disk

    def _spooled_due(self) -> bool:
        return self.spool is not None and len(self.spool) > 0 and time.monotonic() >= self._down_until

    def _write_spooled(self) -> None:
        """Spooled records to the database, batch by batch; on failure they stay spooled."""
        while batch := self.spool.pending(self.batch):
            if not self.records.add_rows([row for _, table, row in batch if table == "questions"],
                                         [row for _, table, row in batch if table == "feedback"]):
                self._down_until = time.monotonic() + self.retry_after
                return
            self.spool.done([record_id for record_id, _, _ in batch])
            self._last_write = time.monotonic()

    def _write(self, items: list[tuple[str, dict]]) -> None:
        try:
            if not self.records.add_rows([r for t, r in items if t == "questions"],
                                         [r for t, r in items if t == "feedback"]):
                self._down_until = time.monotonic() + self.retry_after
                self._drop(len(items), "the database is unavailable")
        finally:
            for _ in items:
                self._queue.task_done()

    def _purge_when_due(self) -> None:
        if self.purge_days is None or time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + self.purge_every
        if self.records.try_purge(self.purge_days):
            log.info("purged records older than %d days", self.purge_days)

    def _drop(self, count: int, why: str) -> None:
        with self._count_lock:
            self.dropped += count
            self._unreported += count
            now = time.monotonic()
            if now - self._last_warning < self.warn_every:
                return
            log.warning("%d record(s) dropped: %s (answers are not affected)", self._unreported, why)
            self._last_warning, self._unreported = now, 0

    def flush(self, timeout: float = 5.0) -> bool:
        """Wait until every queued record is written or dropped; False on timeout."""
        if self._pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks or (self.spool is not None and len(self.spool)):
            if time.monotonic() > deadline:
                return False
            self._hurry.set()
            time.sleep(0.01)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (waiting at most `timeout`) and stop the thread."""
        if self._pid != os.getpid() or self._thread is None:
            return
        self._stop.set()
        self._hurry.set()
        self._thread.join(timeout)
        left = self._queue.qsize()
        if left:
            self._drop(left, "shutting down with the database unavailable")
        if self.spool is not None:
            if len(self.spool):
                log.warning("%d acknowledged record(s) kept in the spool for the next start", len(self.spool))
            self.spool.close()
        self._pid = None
