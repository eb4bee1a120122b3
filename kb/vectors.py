"""Entry vectors: computed at build time, stored with the index version, cached by text.

In a version folder:
    vectors.npy   float32 (rows, dim), unit length; rows of one kind are contiguous, an entry's too
    vectors.json  {"model", "dim", "entries": [entry id, ...], "rows": [[entry index, kind, text hash], ...]}
Beside the versions, `vector-cache/vectors.sqlite3` maps a hash of (model, kind, text) to
its vector, so a rebuild embeds only the texts that changed.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np

from .encoder import Encoder, MAX_CHARS
from .models import Entry

VECTORS_FILE = "vectors.npy"
MANIFEST_FILE = "vectors.json"
CACHE_DIR = "vector-cache"


def entry_texts(entry: Entry, kinds: tuple[str, ...] = ("query",)) -> list[tuple[str, str]]:
    """(kind, text) pairs embedded for an entry: its question, every alternate wording and
    its editor's heading (a public comment's "question" is an opinion), once per kind. Measured on localgovFAQ (bench/semantic.py): e5 does best with the mean of
    both kinds (as "query: ", compared as equals, and as "passage: "); adding the answer's
    head gained little for many times the embedding time."""
    texts = [text for text in dict.fromkeys((entry.question, *entry.alternates, entry.heading or "")) if text.strip()]
    return [(kind, text) for kind in kinds for text in texts]


def text_key(model: str, kind: str, text: str) -> str:
    """The cache key of one text's vector under one model."""
    capped = " ".join(text.split())[:MAX_CHARS]
    return hashlib.sha256("\0".join((model, kind, capped)).encode("utf-8")).hexdigest()


class VectorCache:
    """Vectors by text key in one SQLite file; every batch is written in one transaction."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(folder / "vectors.sqlite3")
        self._db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")

    def get(self, keys: list[str], dim: int) -> dict[str, np.ndarray]:
        """The cached vectors of `keys` that are there."""
        found = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self._db.execute(
                f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
            found.update((key, np.frombuffer(blob, np.float32)) for key, blob in rows)
        return {key: vector for key, vector in found.items() if vector.shape == (dim,)}

    def put(self, vectors: dict[str, np.ndarray]) -> None:
        """Store vectors (replacing any under the same key)."""
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)",
                                 [(key, np.asarray(v, np.float32).tobytes()) for key, v in vectors.items()])

    def close(self) -> None:
        """Close the file."""
        self._db.close()


def embed_rows(encoder: Encoder, rows: list[tuple[str, str]], cache: VectorCache) -> np.ndarray:
    """Vectors of (kind, text) rows: from the cache, the rest embedded (once per text) and cached."""
    keys = [text_key(encoder.name, kind, text) for kind, text in rows]
    known = cache.get(list(dict.fromkeys(keys)), encoder.dim)
    missing = {key: row for key, row in zip(keys, rows) if key not in known}
    for kind in ("query", "passage"):
        wanted = [(key, text) for key, (k, text) in missing.items() if k == kind]
        if wanted:
            embed = encoder.encode_queries if kind == "query" else encoder.encode_passages
            fresh = dict(zip((key for key, _ in wanted), embed([text for _, text in wanted])))
            cache.put(fresh)
            known.update(fresh)
    return np.array([known[key] for key in keys], np.float32).reshape(len(keys), encoder.dim)


def write_vectors(entries: list[Entry], target: Path, encoder: Encoder | None) -> None:
    """Store the entries' vectors in version folder `target` (nothing when `encoder` is None)."""
    if encoder is None:
        return
    kinds = ("query", "passage") if encoder.asymmetric else ("query",)
    rows = [(index, kind, text) for index, entry in enumerate(entries) for kind, text in entry_texts(entry, kinds)]
    rows.sort(key=lambda row: row[1] != "query")  # each kind one run of rows: a slice, not a copy, at query time
    cache = VectorCache(target.parent.parent / CACHE_DIR)
    try:
        matrix = embed_rows(encoder, [(kind, text) for _, kind, text in rows], cache)
    finally:
        cache.close()
    np.save(target / VECTORS_FILE, matrix)
    manifest = {
        "model": encoder.name,
        "dim": encoder.dim,
        "entries": [entry.id for entry in entries],
        "rows": [[index, kind, text_key(encoder.name, kind, text)[:16]] for index, kind, text in rows],
    }
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


class EntryVectors:
    """The stored vectors of one index version, in memory (workers share the first version's pages)."""

    def __init__(self, matrix: np.ndarray, rows: list[tuple[int, str]], model: str, entry_ids: list[str]):
        self.model = model  # the encoder name the vectors were made with
        self.entry_ids = entry_ids  # entries.json order
        self._matrix = matrix
        self._groups = {}  # kind → (row numbers, first row of each entry's run, that entry)
        for kind in dict.fromkeys(k for _, k in rows):
            picked = [i for i, (_, k) in enumerate(rows) if k == kind]
            owners = np.array([rows[i][0] for i in picked], np.int64)
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            run = slice(picked[0], picked[-1] + 1) if picked[-1] - picked[0] + 1 == len(picked) else picked
            self._groups[kind] = (run, starts, owners[starts])

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of text stored ("query": embedded as questions, "passage": as answers)."""
        return tuple(self._groups)

    @classmethod
    def open(cls, version_path: Path) -> "EntryVectors | None":
        """The vectors stored in `version_path`, or None when it was built without them."""
        if not (version_path / MANIFEST_FILE).is_file():
            return None
        manifest = json.loads((version_path / MANIFEST_FILE).read_text("utf-8"))
        # Read into memory, not mapped: a mapped file truncated on disk kills the process
        # with SIGBUS. Under gunicorn --preload the workers share these pages copy-on-write.
        matrix = np.load(version_path / VECTORS_FILE)
        rows = [(int(row[0]), str(row[1])) for row in manifest["rows"]]
        return cls(matrix, rows, manifest["model"], manifest["entries"])

    def similarities(self, query_vector: np.ndarray, kind: str | None = None) -> np.ndarray:
        """Cosine similarity of the question to each entry (entries.json order): the best of
        the entry's texts of `kind` (an entry with none gets -1); by default the mean of that
        over the stored kinds."""
        if kind is None:
            per_kind = [self.similarities(query_vector, k) for k in self.kinds] or [self.similarities(query_vector, "")]
            return np.mean(per_kind, axis=0, dtype=np.float32)
        scores = np.full(len(self.entry_ids), -1.0, np.float32)
        if kind in self._groups:
            run, starts, owners = self._groups[kind]
            row_scores = self._matrix[run] @ np.asarray(query_vector, np.float32)
            scores[owners] = np.maximum.reduceat(row_scores, starts)
        return scores
