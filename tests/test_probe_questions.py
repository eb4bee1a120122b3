"""Held-out resident questions on the seed (bench/data/probe-questions.jsonl): written after
the ranking and the decision were tuned, in residents' own ways of typing (casual and
spoken forms, dialect endings, kana only, half-width kana, 異体字, a typo, long rambling
questions, near misses, keywords, garbage, English). Not tuned on, so the bar is the one
measured with a little margin (docs/search-quality.md), on the lexical path and
with the packaged encoder; `python bench/probe.py` prints which questions miss."""
from __future__ import annotations

from kb.answer import ask
from kb.evaluate import read_queries
from kb.search import KnowledgeBase

from .conftest import ROOT

PROBE = ROOT / "bench" / "data" / "probe-questions.jsonl"
# the bar measured with a little margin; the v3 decision (fitted on the leave-content-out
# protocol) refuses more near misses and answers a few more paraphrases with close
ANSWERED_RIGHT = 0.83  # of the answerable ones (measured: 0.857 on both paths)
REFUSED = 0.85  # of the unanswerable ones (measured: 0.906 lexical, 0.938 with the encoder)


def _shares(kb: KnowledgeBase) -> tuple[float, float]:
    """(share of answerable questions answered with a right entry, share of the rest refused)."""
    right = refused = answerable = 0
    queries = read_queries(PROBE)
    for query in queries:
        answer = ask(kb, query.text)
        item = answer.entry.source.item if answer.kind == "answer" else None
        if query.relevant:
            answerable += 1
            right += item in query.relevant
        else:
            refused += item is None
    return right / answerable, refused / (len(queries) - answerable)


def test_the_probe_set_has_both_kinds_of_question():
    queries = read_queries(PROBE)
    assert sum(bool(q.relevant) for q in queries) >= 50
    assert sum(not q.relevant for q in queries) >= 30


def test_probe_questions_on_the_lexical_path(kb):
    right, refused = _shares(kb)
    assert right >= ANSWERED_RIGHT and refused >= REFUSED, (right, refused)


def test_probe_questions_with_the_packaged_encoder(semantic_kb):
    right, refused = _shares(semantic_kb)
    assert right >= ANSWERED_RIGHT and refused >= REFUSED, (right, refused)
