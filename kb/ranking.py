"""How the candidates' scores are fused into one ranking: a weighted sum whose weights were
fitted on the localgovFAQ dev half (see kb/data/decision.json, "ranking")."""
from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

import numpy as np


@lru_cache(maxsize=1)
def ranking_weights() -> dict[str, dict[str, float]]:
    """{"lexical": {...}, "semantic": {...}}: weights of coverage, sentence, bm25 and semantic."""
    data = json.loads(resources.files("kb.data").joinpath("decision.json").read_text("utf-8"))
    return data["ranking"]


def uses_sentences(semantic: bool) -> bool:
    """Does the ranking of this path weigh the best answer sentence's coverage at all?"""
    return bool(ranking_weights()["semantic" if semantic else "lexical"].get("sentence"))


def fuse(coverage: np.ndarray, sentence: np.ndarray | float, bm25: np.ndarray, similarity: np.ndarray | None) -> np.ndarray:
    """One score per candidate: coverage (by the whole entry and by its best answer
    sentence), max-normalised BM25F and (if any) the cosine similarity, weighted (the
    cosine's weight is large: e5 cosines vary within ~0.1)."""
    w = ranking_weights()["lexical" if similarity is None else "semantic"]
    score = w["coverage"] * coverage + w.get("sentence", 0.0) * sentence + w["bm25"] * bm25
    return score if similarity is None else score + w["semantic"] * similarity
