"""Build an index beside the serving one and switch to it atomically.

Layout of an index folder:
    current            symlink → versions/<version>   (replaced atomically)
    versions/<version>/whoosh/       the Whoosh index (the record of every field)
    versions/<version>/lexical.npz   BM25F scores, entries × terms (kb/lexical.py)
    versions/<version>/holds.npz     which words and word parts each entry holds
    versions/<version>/vocab.json    the terms, in column order
    versions/<version>/sentence_*    which words each answer sentence holds
    versions/<version>/entries.json  entries verbatim
    versions/<version>/meta.json     version, build time, documents, synonym rules
    versions/<version>/vectors.*     entry vectors of the semantic signal (kb/vectors.py)
    vector-cache/                    vectors by text, so a rebuild embeds only what changed
A reader resolves `current` once and keeps that version; a failed build leaves
`current` untouched, so the serving index never changes under anyone.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import uuid
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from whoosh import index as whoosh_index

from .analysispool import analysed_entries
from .errors import IndexWriteError
from .ingest import Content
from .lexicalbuild import LexicalBuilder
from .schema import build_schema, document_fields
from .synonyms import parse_synonyms
from .vectors import write_vectors

INDEX_FORMAT = 8  # 7: word_groups.json (dictionary synonyms); 8: word_readings.json, runs inside compounds held
CURRENT_LINK = "current"
VERSIONS_DIR = "versions"
WHOOSH_POOL_MB = 128  # Whoosh's posting pool: flushed to a segment when full
KEEP_VERSIONS = 3  # the new one and two before it, for readers still holding them

ProgressCallback = Callable[[int, int], None]


@contextmanager
def _build_lock(index_dir: Path):
    """One build at a time per index folder."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with open(index_dir / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _new_version() -> str:
    """Sortable by build time (to the microsecond), unique across machines, and never a
    long digit run (the log filter would take it for a personal number)."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H%M%S.%f") + "_" + uuid.uuid4().hex[:6]


def build_index(content: Content, index_dir: Path | str, progress: ProgressCallback | None = None,
                encoder=None, workers: int = 1) -> str:
    """Index `content` into a new version under `index_dir`, switch to it, return its name.
    With an `encoder` (kb.encoder), the entries' vectors are stored too; `workers` > 1
    analyses the entries in that many processes (the same index, sooner)."""
    index_dir = Path(index_dir)
    parse_synonyms(content.synonyms_text)  # a bad rule fails the build before any writing
    with _build_lock(index_dir):
        version = _new_version()
        target = index_dir / VERSIONS_DIR / version
        try:
            _write_version(content, target, version, progress, workers)
            write_vectors(content.entries, target, encoder)
            _switch(index_dir, target)
        except OSError as error:  # a full disk, a read-only folder: one line, not a traceback
            shutil.rmtree(target, ignore_errors=True)
            raise IndexWriteError(index_dir, error.strerror or type(error).__name__) from None
        except BaseException:
            shutil.rmtree(target, ignore_errors=True)
            raise
        _prune(index_dir)
    return version


def _write_version(content: Content, target: Path, version: str, progress, workers: int) -> None:
    (target / "whoosh").mkdir(parents=True)
    ix = whoosh_index.create_in(str(target / "whoosh"), build_schema())
    writer = ix.writer(limitmb=WHOOSH_POOL_MB)
    lexical = LexicalBuilder()
    total = len(content.entries)
    # entries.json is written as the entries go by: 100k entries' dicts never sit in memory
    digest = hashlib.sha256()  # of what is served: nodes built from the same content agree on it
    with open(target / "entries.json", "w", encoding="utf-8") as records:
        records.write("[")
        try:
            analysed_all = analysed_entries(content.entries, workers)
            for count, (entry, analysed) in enumerate(zip(content.entries, analysed_all), 1):
                lexical.add(analysed)
                writer.add_document(**document_fields(entry, analysed.whoosh))
                records.write(("," if count > 1 else "") + analysed.record)
                digest.update(analysed.record.encode())  # the served record, already serialised
                if progress:
                    progress(count, total)
        except BaseException:
            writer.cancel()
            raise
        records.write("]")
        records.flush()
        os.fsync(records.fileno())
    writer.commit()
    del writer, ix
    lexical.write(target)
    _write_json(
        target / "meta.json",
        {
            "format": INDEX_FORMAT,
            "version": version,
            "built_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "entry_count": total,
            "documents": [d.to_dict() for d in content.documents],
            "synonyms": content.synonyms_text,
            "city": content.city,
            "content_paths": list(content.paths),  # an editor's fix rebuilds from these, not from one folder
            "content_hash": _content_hash(digest, content),
        },
    )


def _content_hash(entries_digest, content: Content) -> str:
    """sha256 over the entries, documents, synonyms and city settings: equal on two nodes
    exactly when they serve the same content, whatever their version names."""
    digest = entries_digest.copy()
    for part in ([d.to_dict() for d in content.documents], content.synonyms_text, content.city):
        digest.update(json.dumps(part, ensure_ascii=False, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def _write_json(path: Path, data) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())


def _switch(index_dir: Path, target: Path) -> None:
    """Point `current` at `target` with one rename: readers see old or new, never half."""
    temporary = index_dir / f".{CURRENT_LINK}.{uuid.uuid4().hex}"
    os.symlink(target.relative_to(index_dir), temporary)
    os.replace(temporary, index_dir / CURRENT_LINK)


def _prune(index_dir: Path) -> None:
    versions = sorted((index_dir / VERSIONS_DIR).iterdir(), key=lambda p: p.name)
    current = (index_dir / CURRENT_LINK).resolve()
    for old in versions[:-KEEP_VERSIONS]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def current_link_target(index_dir: Path | str) -> str | None:
    """Where `current` points, as written in the link (one readlink: cheap enough to ask on
    every request; a new version always gets a new target)."""
    try:
        return os.readlink(Path(index_dir) / CURRENT_LINK)
    except OSError:
        return None


def current_version_path(index_dir: Path | str) -> Path | None:
    """The version folder `current` points at, or None when nothing was built."""
    link = Path(index_dir) / CURRENT_LINK
    return link.resolve() if link.is_symlink() and link.resolve().is_dir() else None
