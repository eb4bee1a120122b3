"""What one entry's texts put into the index, analysed once, as plain terms.

`analyse_entry` reads an entry's question, alternates, answer and related titles with
Sudachi once each and returns everything a build stores for it: each field's term counts
(for the BM25F matrix), which words the entry and each answer sentence hold, the terms
Whoosh records, the question's reading (suggestions) and the entries.json record. The
result holds only strings and numbers, so worker processes can analyse entries side by
side (kb/analysispool.py); the builder turns terms into matrix columns in entry order.
Sets are sorted so the same content always gives the same result.
"""
from __future__ import annotations

import json
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from .analysis import analyze, char_bigram_terms, reading_bigrams, sentence_spans, text_reading_bigrams
from .lexical import PART, WORD

TEXT_FIELDS = ("question", "alternates", "answer", "related")
SEPARATOR = "\x1f"  # between the terms of one string (no term holds it: it is not a word character)
TF_MAX = 65535  # counts travel as 16 bits; BM25 is flat long before this

# A list of terms travels as one string and their counts or codes as one bytes object:
# a worker's results pickle 5× faster than as lists of small strings.
Terms = tuple[str, bytes]  # (terms joined by SEPARATOR, one unsigned 16-bit count or 8-bit code each)


@dataclass(frozen=True)
class AnalysedEntry:
    """One entry's terms. `fields` maps a matrix field ("w:question", "b:answer", "r:all" …)
    to (its terms in order of first use with their counts, number of tokens)."""

    fields: dict[str, tuple[Terms, int]]
    holds: Terms  # what the entry says: WORD or PART per column term
    sentences: list[Terms]  # the same, per answer sentence
    whoosh: dict[str, str]  # Whoosh's indexed fields, as their analysed terms (joined)
    record: str  # the entry's line of entries.json


def split_terms(joined: str) -> list[str]:
    """The terms of a joined string."""
    return joined.split(SEPARATOR) if joined else []


def _joined(prefix: str, terms) -> str:
    terms = list(terms)
    return prefix + (SEPARATOR + prefix).join(terms) if terms else ""


def _counted(prefix: str, counts: Counter) -> tuple[Terms, int]:
    values = array("H", [min(c, TF_MAX) for c in counts.values()] if counts and max(counts.values()) > TF_MAX
                   else counts.values())
    return (_joined(prefix, counts), values.tobytes()), sum(counts.values())


def _coded(words: set[str], parts: set[str], readings: set[str] = frozenset()) -> Terms:
    """Sorted words (WORD), word parts (PART) and reading bigrams (WORD) as column terms."""
    pieces = [_joined("w:", sorted(words)), _joined("w:", sorted(parts)), _joined("r:", sorted(readings))]
    codes = bytes([WORD] * len(words) + [PART] * len(parts) + [WORD] * len(readings))
    return SEPARATOR.join(p for p in pieces if p), codes


def _word_tokens(morphs) -> list[str]:
    """Mode C words, each followed by its other A sub-units (the Whoosh tokenizer's terms)."""
    tokens = []
    for m in morphs:
        tokens.append(m.term)
        tokens += [sub for sub in m.subterms if sub != m.term]
    return tokens


def _sentence_holds(answer: str, morphs) -> list[Terms]:
    """Which words each answer sentence holds, from the answer's analysis (no new one)."""
    held = []
    starts = [m.start for m in morphs]  # in text order
    for start, end in sentence_spans(answer):
        inside = morphs[bisect_left(starts, start) : bisect_left(starts, end)]
        words = {m.term for m in inside}
        held.append(_coded(words, {t for m in inside for t in (*m.subterms, *m.inner)} - words))
    return held


def alternates_text(entry) -> str:
    """The editors' wordings of the question. An editor's heading counts as one more: the
    widget offers headings as suggestions and related links, and picking one must find its
    entry by words too, not only by meaning."""
    return "\n".join(text for text in dict.fromkeys((*entry.alternates, entry.heading or "")) if text)


def analyse_entry(entry) -> AnalysedEntry:
    """Analyse `entry` (a kb.models.Entry): each text once."""
    texts = dict(zip(TEXT_FIELDS, (entry.question, alternates_text(entry), entry.answer_text,
                                   "\n".join(r.title for r in entry.related))))
    fields: dict[str, tuple[Terms, int]] = {}
    readings: list[str] = []
    words: set[str] = set()
    subs: set[str] = set()
    whoosh = {}
    for name, text in texts.items():
        morphs = analyze(text)
        tokens = _word_tokens(morphs)
        fields["w:" + name] = _counted("w:", Counter(tokens))
        if name == "related":  # scored, not held: the titles are not what the entry says
            continue
        whoosh[name] = SEPARATOR.join(tokens)
        fields["b:" + name] = _counted("b:", Counter(char_bigram_terms(text)))
        for m in morphs:
            readings += reading_bigrams(m.reading)
            words.add(m.term)
            subs.update(m.subterms)
            subs.update(m.inner)
    fields["r:all"] = _counted("r:", Counter(readings))
    cross = set().union(*(text_reading_bigrams(texts[name]) for name in ("question", "alternates", "answer")))
    record = {"entry": entry.to_dict(),  # question_reading: for suggestions while typing kana (ほけん → 保険)
              "question_reading": "".join(m.reading for m in analyze(entry.question))}
    return AnalysedEntry(fields, _coded(words, subs - words, cross),
                         _sentence_holds(texts["answer"], analyze(texts["answer"])),
                         {"question": whoosh["question"], "alternates": whoosh["alternates"]},
                         json.dumps(record, ensure_ascii=False))
