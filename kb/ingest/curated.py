"""Editors' additions in content/curated.toml: document metadata the text does not state,
alternate phrasings, topic tags and neutral headings per entry, whom to contact (per
document and city-wide) and the widget's starter questions. Plain TOML, no code touched."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ContentError
from ..links import link_problem
from ..models import Entry

CURATED_FILE = "curated.toml"
DOCUMENT_KEYS = {"title", "publisher", "department", "url", "date", "contact", "sheet"}  # sheet: of an .xlsx
ENTRY_LIST_KEYS = {"alternates", "topics"}
ENTRY_KEYS = ENTRY_LIST_KEYS | {"heading"}
CITY_KEYS = {"contact", "starters"}
CONTACT_KEYS = {"department", "phone", "hours", "url"}  # お問い合わせ先, as published
HEADING_CHARS = 40
STARTERS = (3, 5)  # fewest and most starter questions the widget shows


@dataclass
class Curated:
    """What editors added: metadata per document id, additions per entry id, city-wide
    defaults (`contact`, `starters`)."""

    documents: dict[str, dict] = field(default_factory=dict)
    entries: dict[str, dict] = field(default_factory=dict)
    city: dict = field(default_factory=dict)
    lines: dict[str, tuple[Path, int]] = field(default_factory=dict)  # entry id → where

    def merge(self, other: "Curated") -> None:
        """Take `other`'s additions too (several content folders)."""
        self.documents.update(other.documents)
        self.entries.update(other.entries)
        self.city.update(other.city)
        self.lines.update(other.lines)


def load_curated(path: Path) -> Curated:
    """Read and validate one curated.toml."""
    text = path.read_text("utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"line (\d+)", str(error))
        raise ContentError(path, int(line.group(1)) if line else None, f"not valid TOML: {error}") from None
    unknown_sections = set(data) - {"documents", "entries", "city"}
    if unknown_sections:
        raise ContentError(path, None, f"unknown section(s) {sorted(unknown_sections)}; use [documents.ID], [entries.ID] or [city]")
    curated = Curated()
    for section, keys in (("documents", DOCUMENT_KEYS), ("entries", ENTRY_KEYS)):
        for key, values in data.get(section, {}).items():
            line = _line_of(text, key)
            _check_keys(path, line, key, values, keys)
            if section == "entries":
                _check_entry(path, line, key, values)
                curated.lines[key] = (path, line)
            else:
                _check_document(path, line, key, values)
            getattr(curated, section)[key] = values
    if "city" in data:
        curated.city = _checked_city(path, _line_of(text, "city"), data["city"])
    return curated


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), 1):
        if key in line and line.lstrip().startswith("["):
            return number
    return None


def _check_keys(path: Path, line, key: str, values, allowed: set) -> None:
    if not isinstance(values, dict):
        raise ContentError(path, line, f"{key} must be a table of fields")
    unknown = set(values) - allowed
    if unknown:
        raise ContentError(path, line, f"unknown field(s) {sorted(unknown)} for {key!r}; allowed: {sorted(allowed)}")


def _check_strings(path: Path, line, name: str, value) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ContentError(path, line, f"{name} must be a list of non-empty strings")


def _check_entry(path: Path, line, key: str, values: dict) -> None:
    for name in ENTRY_LIST_KEYS & set(values):
        _check_strings(path, line, f"{key}.{name}", values[name])
    heading = values.get("heading")
    if heading is not None and (not isinstance(heading, str) or not heading.strip() or "\n" in heading
                                or len(heading) > HEADING_CHARS):
        raise ContentError(path, line, f"{key}.heading must be one line of 1–{HEADING_CHARS} characters")


def _check_document(path: Path, line, key: str, values: dict) -> None:
    url = values.get("url")
    if url is not None:
        problem = link_problem(url) if isinstance(url, str) and url.strip() else "must be a non-empty string"
        if problem:
            raise ContentError(path, line, f"{key}.url: {problem}")
    if "contact" in values:
        _check_contact(path, line, f"{key}.contact", values["contact"])


def _check_contact(path: Path, line, name: str, contact) -> None:
    _check_keys(path, line, name, contact, CONTACT_KEYS)
    for key, value in contact.items():
        if not isinstance(value, str) or not value.strip():
            raise ContentError(path, line, f"{name}.{key} must be a non-empty string")
    if "url" in contact and not re.match(r"https?://", contact["url"]):
        raise ContentError(path, line, f"{name}.url must start with http:// or https://")
    if "department" not in contact:
        raise ContentError(path, line, f"{name} needs a department (whom the other fields reach)")


def _checked_city(path: Path, line, city) -> dict:
    _check_keys(path, line, "city", city, CITY_KEYS)
    if "contact" in city:
        _check_contact(path, line, "city.contact", city["contact"])
    if "starters" in city:
        _check_strings(path, line, "city.starters", city["starters"])
        low, high = STARTERS
        if not low <= len(city["starters"]) <= high:
            raise ContentError(path, line, f"city.starters must hold {low} to {high} questions")
    return city


def apply_curated(entries: list[Entry], curated: Curated) -> list[Entry]:
    """Entries with the editors' alternates, topics and headings added; unknown ids are errors."""
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
                heading=extra.get("heading", entry.heading),
            )
        )
    return result
