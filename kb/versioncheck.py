"""Check that an opened index version is whole before it is served.

Opening a version reads it into plain memory (no file stays mapped), so a file damaged
on disk after that cannot kill the serving process; this check catches a version that
was damaged before it was opened."""
from __future__ import annotations

import json

from .errors import IndexCorrupt
from .lexical import HOLDS_FILE, SCORES_FILE, VOCAB_FILE
from .wordgroups import WORD_GROUPS_FILE

REQUIRED_FILES = ("meta.json", "entries.json", SCORES_FILE, HOLDS_FILE, VOCAB_FILE, WORD_GROUPS_FILE)


def verify_version(kb) -> None:
    """Raise IndexCorrupt unless every file is there, the entry counts of meta.json,
    entries.json, the term matrices (and the vectors, when stored) agree, and a probe
    question (an entry's own) finds that entry."""
    missing = [name for name in REQUIRED_FILES if not (kb.path / name).exists()]
    if missing:
        _reject(kb, f"missing {', '.join(missing)}")
    meta = json.loads((kb.path / "meta.json").read_text("utf-8"))
    counts = {"meta.json": meta.get("entry_count"), "entries.json": len(kb.entries), "matrices": kb.lexical.size}
    if kb.vectors is not None:
        counts["vectors"] = len(kb.vectors.entry_ids)
    if len(set(counts.values())) != 1:
        _reject(kb, "entry counts disagree: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if kb.entries:
        probe = next(iter(kb.entries.values()))
        if probe.id not in [hit.entry.id for hit in kb.search(probe.question, limit=None)]:
            _reject(kb, f"the probe question of entry {probe.id} does not find it")


def _reject(kb, reason: str):
    raise IndexCorrupt(kb.path.parent.parent, f"{kb.path.name}: {reason}")
