"""Pure text normalisers used for search only; displayed text stays verbatim.

`normalize_with_offsets` keeps a map from every output character back to the
input, so tokens found in normalised text still highlight the published text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

_VOICED_MARKS = {"\u3099", "\u309a"}  # combining (han)dakuten left by per-char NFKC
_HIRA_START, _HIRA_END = 0x3041, 0x3096
_KATA_OFFSET = 0x60
_KANA_RE = re.compile(r"^[\u3041-\u309f\u30a0-\u30ffー・\s]+$")
_SPACE_RE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def variant_table() -> dict[str, str]:
    """The 旧字体/異体字 → 新字体 table shipped in kb/data/kyujitai.tsv."""
    table: dict[str, str] = {}
    text = resources.files("kb.data").joinpath("kyujitai.tsv").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            variant, standard = line.split("\t")
            table[variant] = standard
    return table


def _normalize_char(ch: str, variants: dict[str, str]) -> str:
    mapped = unicodedata.normalize("NFKC", ch)
    mapped = "".join(variants.get(c, c) for c in mapped)
    return mapped.lower()


@dataclass(frozen=True)
class Normalized:
    """Normalised text plus, per char, the verbatim span [starts[i], ends[i]) it came from."""

    text: str
    starts: list[int]
    ends: list[int]

    def span(self, begin: int, end: int) -> tuple[int, int]:
        """Verbatim span of normalised chars [begin, end)."""
        return self.starts[begin], self.ends[end - 1]


@lru_cache(maxsize=None)
def _char_form(ch: str) -> str:
    """One char normalised (cached: a build normalises millions of chars from a few thousand)."""
    return _normalize_char(ch, variant_table())


def normalize_with_offsets(text: str) -> Normalized:
    """NFKC + variant kanji + lower case, remembering where each char came from."""
    pieces = list(map(_char_form, text))
    joined = "".join(pieces)
    if len(joined) == len(text) and (not text or min(map(len, pieces)) == 1) and _VOICED_MARKS.isdisjoint(joined):
        return Normalized(joined, list(range(len(text))), list(range(1, len(text) + 1)))  # the usual case: one for one
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, forms in enumerate(pieces):
        for piece in forms:
            if piece in _VOICED_MARKS and out:
                composed = unicodedata.normalize("NFC", out[-1] + piece)
                if len(composed) == 1:  # ﾊﾞ → バ: fold into the previous char
                    out[-1] = composed
                    ends[-1] = index + 1
                    continue
            out.append(piece)
            starts.append(index)
            ends.append(index + 1)
    return Normalized("".join(out), starts, ends)


@lru_cache(maxsize=2048)
def normalize(text: str) -> str:
    """Normalised form of `text` for matching (NFKC, 新字体, lower case, one space).

    Cached, a little: answering a question normalises it several times, and the best
    entry's answer text once per question (the decision's question-kind check)."""
    return _SPACE_RE.sub(" ", normalize_with_offsets(text).text).strip()


_TO_KATAKANA = {code: code + _KATA_OFFSET for code in range(_HIRA_START, _HIRA_END + 1)}


def to_katakana(text: str) -> str:
    """Hiragana → katakana; everything else unchanged."""
    return text.translate(_TO_KATAKANA)


def is_kana_only(text: str) -> bool:
    """True when `text` is written in kana alone (a reading typed without kanji)."""
    return bool(_KANA_RE.match(text)) and not text.isspace()
