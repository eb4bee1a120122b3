"""Text folded for the detector, with a map back to the resident's own characters."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import folds


@dataclass(frozen=True)
class Folded:
    """`text` folded; character i of it came from original[starts[i]:ends[i]]."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that folded span [start, end) came from."""
        return self.starts[start], self.ends[end - 1]


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character as the detector sees it (may be several, e.g. ㈱ → (株))."""
    if char in folds.KANJI_DIGITS:
        return folds.KANJI_DIGITS[char]
    if char in folds.SPACES:
        return folds.SPACE
    out = []
    for c in unicodedata.normalize("NFKC", char):
        category = unicodedata.category(c)
        if c.isdecimal():
            c = str(unicodedata.decimal(c))
        elif category in ("Zs", "Zl", "Zp") or c in folds.SPACES:
            c = folds.SPACE
        elif category == "Pd" or c in folds.DASHES:
            c = folds.DASH
        elif c in folds.DOTS:
            c = folds.DOT
        elif c in folds.COMMAS:
            c = folds.COMMA
        out.append(c)
    return "".join(out)


_SPELLED = re.compile("|".join(
    re.escape(spelling) for sign, spellings in folds.SPELLED.items() for spelling in spellings
), re.IGNORECASE)
_SIGN_OF = {s.lower(): sign for sign, spellings in folds.SPELLED.items() for s in spellings}


def fold(text: str) -> Folded:
    """NFKC, spaces, dashes, dots, kanji numerals and spelled-out @ folded; offsets kept."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for position, char in enumerate(text):
        for c in fold_char(char):
            chars.append(c)
            starts.append(position)
            ends.append(position + 1)
    return _fold_spelled("".join(chars), starts, ends)


def _fold_spelled(text: str, starts: list[int], ends: list[int]) -> Folded:
    """アットマーク, (at), ドット … become one @ or . spanning what was typed."""
    if not _SPELLED.search(text):
        return Folded(text, tuple(starts), tuple(ends))
    out, out_starts, out_ends, position = [], [], [], 0
    for match in _SPELLED.finditer(text):
        out.append(text[position:match.start()])
        out_starts += starts[position:match.start()]
        out_ends += ends[position:match.start()]
        out.append(_SIGN_OF[match.group().lower()])
        out_starts.append(starts[match.start()])
        out_ends.append(ends[match.end() - 1])
        position = match.end()
    out.append(text[position:])
    out_starts += starts[position:]
    out_ends += ends[position:]
    return Folded("".join(out), tuple(out_starts), tuple(out_ends))
