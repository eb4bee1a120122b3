"""Records on local disk before the API says they are stored.

A record the API acknowledges (`stored: true`) must survive kill -9 of the worker and a
database outage. Each process appends such records to its own spool file (one JSON line
each, fsync'd) before the acknowledgement, and the record writer marks them done once the
database has committed them. The file is locked by its process while it lives; a process
that finds another's file unlocked (its owner died) takes its unfinished records over.

Line format: {"id": …, "table": …, "row": {…}} for a record, {"done": [ids]} once written.
A `done` line is not fsync'd: lost to a power cut, it costs a duplicate on replay, never a
lost record.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
import uuid
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)
CAPACITY = 10_000  # records not yet in the database; past this the API says "not stored"
PREFIX = "spool-"


class Spool:
    """This process's spool file under `folder`, and its records not yet in the database."""

    def __init__(self, folder: Path | str, capacity: int = CAPACITY):
        self.folder = Path(folder)
        self.capacity = capacity
        self._lock = threading.Lock()
        self._pending: dict[str, tuple[str, dict]] = {}  # id → (table, row), in arrival order
        self._file = None
        self._pid: int | None = None

    def append(self, table: str, row: dict) -> str | None:
        """Write one record durably; its id, or None when it could not be kept (full, disk)."""
        kept = self.append_many([(table, row)])
        return kept[0] if kept else None

    def append_many(self, records: list[tuple[str, dict]]) -> list[str]:
        """Write records durably with one fsync; their ids ([] when they could not be kept)."""
        ids = [uuid.uuid4().hex for _ in records]
        lines = "".join(json.dumps({"id": i, "table": t, "row": _jsonable(r)}, ensure_ascii=False) + "\n"
                        for i, (t, r) in zip(ids, records))
        with self._lock:
            if len(self._pending) + len(records) > self.capacity:
                return []
            try:
                out = self._open()
                out.write(lines)
                out.flush()
                os.fsync(out.fileno())
            except OSError as error:
                log.warning("spool unavailable (%s): a record is kept in memory only", type(error).__name__)
                return []
            self._pending.update(zip(ids, records))
        return ids

    def pending(self, limit: int) -> list[tuple[str, str, dict]]:
        """Up to `limit` records not yet in the database: (id, table, row), oldest first."""
        with self._lock:
            return [(i, t, r) for i, (t, r) in list(self._pending.items())[:limit]]

    def __len__(self) -> int:
        return len(self._pending)

    def done(self, ids: list[str]) -> None:
        """The database committed these: forget them; start the file afresh when all are in."""
        with self._lock:
            for record_id in ids:
                self._pending.pop(record_id, None)
            try:
                out = self._open()
                if self._pending:
                    out.write(json.dumps({"done": ids}) + "\n")
                    out.flush()
                else:
                    out.truncate(0)  # append mode: the next write starts at 0 again
            except OSError:
                pass  # the records stay in the file: a replay writes them again (a duplicate, not a loss)

    def adopt_orphans(self) -> int:
        """Take over the unfinished records of spool files whose process died; how many."""
        adopted = 0
        for path in sorted(self.folder.glob(PREFIX + "*.jsonl")):
            if self._file is not None and path == Path(self._file.name):
                continue
            try:
                handle = open(path, "r+", encoding="utf-8")
            except OSError:
                continue
            with handle:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # its process is alive
                records = _unfinished(handle.read())
                if records and not self.append_many(records):
                    log.warning("spool full: %s kept for a later start", path.name)
                    continue
                path.unlink(missing_ok=True)  # only once its records are safe in ours
                adopted += len(records)
        if adopted:
            log.info("took over %d record(s) from the spool of a stopped process", adopted)
        return adopted

    def close(self) -> None:
        """Let go of the file; records still pending stay in it for the next start."""
        with self._lock:
            if self._file is not None:
                if not self._pending:
                    Path(self._file.name).unlink(missing_ok=True)
                self._file.close()
                self._file, self._pid = None, None
                self._pending.clear()

    def _open(self):
        if self._pid != os.getpid():  # a forked worker gets a file of its own
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}.jsonl"
            self._file = open(path, "a", encoding="utf-8")
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            self._pid = os.getpid()
            self._pending = {}
        return self._file


def _jsonable(row: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def _unfinished(text: str) -> list[tuple[str, dict]]:
    """Records of a spool file with no `done` line, in order. A torn last line is skipped."""
    records: dict[str, tuple[str, dict]] = {}
    for line in text.splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if "done" in item:
            for record_id in item["done"]:
                records.pop(record_id, None)
        elif "id" in item:
            row = dict(item["row"])
            if isinstance(row.get("created_at"), str):
                row["created_at"] = datetime.fromisoformat(row["created_at"])
            records[item["id"]] = (item["table"], row)
    return list(records.values())
