"""Residents' words → the documents' words, from content/synonyms.txt, applied at query time.

The file format is Solr's synonyms.txt, which staff can edit without touching code:
    # comment
    紛失, なくす, 落とす          ← equivalent: any of them also searches the others
    ハードディスク => HDD, 記憶装置  ← one-way: the left side also searches the right
    マイナ保険証 => マイナンバーカード+健康保険証   ← "+" joins words that go together
Each phrase is analysed like the text, so inflections match (なくした finds なくす) and a
kana-only query matches by reading (まいなほけんしょう finds マイナ保険証).
"""
from __future__ import annotations

from dataclasses import dataclass

from .analysis import analyze, segments
from .errors import ContentError
from .textnorm import normalize, to_katakana

_WORD_POS = ("代名詞", "名詞", "副詞", "形容詞", "形状詞")  # a dropped one of these leaves a phrase short


@dataclass(frozen=True)
class Phrase:
    """One side of a rule: the words that must all be there (joined by '+')."""

    surface: str
    terms: tuple[str, ...]  # content-word lemmas, mode C
    key: str  # normalised surface, kana folded to katakana
    reading: str  # katakana reading
    # Words analysis dropped (どこ of どこで見られる, 方法 of 出す方法), normalised: what is
    # left (見る, 出す) is in far more questions than the phrase is, so the phrase's lemmas
    # count only in a question that also holds these
    anchors: tuple[str, ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Phrase":
        """Analyse a phrase as written in the file."""
        words = [w.strip() for w in text.split("+") if w.strip()]
        morphs = [m for w in words for m in analyze(w)]
        return cls(
            surface=text.strip(),
            terms=tuple(m.term for m in morphs),
            key=to_katakana(normalize("".join(words))),
            reading="".join(m.reading for m in morphs),
            anchors=tuple(to_katakana(s.surface) for w in words for s in segments(w) if _is_dropped_word(s)),
        )


def _is_dropped_word(segment) -> bool:
    """A pronoun, or a noun, adverb or adjective on the stop list (verbs and endings aside:
    する of 提出した人 carries no word)."""
    return segment.pos in _WORD_POS and not segment.content


@dataclass(frozen=True)
class Rule:
    """If any of `sources` is in the query, also search each of `targets`."""

    sources: tuple[Phrase, ...]
    targets: tuple[Phrase, ...]
    line: int


def parse_synonyms(text: str, path: str = "synonyms.txt") -> list[Rule]:
    """Parse the rules; a line that means nothing is a ContentError naming it."""
    rules = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        left, arrow, right = line.partition("=>")
        sources = _phrases(path, number, left)
        targets = _phrases(path, number, right) if arrow else sources
        if arrow and not (sources and targets) or not arrow and len(sources) < 2:
            raise ContentError(path, number, "a rule needs 'a, b' (two or more) or 'a => b'")
        if arrow:
            rules.append(Rule(sources, targets, number))
        else:
            rules += [Rule((s,), tuple(t for t in sources if t != s), number) for s in sources]
    return rules


def _phrases(path: str, number: int, text: str) -> tuple[Phrase, ...]:
    phrases = tuple(Phrase.parse(part) for part in text.split(",") if part.strip())
    for phrase in phrases:
        if not phrase.terms and len(phrase.key) < 2:
            raise ContentError(path, number, f"{phrase.surface!r} has no searchable word")
    return phrases


def phrase_in_query(phrase: Phrase, query_terms: list[str], query_key: str, kana_readings: list[str]) -> bool:
    """Does the query contain `phrase`, by lemmas, by normalised text or by reading?"""
    n = len(phrase.terms)
    if n and all(anchor in query_key for anchor in phrase.anchors) and any(
        tuple(query_terms[i : i + n]) == phrase.terms for i in range(len(query_terms) - n + 1)
    ):
        return True
    if len(phrase.key) >= 2 and phrase.key in query_key:
        return True
    return len(phrase.reading) >= 2 and any(
        phrase.reading == r or (len(phrase.reading) >= 3 and phrase.reading in r) for r in kana_readings
    )
