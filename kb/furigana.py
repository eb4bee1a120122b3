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


# Parts of speech that open a phrase (文節); particles, auxiliaries, suffixes and
# punctuation join the phrase before them.
_OPENS_PHRASE = {"名詞", "代名詞", "動詞", "形容詞", "形状詞", "副詞", "連体詞", "接続詞", "感動詞", "接頭辞"}
_NOUNISH = {"名詞", "代名詞", "形状詞", "接頭辞"}


def _opens_phrase(pos: tuple[str, ...], previous: tuple[str, ...] | None) -> bool:
    if previous is None:
        return True
    if pos[0] == "補助記号":
        return pos[1] == "括弧開"  # 「 opens; 、。」 close
    if pos[0] not in _OPENS_PHRASE or pos[1] == "非自立可能":  # 紛失|した, こと|は|ありません
        return False
    if previous[0] == "接頭辞" or previous[:2] == ("補助記号", "括弧開"):  # 「オンライン…
        return False
    return not (pos[0] in _NOUNISH and previous[0] in _NOUNISH)  # マイナンバー|カード


@lru_cache(maxsize=1024)
def _furigana(text: str) -> tuple[tuple[str, str | None, bool], ...]:
    pieces: list[tuple[str, str | None, bool]] = []
    previous = None
    for m in _tokenizer().tokenize(text):
        surface, pos = m.surface(), m.part_of_speech()
        opens = _opens_phrase(pos, previous) and bool(pieces)
        previous = pos
        reading = to_hiragana(m.reading_form())
        if _KANJI_RE.search(surface) and not _DIGIT_RE.search(surface) and not m.is_oov() and reading != surface:
            word = _ruby(surface, reading)
            pieces += [(piece, ruby, opens and i == 0) for i, (piece, ruby) in enumerate(word)]
        elif pieces and pieces[-1][1] is None and not opens:
            pieces[-1] = (pieces[-1][0] + surface, None, pieces[-1][2])
        else:
            pieces.append((surface, None, opens))
    return tuple(pieces)


def furigana(text: str) -> list[tuple[str, str | None]]:
    """`text` cut into (surface, hiragana reading or None); the surfaces join back to `text`."""
    return [(surface, reading) for surface, reading, _ in furigana_phrases(text)]


def furigana_phrases(text: str) -> list[tuple[str, str | None, bool]]:
    """As `furigana`, each piece also saying whether a phrase (文節) starts with it: where a
    line may break without cutting a word (マイナン｜バー)."""
    if not text:
        return []
    pieces = list(_furigana(text))
    if "".join(surface for surface, _, _ in pieces) != text:  # never show an altered text
        return [(text, None, False)]
    return pieces
