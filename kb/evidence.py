"""Evidence that the best entry answers the question, as features the decision weighs
(kb/decision.py). Every feature is read from what the index stored at build time and
what search already computed: nothing is embedded or analysed again here.

Coverage is split by who wrote the text: a public comment's "question" is a resident's
opinion, so what it mentions is context, never evidence of what the city said
(`city_coverage` counts the city's answer only there). The rankings' agreement says
how sure the ranking is: the fused first hit that is also BM25F's and the cosine's
first is right far more often than one that only the fusion puts first.
"""
from __future__ import annotations

import math

import numpy as np

from .analysis import analyze
from .decision import question_kinds, kind_mismatch
from .query import ParsedQuery
from .search import Hit, KnowledgeBase, Signals

MAX_WORDS = 6
MAX_SPECIFICITY = 4.0
OPINION_KINDS = ("public_comment",)  # documents whose entry "questions" are residents' opinions


def gather(kb: KnowledgeBase, parsed: ParsedQuery, hits: list[Hit], signals: Signals) -> dict[str, float]:
    """The decision's features for the best of `hits` (empty when there is none)."""
    if not hits:
        return {}
    best = hits[0]
    row = kb.row(best.entry.id)
    weights, matches = kb.word_matches(parsed, np.array([row]))
    weights, matches = weights.astype(np.float64), matches[0].astype(np.float64)
    total = float(weights.sum()) or 1.0
    by_sentence = _sentence_matches(kb, parsed, row)  # answer sentences × question words
    document = kb.documents.get(best.entry.source.document_id)
    opinion = bool(document and document.kind in OPINION_KINDS)
    if opinion:  # what the city wrote: its answer and the editors' heading, not the opinion
        answered = by_sentence.max(axis=0, initial=0.0) if len(by_sentence) else np.zeros_like(matches)
        matches = np.maximum(answered, _wording_matches(parsed, _wordings(best.entry, opinion)))
    city_coverage = float(matches @ weights) / total
    pos_total = sum(w.weight for w in parsed.words) or 1.0
    values = {
        "coverage": best.coverage,
        "city_coverage": city_coverage,
        "sentence": float((by_sentence @ weights).max(initial=0.0)) / total,
        "specificity": min(float(matches @ weights) / math.log(len(kb.entries) + 1), MAX_SPECIFICITY),
        "margin": best.score - hits[1].score if len(hits) > 1 else best.score,
        "unknown": sum(w.weight for w in parsed.words if not kb.is_known(w)) / pos_total,
        "words": min(len(parsed.words), MAX_WORDS) / MAX_WORDS,
        "mismatch": kind_mismatch(question_kinds(parsed.normalized), best.entry.answer_text),
        "lexical_first": float(_is_first(signals.bm25, row)),
        "missing_rare": _missing_rare(kb, parsed, matches),
        "reverse": _reverse_coverage(kb, parsed, _wordings(best.entry, opinion)),
    }
    if signals.similarity is not None:
        cosine = signals.similarity
        others = np.delete(cosine, row)
        values["semantic"] = float(cosine[row])
        values["semantic_lead"] = float(cosine[row] - (others.max() if len(others) else 0.0))
        values["semantic_first"] = float(_is_first(cosine, row))
        answer = kb.vectors.similarities(signals.vector, "answer") if "answer" in kb.vectors.kinds else cosine
        values["answer_semantic"] = float(answer[row])
        question = kb.vectors.similarities(signals.vector, "query") if "query" in kb.vectors.kinds else cosine
        values["question_semantic"] = float(question[row])
    return values


def _wordings(entry, opinion: bool) -> list[str]:
    """What the entry is about, in the city's words: its question and alternates, or for
    an opinion the editor's heading and alternates."""
    own = [entry.heading] if opinion else [entry.question]
    return [text for text in (*own, *entry.alternates) if text]


def _wording_matches(parsed: ParsedQuery, wordings: list[str]) -> np.ndarray:
    """1 for each question word (or a synonym of it) that one of `wordings` holds, whole or
    as a part; else 0."""
    held = set()
    for text in wordings:
        for m in analyze(text):
            held.add(m.term)
            held.update(m.subterms)
            held.update(m.inner)
    return np.array([float(w.term in held or any(all(t in held for t in g) for g in w.found_by))
                     for w in parsed.words])


def _missing_rare(kb: KnowledgeBase, parsed: ParsedQuery, matches: np.ndarray) -> float:
    """How rare (idf over log N) the rarest question word the entry does not hold is:
    a 年金 the entry lacks says more than a 方法 it lacks. Words no entry holds are
    `unknown`'s business."""
    scale = math.log(len(kb.entries) + 1) or 1.0
    missing = [kb.idf(w.term) for w, m in zip(parsed.words, matches)
               if m < 0.5 and w.weight >= 1.0 and kb.lexical.doc_freq(w.term)]
    return min(max(missing, default=0.0) / scale, 1.0)


def _reverse_coverage(kb: KnowledgeBase, parsed: ParsedQuery, wordings: list[str]) -> float:
    """The best weighted share of one of the entry's wordings that the question holds:
    the entry asks about 介護保険の手続き, the resident about 引っ越しの手続き: not the same."""
    asked = {w.term for w in parsed.words}
    for w in parsed.words:
        asked.update(w.subterms)
        asked.update(t for group in w.found_by for t in group)
    best = 0.0
    for text in wordings:
        words = analyze(text)
        weights = [m.weight * kb.idf(m.term) for m in words]
        held = [1.0 if m.term in asked else
                0.5 * sum(t in asked for t in m.subterms) / max(m.pieces, 1) for m in words]
        total = sum(weights)
        if total:
            best = max(best, sum(w * h for w, h in zip(weights, held)) / total)
    return best


def _is_first(scores: np.ndarray | None, row: int) -> bool:
    return scores is not None and len(scores) > 0 and float(scores[row]) >= float(scores.max()) and scores.max() > 0


def _sentence_matches(kb: KnowledgeBase, parsed: ParsedQuery, row: int) -> np.ndarray:
    """How far (0–1) each of the entry's answer sentences holds each question word."""
    sentences, _ = kb.lexical.sentence_rows(np.array([row]))
    _, matches = kb.word_matches(parsed, sentences, kb.lexical.sentences)
    return matches.astype(np.float64).reshape(len(sentences), len(parsed.words))
