"""Ruby readings (ふりがな) for a verbatim text: Sudachi's readings in hiragana, on the
words that hold kanji only, with the word's own kana (送りがな) left outside the ruby."""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from sudachipy import SplitMode

from .analysis import _dictionary

_KANJI_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆ヶ]")
_DIGIT_RE = re.compile(r"[0-9０-９]")
_local = threading.local()


def _tokenizer():
    """Split mode A: short words, so each reading sits over the kanji it belongs to."""
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.A)
    return _local.tokenizer


def to_hiragana(text: str) -> str:
    """Katakana → hiragana (ー and other marks unchanged)."""
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)


def _ruby(surface: str, reading: str) -> list[tuple[str, str | None]]:
    """One word's pieces: kana shared by surface and reading at either end stays bare."""
    head = 0
    while head < min(len(surface), len(reading)) - 1 and surface[head] == reading[head] and not _KANJI_RE.match(surface[head]):
        head += 1
    tail = 0
    while (tail < min(len(surface), len(reading)) - head - 1 and surface[-1 - tail] == reading[-1 - tail]
           and not _KANJI_RE.match(surface[-1 - tail])):
        tail += 1
    core = surface[head : len(surface) - tail]
    pieces = [(surface[:head], None), (core, reading[head : len(reading) - tail]), (surface[len(surface) - tail :], None)]
    return [(text, ruby) for text, ruby in pieces if text]


@lru_cache(maxsize=1024)
def _furigana(text: str) -> tuple[tuple[str, str | None], ...]:
    pieces: list[tuple[str, str | None]] = []
    for m in _tokenizer().tokenize(text):
        surface = m.surface()
        reading = to_hiragana(m.reading_form())
        if _KANJI_RE.search(surface) and not _DIGIT_RE.search(surface) and not m.is_oov() and reading != surface:
            pieces += _ruby(surface, reading)
        elif pieces and pieces[-1][1] is None:
            pieces[-1] = (pieces[-1][0] + surface, None)
        else:
            pieces.append((surface, None))
    return tuple(pieces)


def furigana(text: str) -> list[tuple[str, str | None]]:
    """`text` cut into (surface, hiragana reading or None); the surfaces join back to `text`."""
    if not text:
        return []
    pieces = list(_furigana(text))
    if "".join(surface for surface, _ in pieces) != text:  # never show an altered text
        return [(text, None)]
    return pieces
