"""Japanese text analysis: SudachiPy morphemes, and the Whoosh tokenizers built on them.

`analyze` gives content words as Sudachi normalised forms, split mode C plus their A
sub-units (so 漏洩 finds 情報漏えい), with readings; `reading_bigrams` and
`text_reading_bigrams` let kana-only queries (まいなほけんしょう, はき) reach words written in
kanji; `char_bigrams` is the fallback for words Sudachi does not know. The term matrices
(lexical.py) are built from these; `JapaneseTokenizer` serves Whoosh and highlighting, and
`BigramTokenizer` the same bigrams as a Whoosh tokenizer. Offsets always point into the
verbatim text, so highlights land on published text.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterator

from sudachipy import Dictionary, SplitMode
from whoosh.analysis import Token, Tokenizer

from .textnorm import is_kana_only, normalize_with_offsets, to_katakana

# Parts of speech that carry content, with the weight a query word of that kind has
# when we ask how much of a question an entry covers. Everything else (particles,
# auxiliaries, symbols, pronouns, prefixes/suffixes, interjections) is dropped.
POS_WEIGHTS = {
    "名詞": 1.0,
    "形状詞": 0.8,
    "動詞": 0.7,
    "形容詞": 0.7,
    "副詞": 0.4,
}
_WORD_RUN_RE = re.compile(r"\w+")
SENTENCE_RE = re.compile(r"[^。！？!?\n]+[。！？!?」』）)]*")
_local = threading.local()


@lru_cache(maxsize=1)
def stop_terms() -> frozenset[str]:
    """Lemmas with no topic of their own (light verbs, question frames)."""
    text = resources.files("kb.data").joinpath("stopterms.txt").read_text("utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return frozenset(lines + [to_katakana(line) for line in lines])  # a noun's term may be folded


@lru_cache(maxsize=1)
def _dictionary() -> Dictionary:
    return Dictionary(dict="core")


def _sudachi():
    """One Sudachi tokenizer per thread: they keep per-call state."""
    if not hasattr(_local, "tokenizer"):
        _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return _local.tokenizer


sudachi_tokenizer = _sudachi  # this thread's tokenizer (split mode C), for other modules


@dataclass(frozen=True)
class Segment:
    """One morpheme as Sudachi cut it: enough to judge how well it read the text."""

    surface: str
    pos: str
    known: bool
    content: bool


def segments(text: str) -> list[Segment]:
    """Every morpheme of normalised `text`, function words included."""
    return [
        Segment(m.surface(), m.part_of_speech()[0], not m.is_oov(), _is_content(m))
        for m in _sudachi().tokenize(normalize_with_offsets(text).text)
        if m.part_of_speech()[0] != "空白"
    ]


@dataclass(frozen=True)
class Morph:
    """One content word: normalised term, weight, reading and verbatim offsets."""

    term: str
    pos: str
    weight: float
    reading: str
    start: int
    end: int
    subterms: tuple[str, ...] = ()  # content A sub-units of a compound
    pieces: int = 1  # all its A sub-units, content or not (申請方法: 申請 + 方法 = 2)
    # runs of two or more A sub-units inside a longer compound, joined: 国民健康保険料 holds
    # 国民健康保険 and 保険料 (what 国保 and a resident's 保険料 must find)
    inner: tuple[str, ...] = ()


def _term_of(morpheme, pos: str) -> str:
    """The normalised term of a morpheme whose part of speech (first level) is `pos`."""
    term = morpheme.normalized_form().lower()
    # Sudachi leaves a noun written in kana as it is written (ゴミ, ごみ, 粗大ごみ's part ごみ),
    # and residents and cities write it both ways: one term, in katakana
    return to_katakana(term) if pos == "名詞" and is_kana_only(term) else term


def _content_term(morpheme) -> str | None:
    """The term of a content word; None for anything else."""
    pos = morpheme.part_of_speech()[0]
    if pos not in POS_WEIGHTS:
        return None
    term = _term_of(morpheme, pos)
    return term if term.strip() and term not in stop_terms() else None


def _is_content(morpheme) -> bool:
    return _content_term(morpheme) is not None


def _inner_runs(subunits) -> tuple[str, ...]:
    """Every run of 2..n-1 consecutive sub-units of an n-unit compound, joined."""
    forms = [_term_of(u, u.part_of_speech()[0]) for u in subunits]
    n = len(forms)
    return tuple(dict.fromkeys("".join(forms[i:j]) for i in range(n) for j in range(i + 2, n + 1) if j - i < n))


@lru_cache(maxsize=16)
def _tokens(text: str):
    """Normalised `text` and Sudachi's morphemes of it: read once, used by `analyze` and by
    `text_reading_bigrams` (a build asks both of every field)."""
    norm = normalize_with_offsets(text)
    return norm, (_sudachi().tokenize(norm.text) if norm.text.strip() else ())


@lru_cache(maxsize=1024)
def analyze(text: str) -> tuple[Morph, ...]:
    """Content words of `text` (mode C, with their A sub-units), offsets into `text`.

    Cached, a little: a build asks for each text's analysis a few times in a row (term
    matrices, Whoosh, readings); a large cache held ~300 MB of a 100k-entry build."""
    norm, morphemes = _tokens(text)
    morphs = []
    stops = stop_terms()
    for m in morphemes:  # _content_term, inlined: this loop sees every morpheme a build reads
        pos = m.part_of_speech()[0]
        if pos not in POS_WEIGHTS:
            continue
        term = _term_of(m, pos)
        if not term.strip() or term in stops:
            continue
        begin, end = m.begin(), m.end()
        # one or two chars cannot hold two words worth splitting (and splitting is costly)
        subunits = m.split(SplitMode.A) if end - begin > 2 else (m,)
        subterms = tuple(t for t in map(_content_term, subunits) if t) if len(subunits) > 1 else ()
        morphs.append(Morph(term=term, pos=pos, weight=POS_WEIGHTS[pos], reading=to_katakana(m.reading_form()),
                            start=norm.starts[begin], end=norm.ends[end - 1], subterms=subterms,
                            pieces=len(subunits), inner=_inner_runs(subunits) if len(subunits) > 2 else ()))
    return tuple(morphs)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`; a line break ends a sentence too."""
    return [(m.start(), m.end()) for m in SENTENCE_RE.finditer(text) if m.group().strip()]


def reading_bigrams(reading: str) -> list[str]:
    """Bigrams of a katakana reading (a 1-char reading stays whole)."""
    if len(reading) < 2:
        return [reading] if reading else []
    return [reading[i : i + 2] for i in range(len(reading) - 1)]


def char_bigrams(normalized: str) -> Iterator[tuple[str, int, int]]:
    """(bigram, start, end) over word-character runs of already normalised text."""
    for run in _WORD_RUN_RE.finditer(to_katakana(normalized)):
        s, text = run.start(), run.group()
        if len(text) == 1:
            yield text, s, s + 1
        for i in range(len(text) - 1):
            yield text[i : i + 2], s + i, s + i + 2


def char_bigram_terms(text: str) -> list[str]:
    """The bigrams `char_bigrams` gives for normalised `text`, without offsets, from the
    normalisation its analysis already made (a build's fast path)."""
    grams: list[str] = []
    for run in _WORD_RUN_RE.findall(to_katakana(_tokens(text)[0].text)):
        grams += [run] if len(run) == 1 else [run[i : i + 2] for i in range(len(run) - 1)]
    return grams


class _BaseTokenizer(Tokenizer):
    """Shared Whoosh plumbing: turn (text, start, end) triples into Tokens."""

    def _pieces(self, value: str) -> Iterator[tuple[str, int, int, bool]]:
        raise NotImplementedError

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        pos = start_pos - 1
        for text, start, end, new_position in self._pieces(value):
            if new_position:
                pos += 1
            token.text = text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + end
            yield token


class JapaneseTokenizer(_BaseTokenizer):
    """Content words, mode C then its A sub-units at the same position."""

    def _pieces(self, value):
        for m in analyze(value):
            yield m.term, m.start, m.end, True
            for sub in m.subterms:
                if sub != m.term:
                    yield sub, m.start, m.end, False


class BigramTokenizer(_BaseTokenizer):
    """Character bigrams of the normalised text (kana folded to katakana)."""

    def _pieces(self, value):
        norm = normalize_with_offsets(value)
        for gram, s, e in char_bigrams(norm.text):
            yield (gram, *norm.span(s, e), True)


def entry_terms(text: str) -> set[str]:
    """Every index term (C and A units) of `text`: what an entry 'contains'."""
    words, parts = word_and_part_terms(text)
    return words | parts


def word_and_part_terms(text: str) -> tuple[set[str], set[str]]:
    """(mode C words of `text`, A sub-units and runs of them that are only parts of longer words)."""
    words = {m.term for m in analyze(text)}
    parts = {sub for m in analyze(text) for sub in (*m.subterms, *m.inner)} - words
    return words, parts


def text_reading_bigrams(text: str) -> set[str]:
    """Reading bigrams of `text`, across word boundaries (磁気+的 gives ジキ, キテ, テキ),
    so a kana-only question spelling a compound finds it. Runs of words end at
    punctuation and spaces."""
    grams: set[str] = set()
    run: list[str] = []
    for m in (*_tokens(text)[1], None):
        if m is None or not _WORD_RUN_RE.search(m.surface()):
            if run:
                grams.update(reading_bigrams(to_katakana("".join(run))))
                run = []
        else:
            run.append(m.reading_form())
    return grams
