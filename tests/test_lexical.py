"""The first stage's stored matrices: BM25F scores and what each entry and sentence holds."""
from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.query import lexical_clauses

from .conftest import DEV_QUERIES, entry_id, needs_shared


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


def _holding_by_scipy(lexical, rows, terms, matrix):
    """What `holding` must return, by scipy's own indexing (the former implementation)."""
    cols = [lexical.vocab.get(t, -1) for t in terms]
    known = [i for i, c in enumerate(cols) if c >= 0]
    out = np.zeros((len(rows), len(terms)), np.int8)
    if known and len(rows):
        out[:, known] = matrix[rows][:, [cols[i] for i in known]].toarray()
    return out


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_holding_reads_the_same_codes_as_scipy_indexing(kb, data):
    lexical = kb.lexical
    matrix = data.draw(st.sampled_from([lexical.holds, lexical.sentences]))
    rows = np.array(data.draw(st.lists(st.integers(0, matrix.shape[0] - 1), max_size=12)), dtype=np.int64)
    vocab = sorted(lexical.vocab)
    terms = data.draw(st.lists(st.one_of(st.sampled_from(vocab), st.text(max_size=3)), max_size=15))
    assert (lexical.holding(rows, terms, matrix) == _holding_by_scipy(lexical, rows, terms, matrix)).all()


@given(data=st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_scores_are_bit_for_bit_those_of_scipys_product(kb, data):
    """score() reads the CSC arrays itself: the same float32 figures, so the same ranking and ties."""
    lexical = kb.lexical
    vocab = sorted(lexical.vocab)
    terms = data.draw(st.lists(st.one_of(st.sampled_from(vocab), st.text(max_size=3)), max_size=40, unique=True))
    clauses = {t: data.draw(st.floats(0.0625, 5.0, width=32)) for t in terms}
    known = [t for t in clauses if t in lexical.vocab]
    expected = (lexical.scores[:, [lexical.vocab[t] for t in known]] @ np.array([clauses[t] for t in known], np.float32)
                if known else np.zeros(lexical.size, np.float32))
    got = lexical.score(clauses)
    assert got.dtype == expected.dtype and np.array_equal(got, expected)


@needs_shared(DEV_QUERIES)
def test_scores_of_the_seed_dev_questions_are_those_of_scipys_product(kb):
    lexical = kb.lexical
    for line in DEV_QUERIES.read_text("utf-8").splitlines():
        clauses = lexical_clauses(kb.parse(json.loads(line)["query"]))
        known = [t for t in clauses if t in lexical.vocab]
        expected = lexical.scores[:, [lexical.vocab[t] for t in known]] @ np.array([clauses[t] for t in known], np.float32)
        assert np.array_equal(lexical.score(clauses), expected)
