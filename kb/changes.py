"""What a build would change in the index being served: entries added, removed, changed."""
from __future__ import annotations

import json
from dataclasses import dataclass

from .indexer import current_version_path
from .ingest import Content


@dataclass(frozen=True)
class Changes:
    """Entry ids a build of `content` would add, remove and change, and whether synonyms differ."""

    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    synonyms_changed: bool
    current_version: str | None

    @property
    def is_empty(self) -> bool:
        """True when the build would serve exactly what is served now."""
        return not (self.added or self.removed or self.changed or self.synonyms_changed)


def compare_with_index(content: Content, index_dir) -> Changes:
    """Compare parsed `content` with the entries of the index `index_dir/current` points at."""
    version = current_version_path(index_dir)
    served: dict[str, dict] = {}
    synonyms = ""
    if version is not None:
        served = {r["entry"]["id"]: r["entry"] for r in json.loads((version / "entries.json").read_text("utf-8"))}
        synonyms = json.loads((version / "meta.json").read_text("utf-8")).get("synonyms", "")
    fresh = {entry.id: json.loads(json.dumps(entry.to_dict())) for entry in content.entries}
    return Changes(
        added=tuple(i for i in fresh if i not in served),
        removed=tuple(i for i in served if i not in fresh),
        changed=tuple(i for i in fresh if i in served and fresh[i] != served[i]),
        synonyms_changed=version is not None and synonyms != content.synonyms_text,
        current_version=version.name if version else None,
    )
