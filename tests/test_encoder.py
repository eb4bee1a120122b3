"""Encoders: the local ONNX model folder (a tiny model made here), the packaged models,
and KB_SEMANTIC turning into an encoder or the lexical path."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kb import config
from kb.encoder import LocalModelEncoder, load_encoder, semantic_status

from .encoder_fixtures import DIM, save_tiny_model


@pytest.fixture
def model_dir(tmp_path):
    return save_tiny_model(tmp_path / "tiny-model")


def test_local_model_gives_unit_vectors_per_text(model_dir):
    encoder = LocalModelEncoder(model_dir)
    vectors = encoder.encode_queries(["保険証 なくした", "ごみ 出し方", "再発行"])
    assert (vectors.shape, vectors.dtype, encoder.dim) == ((3, DIM), np.float32, DIM)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


@pytest.mark.parametrize("padding", [True, False], ids=["tokenizer pads", "encoder pads"])
def test_padding_does_not_change_a_text_s_vector(tmp_path, padding):
    encoder = LocalModelEncoder(save_tiny_model(tmp_path / "m", padding=padding))
    alone = encoder.encode_passages(["再発行"])[0]
    in_batch = encoder.encode_passages(["再発行", "保険証 なくした ごみ 出し方 紛失"])[0]
    assert np.allclose(alone, in_batch, atol=1e-5)


def test_shared_words_make_texts_closer(model_dir):
    encoder = LocalModelEncoder(model_dir)
    question, near, far = encoder.encode_queries(["保険証 なくした", "保険証 紛失", "ごみ 出し方"])
    assert question @ near > question @ far


def test_query_and_passage_prefixes_come_from_encoder_json(model_dir):
    default = LocalModelEncoder(model_dir)
    assert not np.allclose(default.encode_queries(["再発行"]), default.encode_passages(["再発行"]))
    (model_dir / "encoder.json").write_text(json.dumps({"query_prefix": "", "passage_prefix": ""}))
    plain = LocalModelEncoder(model_dir)
    assert np.allclose(plain.encode_queries(["再発行"]), plain.encode_passages(["再発行"]))


def test_the_name_changes_with_the_model_file(tmp_path):
    first = LocalModelEncoder(save_tiny_model(tmp_path / "a", seed=1)).name
    second = LocalModelEncoder(save_tiny_model(tmp_path / "a", seed=2)).name
    assert first != second


@pytest.mark.parametrize("spec", ["e5", "use"])
def test_packaged_models_rank_a_paraphrase_above_an_unrelated_question(spec):
    encoder = load_encoder(spec)
    question, paraphrase, unrelated = encoder.encode_queries(
        ["保険証をなくしてしまった", "国民健康保険証を紛失したときの再発行", "粗大ごみの出し方を知りたい"])
    assert question @ paraphrase > question @ unrelated
    assert semantic_status() == f"on: {encoder.name}"


def test_off_means_lexical_only():
    assert load_encoder("off") is None
    assert semantic_status() == "off"


def test_a_model_that_cannot_load_leaves_the_lexical_path_and_says_why(tmp_path, caplog):
    assert load_encoder(f"dir:{tmp_path / 'missing'}") is None
    assert semantic_status().startswith("unavailable: ")
    assert "cannot load" in caplog.text


def test_a_directory_spec_loads_the_local_model(model_dir):
    encoder = load_encoder(f"dir:{model_dir}")
    assert isinstance(encoder, LocalModelEncoder) and semantic_status() == f"on: {encoder.name}"


@pytest.mark.parametrize("value", ["yes", "dir:", "bert"])
def test_a_bad_semantic_setting_is_refused_with_the_choices(value):
    with pytest.raises(ValueError, match="KB_SEMANTIC.*off, on, e5, use or dir:"):
        config.setting("SEMANTIC", {"KB_SEMANTIC": value})


def test_long_texts_are_cut_before_embedding(model_dir):
    encoder = LocalModelEncoder(model_dir)
    head = " ".join(["保険証"] * 40)  # 40 × 4 characters = 159: within the cap
    vectors = encoder.encode_queries([head + " ごみ" * 200, head + " 再発行" * 200])
    assert not np.allclose(vectors[0], vectors[1])  # the tails still differ past the head …
    capped = encoder.encode_queries([(head + " ごみ" * 200)[:256]])
    assert np.allclose(vectors[0], capped[0], atol=1e-5)  # … but only up to the cap


def test_readiness_says_whether_the_semantic_signal_is_on(client, tmp_path):
    load_encoder(f"dir:{tmp_path / 'missing'}")
    missing = tmp_path / "missing" / "model.onnx"
    assert client.get("/readyz").get_json()["semantic"] == f"unavailable: FileNotFoundError: {missing} not found"
    load_encoder("off")
    assert client.get("/readyz").get_json()["semantic"] == "off"
