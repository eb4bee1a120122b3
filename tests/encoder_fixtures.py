"""A tiny sentence-embedding model folder made on the spot (no download): an ONNX graph
that looks up each token's vector, and a word-level tokenizer.json."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer
from tokenizers.models import WordLevel
from tokenizers.pre_tokenizers import WhitespaceSplit

WORDS = ["[UNK]", "[PAD]", "query:", "passage:", "保険証", "なくした", "紛失", "ごみ", "出し方", "再発行"]
DIM = 8


def save_tiny_model(folder: Path, seed: int = 0, padding: bool = True) -> Path:
    """Write model.onnx and tokenizer.json (padding configured in it or not) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    table = np.random.default_rng(seed).normal(size=(len(WORDS), DIM)).astype(np.float32)
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    hidden = helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["batch", "sequence", DIM])
    graph = helper.make_graph(
        [helper.make_node("Gather", ["table", "input_ids"], ["last_hidden_state"])],
        "tiny-encoder", [ids, mask], [hidden], initializer=[numpy_helper.from_array(table, "table")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, folder / "model.onnx")
    tokenizer = Tokenizer(WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tokenizer.pre_tokenizer = WhitespaceSplit()
    if padding:
        tokenizer.enable_padding(pad_id=1, pad_token="[PAD]")
    tokenizer.save(str(folder / "tokenizer.json"))
    return folder
