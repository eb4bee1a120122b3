"""How the candidates' scores are fused into one ranking: a weighted sum whose weights were
fitted on the localgovFAQ dev half (see kb/data/decision.json, "ranking")."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np


@lru_cache(maxsize=1)
def ranking_weights() -> dict[str, dict[str, float]]:
    """{"lexical": {...}, "semantic": {...}}: weights of coverage, bm25 and semantic."""
    data = json.loads(resources.files("kb.data").joinpath("decision.json").read_text("utf-8"))
    return data["ranking"]


def fuse(coverage: np.ndarray, bm25: np.ndarray, similarity: np.ndarray | None) -> np.ndarray:
    """One score per candidate: coverage, max-normalised BM25F and (if any) the cosine
    similarity, weighted (the cosine's weight is large: e5 cosines vary within ~0.1)."""
    if similarity is None:
        w = ranking_weights()["lexical"]
        return w["coverage"] * coverage + w["bm25"] * bm25
    w = ranking_weights()["semantic"]
    return w["coverage"] * coverage + w["bm25"] * bm25 + w["semantic"] * similarity
