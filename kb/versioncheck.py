"""Open an index version's Whoosh files into memory, and check a version is whole.

A version is read into RAM once when it is opened, so nothing a later process does to its
files on disk (truncation, a bad disk) can reach the serving process: with memory-mapped
segments a truncated file killed the worker with SIGBUS. With `gunicorn --preload` the
copy is made in the master and shared copy-on-write by the workers."""
from __future__ import annotations

import json
from pathlib import Path

from whoosh.filedb.filestore import FileStorage, copy_to_ram

from .errors import IndexCorrupt

REQUIRED_FILES = ("meta.json", "entries.json", "whoosh")


def open_whoosh_in_memory(folder: Path):
    """The Whoosh index in `folder`, copied into memory (no file stays open or mapped)."""
    storage = FileStorage(str(folder), supports_mmap=False, readonly=True)
    return copy_to_ram(storage).open_index()


def verify_version(kb) -> None:
    """Raise IndexCorrupt unless every file is there, the entry counts of meta.json,
    entries.json and the Whoosh index agree, and a probe question finds its own entry."""
    missing = [name for name in REQUIRED_FILES if not (kb.path / name).exists()]
    if missing:
        _reject(kb, f"missing {', '.join(missing)}")
    meta = json.loads((kb.path / "meta.json").read_text("utf-8"))
    counts = {"meta.json": meta.get("entry_count"), "entries.json": len(kb.entries),
              "whoosh": kb._searcher.doc_count()}
    if len(set(counts.values())) != 1:
        _reject(kb, "entry counts disagree: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if kb.entries:
        probe = next(iter(kb.entries.values()))
        if not kb.search(probe.question, limit=None):
            _reject(kb, f"the probe question of entry {probe.id} finds nothing")


def _reject(kb, reason: str):
    raise IndexCorrupt(kb.path.parent.parent, f"{kb.path.name}: {reason}")
