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

from .analysis import analyze
from .errors import ContentError
from .textnorm import normalize, to_katakana


@dataclass(frozen=True)
class Phrase:
    """One side of a rule: the words that must all be there (joined by '+')."""

    surface: str
    terms: tuple[str, ...]  # content-word lemmas, mode C
    key: str  # normalised surface, kana folded to katakana
    reading: str  # katakana reading

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
        )


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
    if n and any(tuple(query_terms[i : i + n]) == phrase.terms for i in range(len(query_terms) - n + 1)):
        return True
    if len(phrase.key) >= 2 and phrase.key in query_key:
        return True
    return len(phrase.reading) >= 2 and any(
        phrase.reading == r or (len(phrase.reading) >= 3 and phrase.reading in r) for r in kana_readings
    )
