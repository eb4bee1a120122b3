"""Suggestions while typing: questions (or editors' headings) that start with or contain
what has been typed, then entries search finds for it (kana input, synonyms)."""
from __future__ import annotations

from typing import Callable, Mapping

from .models import Entry
from .textnorm import normalize, to_katakana

SEARCH_MIN_COVERAGE = 0.5  # a searched suggestion must cover half of what was typed


def fold(text: str) -> str:
    """Normalised, kana folded to katakana, no spaces: for matching typed prefixes."""
    return to_katakana(normalize(text)).replace(" ", "")


def _typed_matches(typed: str, keys: Mapping[str, tuple[str, ...]], entries: Mapping[str, Entry]) -> list[str]:
    ranked = []
    for entry_id, entry_keys in keys.items():
        entry = entries[entry_id]
        all_keys = entry_keys + ((fold(entry.heading),) if entry.heading else ())
        positions = [key.find(typed) for key in all_keys if typed in key]
        if positions:
            ranked.append((min(positions) > 0, len(entry.heading or entry.question), entry_id))
    return [entry_id for *_, entry_id in sorted(ranked)]


def suggest_entries(text: str, keys: Mapping[str, tuple[str, ...]], entries: Mapping[str, Entry],
                    search: Callable, limit: int = 8) -> list[Entry]:
    """Entries for the typed `text`: text matches first (`keys` are each entry's folded
    question, alternates and reading), then `search(text)` hits covering enough of it."""
    typed = fold(text)
    if not typed:
        return []
    found = _typed_matches(typed, keys, entries)
    if len(found) < limit:
        found += [h.entry.id for h in search(text) if h.coverage >= SEARCH_MIN_COVERAGE]
    return [entries[entry_id] for entry_id in dict.fromkeys(found)][:limit]
