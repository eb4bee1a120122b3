"""The first stage's stored matrices: BM25F scores and what each entry and sentence holds."""
from __future__ import annotations

import numpy as np
import pytest

from kb.query import lexical_clauses

from .conftest import entry_id


def rows(kb, *items):
    return np.array([kb.row(entry_id(item)) for item in items])


def test_a_question_scores_the_entries_that_hold_its_words(kb):
    scores = kb.lexical.score(lexical_clauses(kb.parse("ハードディスクの破壊")))
    assert scores.argmax() == kb.row(entry_id("4"))
    assert scores[kb.row(entry_id("2"))] < scores.max() / 4


def test_common_bigrams_score_nothing_but_rare_ones_do(kb):
    common = kb.lexical.score({"b:ます": 1.0})
    assert not common.any()  # held by most entries: no postings kept
    assert kb.lexical.score({"b:磁気": 1.0}).argmax() == kb.row(entry_id("4"))


def test_one_answer_sentence_saying_it_all_beats_words_spread_over_an_answer(kb):
    parsed = kb.parse("マイナンバーカードを紛失したら保険の資格情報が漏れ出るの")
    by_sentence = kb.sentence_coverages(parsed, rows(kb, "7", "1"))
    whole, _ = kb.coverages(parsed, rows(kb, "7", "1"))
    assert by_sentence[0] > 0.8 and by_sentence[0] > by_sentence[1] + 0.2
    assert (whole >= by_sentence).all()  # a sentence never holds more than its entry


@pytest.mark.parametrize("question", ["マイナンバーカードを落としたら保険の情報がもれる？", "カード　紛失"])
def test_filters_keep_only_their_entries(kb, question):
    document = next(iter(kb.documents))
    assert kb.search(question, document=document)
    assert kb.search(question, document="no-such-document") == []
    assert kb.search(question, topic="no-such-topic") == []
    topic = kb.entries[entry_id("7")].topics[0]
    assert {h.entry.id for h in kb.search(question, topic=topic, limit=None)} <= {
        e.id for e in kb.entries.values() if topic in e.topics}
