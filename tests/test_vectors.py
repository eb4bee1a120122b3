"""Entry vectors: stored with each index version, cached by text across rebuilds."""
from __future__ import annotations

import dataclasses
import hashlib

import numpy as np
import pytest
from click.testing import CliRunner

from kb.cli import main
from kb.encoder import Encoder
from kb.indexer import build_index, current_version_path
from kb.search import KnowledgeBase
from kb.vectors import EntryVectors, question_similarities, question_texts

from .conftest import CONTENT
from .encoder_fixtures import save_tiny_model


class CountingEncoder(Encoder):
    """A vector per text (and prefix) from its hash; remembers every text it was asked to embed."""

    name = "counting-test-encoder"
    dim = 16
    asymmetric = False  # one vector per text; see the kinds test for e5-like encoders

    def __init__(self):
        self.embedded: list[str] = []

    def _encode(self, texts, query):
        self.embedded += texts
        prefix = "query: " if query or not self.asymmetric else "passage: "
        rows = [np.frombuffer(hashlib.sha256((prefix + t).encode()).digest()[: self.dim], np.uint8) for t in texts]
        vectors = np.array(rows, np.float32) - 127.5
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _changed(content, index, **fields):
    entries = list(content.entries)
    entries[index] = dataclasses.replace(entries[index], **fields)
    return dataclasses.replace(content, entries=tuple(entries))


def _text_count(content):
    """Wordings of every question, plus one answer per entry."""
    return sum(len(question_texts(e)) + 1 for e in content.entries)


def test_a_rebuild_embeds_only_the_changed_entry(tmp_path, seed_content):
    encoder = CountingEncoder()
    build_index(seed_content, tmp_path, encoder=encoder)
    assert len(encoder.embedded) == _text_count(seed_content)
    encoder.embedded.clear()
    build_index(seed_content, tmp_path, encoder=encoder)
    assert encoder.embedded == []
    build_index(_changed(seed_content, 3, question="保険証をなくしたときは"), tmp_path, encoder=encoder)
    assert encoder.embedded == ["保険証をなくしたときは"]
    encoder.embedded.clear()
    build_index(_changed(seed_content, 5, answer=("窓口で再発行します。",)), tmp_path, encoder=encoder)
    assert encoder.embedded == ["窓口で再発行します。"]


def test_an_asymmetric_model_stores_each_text_as_query_and_as_passage(tmp_path, seed_content):
    encoder = CountingEncoder()
    encoder.asymmetric = True
    build_index(seed_content, tmp_path, encoder=encoder)
    wordings = _text_count(seed_content) - len(seed_content.entries)
    assert len(encoder.embedded) == 2 * wordings + len(seed_content.entries)
    vectors = EntryVectors.open(current_version_path(tmp_path))
    assert vectors.kinds == ("combined", "query", "passage", "answer")
    question = encoder.encode_queries(["保険証をなくした"])[0]

    def expected(entry):  # mean of the best wording's two cosines, and the answer's cosine
        texts = question_texts(entry)
        wording = (encoder.encode_queries(texts) @ question + encoder.encode_passages(texts) @ question) / 2
        return (wording.max() + encoder.encode_passages([entry.answer_text])[0] @ question) / 2

    want = [expected(entry) for entry in seed_content.entries]
    assert vectors.similarities(question).tolist() == pytest.approx(want, abs=1e-5)


def test_an_entry_scores_its_best_wording(tmp_path, seed_content):
    encoder = CountingEncoder()
    build_index(seed_content, tmp_path, encoder=encoder)
    vectors = EntryVectors.open(current_version_path(tmp_path))
    entry = next(e for e in seed_content.entries if e.alternates)
    query = encoder.encode_queries([entry.alternates[-1]])[0]
    scores = vectors.similarities(query, "query")
    assert scores.shape == (len(seed_content.entries),)
    assert vectors.entry_ids[int(np.argmax(scores))] == entry.id
    assert scores.max() == pytest.approx(1.0, abs=1e-5)


def test_the_knowledge_base_opens_its_vectors_memory_mapped(tmp_path, seed_content):
    build_index(seed_content, tmp_path, encoder=CountingEncoder())
    kb = KnowledgeBase.open(tmp_path)
    try:
        assert kb.vectors.model == "counting-test-encoder"
        assert kb.vectors.entry_ids == list(kb.entries)
        # not mapped: truncating a mapped file of the served version killed workers with SIGBUS
        assert not isinstance(kb.vectors._matrix, np.memmap)
    finally:
        kb.close()


def test_without_an_encoder_the_index_has_no_vectors(kb):
    assert kb.vectors is None


def test_kb_build_stores_the_chosen_model_s_vectors(tmp_path):
    model = save_tiny_model(tmp_path / "model")
    runner = CliRunner()
    result = runner.invoke(main, ["build", "--content", str(CONTENT), "--index", str(tmp_path / "ix"),
                                  "--semantic", f"dir:{model}"])
    assert result.exit_code == 0, result.output
    assert "semantic signal on: local/model/" in result.output
    assert EntryVectors.open(current_version_path(tmp_path / "ix")).model.startswith("local/model/")
    result = runner.invoke(main, ["build", "--content", str(CONTENT), "--index", str(tmp_path / "ix"),
                                  "--semantic", "off"])
    assert "semantic signal off" in result.output
    assert EntryVectors.open(current_version_path(tmp_path / "ix")) is None


def test_kb_refuses_an_unknown_semantic_choice(tmp_path):
    result = CliRunner().invoke(main, ["build", "--index", str(tmp_path), "--semantic", "bert"])
    assert result.exit_code == 2 and "off, on, e5, use or dir:" in result.output


def test_each_kind_of_text_is_scored_on_its_own():
    rows = [(0, "combined"), (1, "combined"), (1, "combined"), (0, "passage")]
    matrix = np.array([[1, 0], [0, 1], [0.6, 0.8], [0, 1]], np.float32)
    vectors = EntryVectors(matrix, rows, "m", ["a", "b"])
    assert vectors.kinds == ("combined", "passage")
    assert vectors.similarities(np.array([1, 0])).tolist() == pytest.approx([1.0, 0.6])
    assert vectors.similarities(np.array([1, 0]), "passage").tolist() == [0.0, -1.0]


def test_question_similarities_need_vectors_from_the_same_model(tmp_path, seed_content, caplog):
    encoder = CountingEncoder()
    build_index(seed_content, tmp_path, encoder=encoder)
    vectors = EntryVectors.open(current_version_path(tmp_path))
    question = seed_content.entries[2].question
    scores = question_similarities(vectors, encoder, question)
    assert vectors.entry_ids[int(np.argmax(scores))] == seed_content.entries[2].id
    assert question_similarities(None, encoder, question) is None
    assert question_similarities(vectors, None, question) is None
    other = CountingEncoder()
    other.name = "another-model"
    assert question_similarities(vectors, other, question) is None
    assert "made by counting-test-encoder, the encoder is another-model" in caplog.text


def test_an_interrupted_build_keeps_the_vectors_it_made(tmp_path, seed_content, monkeypatch):
    monkeypatch.setattr("kb.vectors.EMBED_BATCH", 4)
    encoder = CountingEncoder()
    original = encoder._encode

    def fail_on_the_third_batch(texts, query):
        if len(encoder.embedded) >= 8:
            raise RuntimeError("interrupted")
        return original(texts, query)

    encoder._encode = fail_on_the_third_batch
    with pytest.raises(RuntimeError):
        build_index(seed_content, tmp_path, encoder=encoder)
    encoder._encode = original
    build_index(seed_content, tmp_path, encoder=encoder)
    assert len(encoder.embedded) == _text_count(seed_content)  # 8 before, the rest after
