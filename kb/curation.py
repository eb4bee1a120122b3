"""Editors' one-step fix: add a resident's question to an entry's alternate phrasings in
curated.toml (tomlkit keeps comments, order and layout), rebuild, and switch the index."""
from __future__ import annotations

import fcntl
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from .changes import compare_with_index
from .errors import ContentError
from .indexer import build_index, current_version_path
from .ingest import CURATED_FILE, load_content


@dataclass(frozen=True)
class Publication:
    """What a fix changed: the phrase added (or already there) and the index version built."""

    entry_id: str
    phrase: str
    added: bool
    version: str
    entry_count: int


def add_alternate(path: Path, entry_id: str, phrase: str) -> bool:
    """Add `phrase` to [entries."ENTRY_ID"] alternates in `path`; False when it is already there."""
    text = path.read_text("utf-8") if path.exists() else ""
    document = tomlkit.parse(text)
    entries = document.get("entries")
    if entries is None:
        entries = tomlkit.table(is_super_table=True)
        document["entries"] = entries
    if entry_id not in entries:
        entries[entry_id] = tomlkit.table()
    table = entries[entry_id]
    if "alternates" not in table:
        table["alternates"] = tomlkit.array()
    if phrase in [str(item) for item in table["alternates"]]:
        return False
    table["alternates"].append(phrase)
    _write_atomically(path, tomlkit.dumps(document))
    return True


def _write_atomically(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def served_content_paths(index_dir: Path | str) -> list[Path]:
    """The content paths the served version was built from (none for older versions)."""
    version = current_version_path(index_dir)
    if version is None:
        return []
    meta = json.loads((version / "meta.json").read_text("utf-8"))
    # Paths gone from this machine (an index copied from elsewhere) are left out; if that
    # loses entries, the check before publishing refuses the build.
    return [Path(p) for p in meta.get("content_paths", []) if Path(p).exists()]


def publish_alternate(content_dir: Path | str, index_dir: Path | str, entry_id: str, phrase: str,
                      encoder=None) -> Publication:
    """Add the phrase to `content_dir`'s curated.toml, rebuild from the paths the served
    version was built from (with `encoder`'s vectors, as `kb build` does) and switch
    `index_dir` to the new version. A build that would lose served entries is refused. Any
    failure puts curated.toml back as it was; the served index is never touched then."""
    content_dir = Path(content_dir)
    path = content_dir / CURATED_FILE
    paths = served_content_paths(index_dir) or [content_dir]
    if content_dir.resolve() not in {p.resolve() for p in paths}:
        paths.append(content_dir)  # its curated.toml holds the fix
    with _curated_lock(content_dir):  # two editors' fixes never overwrite each other
        before = path.read_bytes() if path.exists() else None
        try:
            added = add_alternate(path, entry_id, phrase)
            content = load_content(paths)
            if entry_id not in {entry.id for entry in content.entries}:
                raise ContentError(path, None, f"no entry with id {entry_id!r}")
            lost = compare_with_index(content, index_dir).removed
            if lost:
                shown = "、".join(lost[:5]) + (f" ほか{len(lost) - 5}件" if len(lost) > 5 else "")
                raise ContentError(path, None, f"公開中の {len(lost)} 項目が索引から消えるため、公開しませんでした"
                                               f"（{shown}）。kb build --check で違いを確かめてください。")
            version = build_index(content, index_dir, encoder=encoder)
        except BaseException:
            if before is None:
                path.unlink(missing_ok=True)
            else:
                path.write_bytes(before)
            raise
    return Publication(entry_id, phrase, added, version, len(content.entries))


@contextmanager
def _curated_lock(content_dir: Path):
    with open(content_dir / ".curated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
