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
from collections import Counter
from dataclasses import dataclass

from .analysis import analyze, char_bigram_terms, reading_bigrams, sentence_spans, text_reading_bigrams
from .lexical import PART, WORD

TEXT_FIELDS = ("question", "alternates", "answer", "related")


@dataclass(frozen=True)
class AnalysedEntry:
    """One entry's terms. `fields` maps a matrix field ("w:question", "b:answer", "r:all" …)
    to (term → count, in order of first use; number of tokens)."""

    fields: dict[str, tuple[dict[str, int], int]]
    holds: list[tuple[str, int]]  # (column term, WORD or PART): what the entry says
    sentences: list[list[tuple[str, int]]]  # the same, per answer sentence
    whoosh: dict[str, list[str]]  # Whoosh's indexed fields, as their analysed terms
    record: str  # the entry's line of entries.json


def _prefixed(counts: Counter, prefix: str) -> tuple[dict[str, int], int]:
    return {prefix + term: count for term, count in counts.items()}, sum(counts.values())


def _word_tokens(morphs) -> list[str]:
    """Mode C words, each followed by its other A sub-units (the Whoosh tokenizer's terms)."""
    tokens = []
    for m in morphs:
        tokens.append(m.term)
        tokens += [sub for sub in m.subterms if sub != m.term]
    return tokens


def _sentence_holds(answer: str, morphs) -> list[list[tuple[str, int]]]:
    """Which words each answer sentence holds, from the answer's analysis (no new one)."""
    held = []
    for start, end in sentence_spans(answer):
        inside = [m for m in morphs if start <= m.start < end]
        words = {m.term for m in inside}
        subs = {t for m in inside for t in m.subterms} - words
        held.append([("w:" + t, WORD) for t in sorted(words)] + [("w:" + t, PART) for t in sorted(subs)])
    return held


def analyse_entry(entry) -> AnalysedEntry:
    """Analyse `entry` (a kb.models.Entry): each text once."""
    texts = dict(zip(TEXT_FIELDS, (entry.question, "\n".join(entry.alternates), entry.answer_text,
                                   "\n".join(r.title for r in entry.related))))
    fields: dict[str, tuple[dict[str, int], int]] = {}
    readings: Counter = Counter()
    words: set[str] = set()
    subs: set[str] = set()
    whoosh = {}
    for name, text in texts.items():
        morphs = analyze(text)
        tokens = _word_tokens(morphs)
        fields["w:" + name] = _prefixed(Counter(tokens), "w:")
        if name == "related":  # scored, not held: the titles are not what the entry says
            continue
        whoosh[name] = tokens
        fields["b:" + name] = _prefixed(Counter(char_bigram_terms(text)), "b:")
        for m in morphs:
            readings.update(reading_bigrams(m.reading))
            words.add(m.term)
            subs.update(m.subterms)
    fields["r:all"] = _prefixed(readings, "r:")
    cross = set().union(*(text_reading_bigrams(texts[name]) for name in ("question", "alternates", "answer")))
    holds = [("w:" + t, WORD) for t in sorted(words)] + [("w:" + t, PART) for t in sorted(subs - words)]
    holds += [("r:" + g, WORD) for g in sorted(cross)]
    record = {"entry": entry.to_dict(),  # question_reading: for suggestions while typing kana (ほけん → 保険)
              "question_reading": "".join(m.reading for m in analyze(entry.question))}
    return AnalysedEntry(fields, holds, _sentence_holds(texts["answer"], analyze(texts["answer"])),
                         {"question": whoosh["question"], "alternates": whoosh["alternates"]},
                         json.dumps(record, ensure_ascii=False))

