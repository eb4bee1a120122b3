"""Editors' additions in content/curated.toml: document metadata the text does not state,
alternate phrasings and topic tags per entry. Plain TOML, so no code is touched."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ContentError
from ..models import Entry

CURATED_FILE = "curated.toml"
DOCUMENT_KEYS = {"title", "publisher", "department", "url", "date", "sheet"}  # sheet: of an .xlsx
ENTRY_KEYS = {"alternates", "topics"}


@dataclass
class Curated:
    """What editors added: metadata per document id, additions per entry id."""

    documents: dict[str, dict] = field(default_factory=dict)
    entries: dict[str, dict] = field(default_factory=dict)
    lines: dict[str, tuple[Path, int]] = field(default_factory=dict)  # entry id → where

    def merge(self, other: "Curated") -> None:
        """Take `other`'s additions too (several content folders)."""
        self.documents.update(other.documents)
        self.entries.update(other.entries)
        self.lines.update(other.lines)


def load_curated(path: Path) -> Curated:
    """Read and validate one curated.toml."""
    text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ContentError(path, int(line.group(1)) if line else None, f"not valid TOML: {error}") from None
    curated = Curated()
    for section, keys in (("documents", DOCUMENT_KEYS), ("entries", ENTRY_KEYS)):
        for key, values in data.get(section, {}).items():
            line = _line_of(text, key)
            unknown = set(values) - keys
            if unknown:
                raise ContentError(path, line, f"unknown field(s) {sorted(unknown)} for {key!r}; allowed: {sorted(keys)}")
            if section == "entries":
                _check_lists(path, line, key, values)
                curated.lines[key] = (path, line)
            getattr(curated, section)[key] = values
    unknown_sections = set(data) - {"documents", "entries"}
    if unknown_sections:
        raise ContentError(path, None, f"unknown section(s) {sorted(unknown_sections)}; use [documents.ID] or [entries.ID]")
    return curated


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if key in line and line.lstrip().startswith("["):
            return number
    return None


def _check_lists(path: Path, line, key: str, values: dict) -> None:
    for name, value in values.items():
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ContentError(path, line, f"{key}.{name} must be a list of non-empty strings")


def apply_curated(entries: list[Entry], curated: Curated) -> list[Entry]:
    """Entries with the editors' alternates and topics added; unknown ids are errors."""
    known = {entry.id for entry in entries}
    for entry_id in curated.entries:
        if entry_id not in known:
            path, line = curated.lines[entry_id]
            raise ContentError(path, line, f"no entry with id {entry_id!r}")
    result = []
    for entry in entries:
        extra = curated.entries.get(entry.id, {})
        result.append(
            replace(
                entry,
                alternates=entry.alternates + tuple(extra.get("alternates", ())),
                topics=tuple(dict.fromkeys(entry.topics + tuple(extra.get("topics", ())))),
            )
        )
    return result
