"""Entry vectors: computed at build time, stored with the index version, cached by text.

In a version folder:
    vectors.npy   float32 (rows, dim); rows of one kind are contiguous, an entry's too
    vectors.json  {"model", "dim", "entries": [entry id, ...], "rows": [[entry index, kind, text hash], ...]}
Beside the versions, `vector-cache/vectors.sqlite3` maps a hash of (model, kind, text) to
its vector, so a rebuild embeds only the texts that changed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from pathlib import Path

import numpy as np

from .blas import matmul
from .encoder import Encoder, MAX_CHARS
from .models import Entry

VECTORS_FILE = "vectors.npy"
MANIFEST_FILE = "vectors.json"
CACHE_DIR = "vector-cache"
EMBED_BATCH = 64  # texts embedded (and cached) at a time

log = logging.getLogger(__name__)


def question_texts(entry: Entry) -> list[str]:
    """The wordings of an entry's question: the question, its alternates and the editor's
    heading (a public comment's "question" is an opinion)."""
    return [text for text in dict.fromkeys((entry.question, *entry.alternates, entry.heading or "")) if text.strip()]


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
    """Vectors of (kind, text) rows: from the cache, the rest embedded (once per text) and
    cached a batch at a time, so an interrupted build keeps what it embedded."""
    keys = [text_key(encoder.name, kind, text) for kind, text in rows]
    known = cache.get(list(dict.fromkeys(keys)), encoder.dim)
    missing = {key: row for key, row in zip(keys, rows) if key not in known}
    for kind in ("query", "passage"):
        wanted = [(key, text) for key, (k, text) in missing.items() if k == kind]
        embed = encoder.encode_queries if kind == "query" else encoder.encode_passages
        for start in range(0, len(wanted), EMBED_BATCH):
            batch = wanted[start : start + EMBED_BATCH]
            fresh = dict(zip((key for key, _ in batch), embed([text for _, text in batch])))
            cache.put(fresh)
            known.update(fresh)
    return np.array([known[key] for key in keys], np.float32).reshape(len(keys), encoder.dim)


def write_vectors(entries: list[Entry], target: Path, encoder: Encoder | None, answers: bool = True) -> None:
    """Store the entries' vectors in version folder `target` (nothing when `encoder` is None).

    Rows by kind: "query" (each wording embedded as a question: compared as an equal),
    "passage" (as a passage; e5-like encoders only), "answer" (the answer's first 256
    characters as a passage, if `answers`), and "combined": per wording, the mean of the
    kinds above, so one product gives the mean of the cosines (measured best on localgovFAQ,
    bench/semantic.py). Each kind is one run of rows, a slice at query time."""
    if encoder is None:
        return
    texts = [(index, text) for index, entry in enumerate(entries) for text in question_texts(entry)]
    parts = {"query": [("query", text) for _, text in texts]}
    if encoder.asymmetric:
        parts["passage"] = [("passage", text) for _, text in texts]
    if answers:
        parts["answer"] = [("passage", entry.answer_text) for entry in entries]
    cache = VectorCache(target.parent.parent / CACHE_DIR)
    try:
        vectors = {kind: embed_rows(encoder, rows, cache) for kind, rows in parts.items()}
    finally:
        cache.close()
    owners = np.array([index for index, _ in texts], np.int64)
    wording = (vectors["query"] + vectors["passage"]) / 2 if encoder.asymmetric else vectors["query"]
    combined = (wording + vectors["answer"][owners]) / 2 if answers else wording
    rows = [(index, "combined", text) for index, text in texts]
    for kind, pairs in parts.items():
        indexes = range(len(entries)) if kind == "answer" else owners
        rows += [(index, kind, text) for index, (_, text) in zip(indexes, pairs)]
    np.save(target / VECTORS_FILE, np.vstack([combined, *vectors.values()]).astype(np.float32))
    manifest = {
        "model": encoder.name,
        "dim": encoder.dim,
        "entries": [entry.id for entry in entries],
        "rows": [[int(index), kind, text_key(encoder.name, kind, text)[:16]] for index, kind, text in rows],
    }
    (target / MANIFEST_FILE).write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")


class EntryVectors:
    """The stored vectors of one index version, memory-mapped (workers share the pages)."""

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
        """The kinds of rows stored (see `write_vectors`): "combined", "query", and maybe
        "passage" and "answer"."""
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
        """Similarity of the question to each entry (entries.json order): the best over the
        entry's rows of `kind` (an entry with none gets -1); by default "combined"."""
        kind = kind or "combined"
        scores = np.full(len(self.entry_ids), -1.0, np.float32)
        if kind in self._groups:
            run, starts, owners = self._groups[kind]
            row_scores = matmul(self._matrix[run], np.asarray(query_vector, np.float32))
            if len(starts) == len(row_scores):  # one text per entry: nothing to pool
                scores[owners] = row_scores
            else:
                scores[owners] = np.maximum.reduceat(row_scores, starts)
        return scores


_warned: set[tuple[str, str]] = set()


def question_similarities(vectors: EntryVectors | None, encoder: Encoder | None, question: str) -> np.ndarray | None:
    """Each entry's similarity to `question` (entries.json order), or None when there is no
    semantic signal: off, the encoder failed to load, the index has no vectors, or they were
    made by another model (then rebuild the index; logged once)."""
    vector = question_vector(vectors, encoder, question)
    return None if vector is None else vectors.similarities(vector)


def question_vector(vectors: EntryVectors | None, encoder: Encoder | None, question: str) -> np.ndarray | None:
    """`question` embedded as a query, or None when there is no semantic signal (see
    `question_similarities`)."""
    if vectors is None or encoder is None:
        return None
    if vectors.model != encoder.name:
        if (vectors.model, encoder.name) not in _warned:
            _warned.add((vectors.model, encoder.name))
            log.warning("index vectors were made by %s, the encoder is %s: lexical only until kb build",
                        vectors.model, encoder.name)
        return None
    return encoder.encode_queries([question])[0]
