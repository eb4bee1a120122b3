"""Words read by their sound: kana typed for a word the city writes in kanji, and IME slips.

Residents type 「ほけんのじょうほう」, 「顔にんしょう」, 「りすく」, or pick the wrong kanji of the
same sound (専用回戦 for 専用回線). Sudachi cannot find words in a run of hiragana (it reads
にんしょう as に+ん+しょう), but the index knows which nouns its entries hold and how each
reads. A build stores them (`word_readings.json`: reading → nouns); a question's hiragana
runs are then read as those nouns where the sounds match (`read_kana`), before analysis,
and a kanji word no entry holds is replaced by the index noun of the same sound
(`read_by_sound`); a katakana loanword no entry holds also finds the index's loanwords one
letter off (`sound_alikes`).
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from .analysis import analyze, sudachi_tokenizer
from .textnorm import to_katakana

WORD_READINGS_FILE = "word_readings.json"
MIN_READING = 3  # shorter sounds match too much by chance (した, いる)...
LOOSE, LOOSE_MIN = "~", 5  # readings this long are also found without their long-vowel marks
PARTICLES = frozenset("ヲガハノニデモトヘヤカ")  # ...unless a particle follows (みすで → ミス + で)
FORMAL_NOUNS = frozenset("こと もの とき ため よう ところ はず わけ ほう ほか なか うち まま".split())
MAX_READING = 20
MAX_LOANWORD = 12  # longest kana stretch looked up in the dictionary as one loanword
MIN_LOANWORD = 4  # katakana words this long or longer may differ from the index's by one letter
_HIRAGANA_RUN = re.compile(r"[\u3041-\u309fー]{3,}")
_KATAKANA_WORD = re.compile(r"^[\u30a1-\u30faー]+$")
_KANJI = re.compile(r"[\u3400-\u9fff]")
_HIRAGANA_ONLY = re.compile(r"^[\u3041-\u309fー]+$")


def noun_reading(term: str) -> str | None:
    """The reading (katakana) of `term` when Sudachi reads it as nouns only, else None."""
    morphemes = sudachi_tokenizer().tokenize(term)
    if not len(morphemes) or any(m.part_of_speech()[0] != "名詞" for m in morphemes):
        return None
    reading = to_katakana("".join(m.reading_form() for m in morphemes))
    return reading if len(reading) >= 2 and _KATAKANA_WORD.match(reading) else None


def write_word_readings(target: Path, terms) -> None:
    """Store the readings of a version's nouns (its `w:` vocabulary, without the prefix)."""
    readings: dict[str, list[str]] = {}
    for term in terms:
        reading = noun_reading(term)
        if reading:  # a katakana noun reads as itself: kept, for kana typed in hiragana and loanword slips
            readings.setdefault(reading, []).append(term)
    (target / WORD_READINGS_FILE).write_text(json.dumps(readings, ensure_ascii=False), "utf-8")


def read_word_readings(path: Path, doc_freq) -> dict[str, str]:
    """sound → the noun most entries hold among those that sound so (none for a version
    built before readings were stored)."""
    file = path / WORD_READINGS_FILE
    if not file.is_file():
        return {}
    found: dict[str, list[str]] = {}
    for reading, terms in json.loads(file.read_text("utf-8")).items():
        for key in _keys(reading):
            found.setdefault(key, []).extend(t for t in terms if not t.isascii())
    return {sound: max(terms, key=doc_freq) for sound, terms in found.items() if terms}


def _keys(reading: str) -> list[str]:
    """The keys a reading is found by: itself, and for a long one also without its long-vowel
    marks (せきゅりてぃ finds セキュリティー; こと must not find コート)."""
    exact = to_katakana(reading)
    loose = exact.replace("ー", "")
    return [exact, LOOSE + loose] if len(loose) >= LOOSE_MIN and loose != exact else [exact]


def _lookup(readings: dict[str, str], sound: str) -> str | None:
    loose = sound.replace("ー", "")
    return readings.get(sound) or (readings.get(LOOSE + loose) if len(loose) >= LOOSE_MIN else None)


def with_synonym_words(readings: dict[str, str], rules) -> dict[str, str]:
    """`readings` plus the one-noun words of the synonym rules by their sound (こくほ → 国保,
    こんびに → コンビニ): the words residents type are there, and the rules lead them to
    the index's words. The index's own nouns keep their sound."""
    found = dict(readings)
    for rule in rules:
        for phrase in (*rule.sources, *rule.targets):
            morphs = analyze(phrase.surface) if "+" not in phrase.surface else ()
            if len(morphs) == 1 and morphs[0].pos == "名詞" and not phrase.surface.isascii():
                for key in _keys(morphs[0].reading):
                    found.setdefault(key, phrase.surface)
    return found


def read_by_sound(text: str, readings: dict[str, str], known, together=lambda a, b: False) -> str:
    """`text` with the nouns found by sound written as the index writes them: in its
    hiragana runs (「まいなんばーかーどをなくしたらほけんの…」 → 「マイナンバーカードをなくしたら
    保険の…」) and where a kanji word no entry holds sounds like one that some entry
    holds (専用回戦 → 専用回線); the rest as typed. `known(term)`: does an entry hold it?
    `together(a, b)`: does one entry hold both?"""
    if not readings:
        return text
    doubtful, starts = _misread(text)
    text = _HIRAGANA_RUN.sub(lambda run: _read_run(run.group(), readings, doubtful[run.start():run.end()],
                                                   starts[run.start():run.end() + 1]), text)
    morphemes = list(sudachi_tokenizer().tokenize(text))
    pieces = [m.surface() for m in morphemes]
    changed = False
    for i, m in enumerate(morphemes):
        surface = pieces[i]
        if (m.part_of_speech()[0] not in ("名詞", "接尾辞") or len(surface) < 2 or not _KANJI.search(surface)
                or known(m.normalized_form())):
            continue
        noun = _lookup(readings, to_katakana(m.reading_form()))
        # only next to a word an entry holds together with it (専用 … 回線), or makes one word
        # with (専用回線): Japanese is full of words that sound alike, and 最速 is no slip for 催促
        neighbours = [pieces[j] for j in (i - 1, i + 1) if 0 <= j < len(pieces) and len(pieces[j]) >= 2]
        if noun and noun != surface and any(known(n + noun) or known(noun + n) or together(n, noun) for n in neighbours):
            pieces[i], changed = noun, True
    return "".join(pieces) if changed else text


def _read_run(run: str, readings: dict[str, str], suspect: list[bool], starts: list[bool]) -> str:
    """One hiragana run, its nouns found by sound: the reading that covers most of the run
    (fewest words on ties), by dynamic programming over the run's positions."""
    sound = to_katakana(run)  # one letter per letter of the run: no mark removed here
    n = len(sound)
    best: list[tuple[int, int] | None] = [None] * (n + 1)  # (sounds covered, -words) up to i
    step: list[tuple[int, str | None]] = [(0, None)] * (n + 1)  # (where it came from, noun)
    best[0] = (0, 0)
    for i in range(n):
        if best[i] is None:
            continue
        covered, words = best[i]
        if best[i + 1] is None or best[i + 1] < (covered, words):
            best[i + 1], step[i + 1] = (covered, words), (i, None)
        for end in range(i + 2, min(n, i + MAX_READING) + 1):
            # the letters must be ones Sudachi may have misread (したい is not 死体), from the
            # start of one of its pieces to the end of one (づくり holds no 栗)
            if not any(suspect[i:end]) or not starts[i] or not starts[end]:
                continue
            noun = _lookup(readings, sound[i:end])
            if noun is None and (end == n or sound[end] in PARTICLES):
                noun = _loanword(sound[i:end])
            if noun is None or not _stands_alone(sound, end, end - i):
                continue
            score = (covered + end - i, words - 1)
            if best[end] is None or best[end] < score:
                best[end], step[end] = score, (i, noun)
    pieces, i = [], n
    while i > 0:
        start, noun = step[i]
        pieces.append(noun if noun is not None else run[start:i])
        i = start
    return "".join(reversed(pieces))


def _misread(text: str) -> tuple[list[bool], list[bool]]:
    """For each letter of `text`: may Sudachi have misread it? True inside a piece of
    hiragana it read as a noun (ほけん, しょう of に+ん+しょう), did not know, or that holds a
    long-vowel mark (ばー of まい+なん+ばー); False inside what it read as grammar, verbs,
    adverbs and formal nouns (し+たい, いつも, こと) and in pieces with kanji or katakana
    (頂き, 引き落とし: read in context). And for each letter and the end: does a piece start
    there?"""
    flags = [False] * len(text)
    starts = [False] * len(text) + [True]
    for m in sudachi_tokenizer().tokenize(text):
        surface = m.surface()
        starts[m.begin()] = True
        if _HIRAGANA_ONLY.match(surface) and (
                m.is_oov() or "ー" in surface or (m.part_of_speech()[0] == "名詞" and surface not in FORMAL_NOUNS)):
            flags[m.begin():m.end()] = [True] * (m.end() - m.begin())
    return flags, starts


@lru_cache(maxsize=4096)
def _loanword(sound: str) -> str | None:
    """`sound` when the dictionary knows it as a katakana noun (こんびに → コンビニ) that the
    index may not hold as such (its synonyms lead on: コンビニエンスストア)."""
    if not MIN_LOANWORD <= len(sound) <= MAX_LOANWORD:
        return None
    morphemes = sudachi_tokenizer().tokenize(sound)
    if len(morphemes) != 1 or morphemes[0].is_oov() or morphemes[0].part_of_speech()[:2] != ("名詞", "普通名詞"):
        return None
    return sound if _KATAKANA_WORD.match(morphemes[0].normalized_form()) else None


def _stands_alone(sound: str, end: int, length: int) -> bool:
    """A short sound counts as a word only with a particle after it."""
    return length >= MIN_READING or (end < len(sound) and sound[end] in PARTICLES)


def sound_alikes(term: str, katakana_words: dict[int, list[str]]) -> tuple[str, ...]:
    """Index nouns a katakana loanword no entry holds may have been meant as: one letter
    off (セキュリテイ → セキュリティー, カードリーダ → カードリーダー)."""
    found = []
    if len(term) >= MIN_LOANWORD and _KATAKANA_WORD.match(term):
        for length in (len(term) - 1, len(term), len(term) + 1):
            found += [w for w in katakana_words.get(length, ()) if w != term and _one_edit(term, w)]
    return tuple(dict.fromkeys(found))


def katakana_by_length(readings: dict[str, str]) -> dict[int, list[str]]:
    """The index's katakana nouns, by length (for `sound_alikes`)."""
    words: dict[int, list[str]] = {}
    for noun in set(readings.values()):
        if len(noun) >= MIN_LOANWORD - 1 and _KATAKANA_WORD.match(noun):
            words.setdefault(len(noun), []).append(noun)
    return {length: sorted(found) for length, found in words.items()}


def _one_edit(a: str, b: str) -> bool:
    """Are `a` and `b` one insertion, deletion or substitution apart?"""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]
