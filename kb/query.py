"""A resident's question → the words we search for, with weights and synonym expansions.

Kana-only chunks (まいなんばーかーど, はき) get special care: Sudachi segments hiragana
poorly, so we try the chunk in katakana and as typed, keep whichever is made of known
words, and otherwise search it by reading.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import analyze, segments, char_bigrams, reading_bigrams
from .readings import read_by_sound
from .synonyms import Rule, phrase_in_query
from .textnorm import is_kana_only, normalize, to_katakana
from .wordgroups import dictionary_synonyms

SUBTERM_BOOST = 0.5  # an A sub-unit (漏洩 of 情報漏洩) is weaker evidence than the word
EXPANSION_BOOST = 0.7  # a synonym is a little weaker evidence than the word typed
PARTIAL_EXPANSION_BOOST = 0.3  # a synonym found inside a longer word
READING_BOOST = 0.6
KANA_WORD_WEIGHT = 1.0
MAX_KANA_WORDS = 2  # more pieces than this and Sudachi is guessing at hiragana
# (kana as typed, the same in kanji, the lemma it must then read as): verbs Sudachi reads
# as something else when written in kana straight after a noun
MISREAD_VERBS = (("なくし", "無くし", "無くす"), ("なくな", "無くな", "無くなる"), ("おとし", "落とし", "落とす"))
# Particles and endings residents type after a kana word (ほけん|の, おとし|ちゃった, もれ|ない):
# cut off, so that the word itself is looked up
KANA_ENDINGS = frozenset(
    "の を が は に へ や も と で って とか から まで た だ て ちゃ ちゃっ ちゃう たら ば ない ます まし です か".split()
)
_ENDING_POS = ("助詞", "助動詞")
_LAST_PARTICLES = frozenset("のをがはにへでもと")
_INFLECTED_POS = ("動詞", "形容詞")


@dataclass
class QueryWord:
    """One content word of the question and what else counts as finding it."""

    term: str
    weight: float
    key: str  # normalised surface, kana folded to katakana
    reading: str
    subterms: tuple[str, ...] = ()
    pieces: int = 1
    kana: bool = False  # typed in kana only and matched by reading
    expansions: list[tuple[str, ...]] = field(default_factory=list)
    # dictionary synonyms (kb/wordgroups.py): help find entries, but a word the KB holds
    # only through one of them still counts as unknown to the answer decision
    dictionary: tuple[str, ...] = ()
    pos: str = ""  # Sudachi's part of speech (first level), when read as a word

    @property
    def found_by(self) -> list[tuple[str, ...]]:
        """Every synonym an entry may hold instead of the word: the curated groups, then
        the dictionary's one-word synonyms."""
        return [*self.expansions, *((term,) for term in self.dictionary)]


@dataclass
class ParsedQuery:
    """Everything search and the answer decision need to know about a question."""

    text: str  # as typed
    read_as: str  # normalised, hiragana runs read as the index's nouns (kb/readings.py)
    normalized: str
    words: list[QueryWord]
    extra: list[tuple[str, ...]]  # synonym expansions found inside longer words
    bigrams: list[str]

    @property
    def is_empty(self) -> bool:
        """No content word at all (greetings, 'help', punctuation)."""
        return not self.words


def _word(morph, kana: bool = False) -> QueryWord:
    return QueryWord(
        term=morph.term, weight=morph.weight, key=to_katakana(normalize(morph.term)),
        reading=morph.reading, subterms=morph.subterms, pieces=morph.pieces, kana=kana, pos=morph.pos,
    )


def _reads_well(chunk: str) -> bool:
    """Did Sudachi read kana text as words rather than guess? (カードをなくした: yes;
    まいなんばーかーど → まい/なん/ばー/かー/ど: no)"""
    pieces = segments(chunk)
    content = [p for p in pieces if p.content]
    # Hiragana alone gives Sudachi no word boundaries: trust it only when content words
    # make up nearly all of the chunk (なりすまし), not for きかん → 聞か+ん.
    share = 0.6 if any("\u30a0" <= ch <= "\u30ff" for ch in chunk) else 0.8
    return (
        len(chunk) >= 3  # はき: two kana are too few to trust a reading as a word
        and bool(content)
        and all(p.known and p.pos != "感動詞" for p in pieces)
        and all(len(p.surface) >= 2 for p in content)
        and sum(len(p.surface) for p in content) > share * sum(len(p.surface) for p in pieces)
    )


def _kana_stem(chunk: str) -> tuple[str, list]:
    """The kana chunk without the particles and endings typed after its words, and those
    words' pieces; ("", []) when there is nothing to cut or what is left is not sure words."""
    pieces = segments(chunk)
    end = len(pieces)
    while end > 1 and pieces[end - 1].pos in _ENDING_POS and pieces[end - 1].surface in KANA_ENDINGS:
        end -= 1
    head = pieces[:end]
    stem = "".join(p.surface for p in head)
    if end == len(pieces) or len(stem) < 2 or not all(p.known and p.content for p in head):
        return "", []
    return stem, head


def _kana_words(chunk: str) -> list[QueryWord]:
    """Words of a kana-only chunk: as typed if Sudachi reads it well (a verb with its
    endings too: おとしちゃった), else known words in katakana (マイナンバーカード), else the
    chunk itself, matched by reading; a particle after a noun (ほけんの) is left out."""
    if _reads_well(chunk):
        return [_word(m) for m in analyze(chunk)]
    stem, head = _kana_stem(chunk)
    if stem and all(p.pos in _INFLECTED_POS for p in head):
        return [_word(m) for m in analyze(chunk)]
    chunk = stem or chunk
    katakana = to_katakana(chunk)
    # Sudachi cannot tell a particle from the end of a loanword in hiragana (かーどりーだーに):
    # in katakana, with and without the last kana if it is a particle
    for candidate in (katakana, katakana[:-1] if chunk[-1] in _LAST_PARTICLES and len(chunk) > 3 else ""):
        if candidate and _are_known_words(segments(candidate)):
            return [_word(m, kana=True) for m in analyze(candidate)]
    return [QueryWord(term=katakana, weight=KANA_WORD_WEIGHT, key=katakana, reading=katakana, kana=True)]


def _are_known_words(pieces) -> bool:
    """A few pieces, each a word Sudachi knows (マイナ + カード), not a guess at kana."""
    return bool(pieces) and len(pieces) <= MAX_KANA_WORDS and all(p.known and p.content for p in pieces)


def _reread(chunk: str) -> tuple:
    """Content words of a mixed chunk. Written in kana right after a noun, some verbs are
    misread (カードなくした → ない+する): where no content word covers such a spot, the
    verb is tried in kanji, and kept if it then reads as that verb."""
    morphs = analyze(chunk)
    for kana, kanji, lemma in MISREAD_VERBS:
        for found in re.finditer(kana, chunk):
            if any(m.start <= found.start() < m.end for m in morphs):
                continue
            fixed = chunk[: found.start()] + kanji + chunk[found.end():]
            if any(m.term == lemma for m in analyze(fixed)):
                return analyze(fixed)
    return morphs


def _words(text: str) -> list[QueryWord]:
    words: list[QueryWord] = []
    for chunk in normalize(text).split(" "):
        if is_kana_only(chunk) and len(chunk) >= 2:
            words += _kana_words(chunk)
        else:
            words += [_word(m) for m in _reread(chunk)]
    return words


def _covered(phrase, words: list[QueryWord]) -> list[int]:
    """Indices of the whole words a phrase stands for (not a piece of a longer word)."""
    n = len(phrase.terms)
    terms = [w.term for w in words]
    for i in range(len(words)):
        if n and tuple(terms[i : i + n]) == phrase.terms:
            return list(range(i, i + n))
        joined = ""
        for j in range(i, len(words)):
            joined += words[j].key
            if joined == phrase.key:
                return list(range(i, j + 1))
            if len(joined) >= len(phrase.key):
                break
        if words[i].kana and phrase.reading and (
            phrase.reading == words[i].reading
            or (len(phrase.reading) >= 3 and phrase.reading in words[i].reading)
        ):
            return [i]
    return []


_RULE_INDEXES: dict[int, tuple[list[Rule], dict[str, list[int]]]] = {}  # by id of the rules list (a few)


def _rule_index(rules: list[Rule]) -> dict[str, list[int]]:
    """Positions of the rules with a source whose first word ("t:" + term) or first two
    characters ("k:" + key[:2]) is this: built once per rules list (one per index version)."""
    held = _RULE_INDEXES.get(id(rules))
    if held is not None and held[0] is rules:
        return held[1]
    index: dict[str, list[int]] = {}
    for position, rule in enumerate(rules):
        for phrase in rule.sources:
            for name in ({"k:" + phrase.key[:2]} | ({"t:" + phrase.terms[0]} if phrase.terms else set())):
                if not index.get(name) or index[name][-1] != position:
                    index.setdefault(name, []).append(position)
    while len(_RULE_INDEXES) >= 4:
        _RULE_INDEXES.pop(next(iter(_RULE_INDEXES)))
    _RULE_INDEXES[id(rules)] = (rules, index)
    return index


def _rules_that_may_match(rules: list[Rule], term_set: set[str], key: str) -> list[Rule]:
    """The rules, in order, that have a source passing `may_match` (without kana words):
    its first word is in the question, or its first two characters are in the key."""
    index = _rule_index(rules)
    names = {"t:" + t for t in term_set} | {"k:" + key[i:i + 2] for i in range(len(key))} | {"k:" + c for c in key}
    names.add("k:")  # a phrase key "" is in every key (one or two characters: as `in` finds them)
    return [rules[p] for p in sorted({p for name in names for p in index.get(name, ())})]


def _apply_synonyms(words: list[QueryWord], key: str, rules: list[Rule]) -> list[tuple[str, ...]]:
    extra: list[tuple[str, ...]] = []
    terms = [w.term for w in words]
    kana_readings = [w.reading for w in words if w.kana]
    term_set = set(terms)

    def may_match(phrase) -> bool:  # a cheap necessary condition of phrase_in_query
        return bool(kana_readings) or (bool(phrase.terms) and phrase.terms[0] in term_set) or phrase.key[:2] in key

    for rule in rules if kana_readings else _rules_that_may_match(rules, term_set, key):
        source = next((s for s in rule.sources if may_match(s) and phrase_in_query(s, terms, key, kana_readings)), None)
        if source is None:
            continue
        targets = [t.terms for t in rule.targets if t.terms]
        covered = _covered(source, words)
        for index in covered:
            words[index].expansions += [t for t in targets if t not in words[index].expansions]
        if not covered:
            extra += targets
    return extra


_I_ROW = dict(zip("うくぐすつぬぶむる", "いきぎしちにびみり"))


def noun_forms(verb: str) -> tuple[str, ...]:
    """The nouns a verb's stem makes (受け付ける → 受け付け, 申し込む → 申し込み, 取り扱う →
    取り扱い): residents write the verb where notices write the noun. Two-character verbs
    (見る, 乗る) are left alone: their stems are other words."""
    if len(verb) < 3 or verb[-1] not in _I_ROW:
        return ()
    return (verb[:-1] + _I_ROW[verb[-1]], verb[:-1]) if verb.endswith("る") else (verb[:-1] + _I_ROW[verb[-1]],)


def add_noun_forms(parsed: "ParsedQuery", doc_freq) -> None:
    """A verb no entry holds also finds the noun form an entry holds, as a synonym would."""
    for word in parsed.words:
        if word.pos == "動詞" and not doc_freq(word.term):
            found = [(form,) for form in noun_forms(word.term) if doc_freq(form)]
            word.expansions += [form for form in found if form not in word.expansions]


def add_sound_alikes(parsed: "ParsedQuery", doc_freq, alikes) -> None:
    """A noun no entry holds also finds the index nouns `alikes(word)` gives (a loanword
    one letter off), as a synonym would."""
    for word in parsed.words:
        if word.pos == "名詞" and not word.kana and not doc_freq(word.term):
            found = [(term,) for term in alikes(word) if doc_freq(term)]
            word.expansions += [term for term in found if term not in word.expansions]


def _add_dictionary_synonyms(words: list[QueryWord], groups: dict[int, tuple[str, ...]]) -> None:
    """Each word's dictionary synonyms among the index's words, but those a curated rule
    already gives."""
    for word in words:
        curated = {group[0] for group in word.expansions if len(group) == 1}
        word.dictionary = tuple(t for t in dictionary_synonyms(word.term, groups) if t not in curated)


def parse_query(text: str, rules: list[Rule], groups: dict[int, tuple[str, ...]] | None = None,
                readings: dict[str, str] | None = None, known=None, together=None) -> ParsedQuery:
    """Analyse a question and expand it with the synonym rules and, given the index's
    word groups (kb/wordgroups.py), the dictionary's synonyms; given the index's nouns by
    sound (kb/readings.py) and `known(term)` (does an entry hold it?), its hiragana runs and
    kanji slips are read as those nouns first."""
    read_as = read_by_sound(normalize(text), readings or {}, known or (lambda term: True),
                            together or (lambda a, b: False))
    normalized = normalize(read_as)
    words = _words(read_as)
    extra = _apply_synonyms(words, to_katakana(normalized.replace(" ", "")), rules)
    if groups:
        _add_dictionary_synonyms(words, groups)
    return ParsedQuery(
        text=text,
        read_as=read_as,
        normalized=normalized,
        words=words,
        extra=extra,
        bigrams=[gram for gram, _, _ in char_bigrams(normalized)],
    )


def lexical_clauses(parsed: ParsedQuery) -> dict[str, float]:
    """The first stage's query: every word weighted (its sub-units and synonyms a little
    less), reading bigrams for kana-only words, the character bigrams as a fallback."""
    clauses: dict[str, float] = {}

    def add(term: str, boost: float) -> None:
        clauses[term] = clauses.get(term, 0.0) + boost

    for word in parsed.words:
        if word.kana:
            for gram in reading_bigrams(word.reading):
                add("r:" + gram, READING_BOOST)
        add("w:" + word.term, word.weight)
        for sub in word.subterms:
            add("w:" + sub, word.weight * SUBTERM_BOOST)
        for group in word.found_by:  # dictionary synonyms as strong as curated: weaker found less (measured)
            for term in group:
                add("w:" + term, word.weight * EXPANSION_BOOST / len(group))
    for group in parsed.extra:
        for term in group:
            add("w:" + term, PARTIAL_EXPANSION_BOOST / len(group))
    for gram in dict.fromkeys(parsed.bigrams):
        add("b:" + gram, 1.0)
    return clauses
