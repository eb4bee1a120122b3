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
    """One character as the detector sees it (may be several, e.g. ㈱ → (株), or none:
    format and combining marks, variation selectors, keycaps and fillers are dropped, so
    nothing invisible can split a number)."""
    if char in folds.KANJI_DIGITS:
        return folds.KANJI_DIGITS[char]
    if char in folds.SPACES:
        return folds.SPACE
    out = []
    for c in unicodedata.normalize("NFKC", char):
        category = unicodedata.category(c)
        if category in ("Cf", "Mn", "Me") or c in folds.FILLERS:
            continue
        if unicodedata.digit(c, None) is not None:  # ❶ ➀ ➊ ⓵ and every script's digits
            c = str(unicodedata.digit(c))
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


_KANJI_NUMERAL = "".join([*folds.KANJI_DIGITS, *folds.KANJI_UNITS, *folds.KANJI_MYRIADS])
_POSITIONAL = re.compile(f"[{_KANJI_NUMERAL}]*[{''.join([*folds.KANJI_UNITS, *folds.KANJI_MYRIADS])}][{_KANJI_NUMERAL}]*")
_SPOKEN = {spelling: digit for digit, spellings in folds.SPOKEN_DIGITS.items() for spelling in spellings}
_SPOKEN_DIGIT = "|".join(sorted(map(re.escape, _SPOKEN), key=len, reverse=True))
# A run of kana digit readings (separators allowed): 4 in katakana, 6 in hiragana, where
# ordinary words (ごご, しごと) are made of the same sounds.
_SPOKEN_RUN = re.compile(f"(?:(?:{_SPOKEN_DIGIT})[ 　・、,\\-]?){{4,}}")
POSITIONAL_DIGITS = 6  # 十万 and up: 千円, 万一, 十分 stay words


def positional_value(run: str) -> int:
    """千二百三十四万五千 → 12345000; digits in a row (二〇) read as written."""
    total = section = current = 0
    for char in run:
        if char in folds.KANJI_DIGITS:
            current = current * 10 + int(folds.KANJI_DIGITS[char])
        elif char in folds.KANJI_UNITS:
            section += (current or 1) * folds.KANJI_UNITS[char]
            current = 0
        else:
            total += (section + current or 1) * folds.KANJI_MYRIADS[char]
            section = current = 0
    return total + section + current


def _read_as_digits(text: str) -> list[tuple[int, int, str]]:
    """(start, end, digits) of numbers written in positional kanji or read out in kana."""
    found = []
    for match in _POSITIONAL.finditer(text):
        value = str(positional_value(match.group()))
        if len(match.group()) >= 2 and len(value) >= POSITIONAL_DIGITS:
            found.append((match.start(), match.end(), value))
    taken = [(s, e) for s, e, _ in found]
    for match in _SPOKEN_RUN.finditer(text):
        readings = re.findall(_SPOKEN_DIGIT, match.group())
        kana = match.group()[0]
        if len(readings) < (6 if "ぁ" <= kana <= "ゖ" else 4):
            continue
        if any(s < match.end() and match.start() < e for s, e in taken):
            continue
        found.append((match.start(), match.end(), "".join(_SPOKEN[r] for r in readings)))
    return sorted(found)


def fold(text: str) -> Folded:
    """NFKC, spaces, dashes, dots, every kind of numeral and spelled-out @ folded; offsets kept."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    readings = _read_as_digits(text) if not text.isascii() else []
    position = 0
    for start, end, digits in readings:
        _fold_chars(text, position, start, chars, starts, ends)
        chars += digits
        starts += [start] * len(digits)
        ends += [end] * len(digits)
        position = end
    _fold_chars(text, position, len(text), chars, starts, ends)
    return _fold_spelled("".join(chars), starts, ends)


def _fold_chars(text: str, begin: int, stop: int, chars: list, starts: list, ends: list) -> None:
    for position in range(begin, stop):
        for c in fold_char(text[position]):
            chars.append(c)
            starts.append(position)
            ends.append(position + 1)


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
