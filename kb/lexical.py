"""The first stage: every entry's analysed terms as sparse matrices, scored with numpy.

Whoosh scores a 100-clause question one posting at a time in Python; here the same
BM25F figures are computed once at build time and stored as one sparse matrix
(entries × terms), so a question's lexical score is one column slice and one
matrix-vector product. A second matrix holds which words and word parts each entry
contains, so coverage (search.py) is computed for many candidates at once.

Columns are namespaced: ``w:`` content words (and their A sub-units), ``b:`` character
bigrams, ``r:`` reading bigrams of words (kana-only questions). Field weights are baked
in at build time: a word in the question counts 3×, in an editor's alternate 2.5×,
in the answer 1×. kb/lexicalbuild.py writes the matrices.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
from scipy import sparse


K1, B = 1.2, 0.75  # the usual BM25 constants (Whoosh's too)
RELATED_BOOST = 0.5  # titles of the FAQs an answer links to: near paraphrases (localgovFAQ R@1 +0.007)
WORD_FIELDS = {"question": 3.0, "alternates": 2.5, "answer": 1.0, "related": RELATED_BOOST}
BIGRAM_FIELDS = {"question": 0.6, "alternates": 0.6, "answer": 0.2}
READING_FIELD_BOOST = 1.0
COMMON_BIGRAM_SHARE = 0.2  # a bigram in more entries than this says nothing: not scored
WORD, PART = 1, 2  # codes in the containment matrix
SCORES_FILE, HOLDS_FILE, VOCAB_FILE = "lexical.npz", "holds.npz", "vocab.json"
SENTENCES_FILE, SENTENCE_STARTS_FILE = "sentence_holds.npz", "sentence_starts.npy"


class LexicalIndex:
    """The stored matrices of one index version, opened read-only."""

    def __init__(self, path: Path):
        self.scores: sparse.csc_matrix = sparse.load_npz(path / SCORES_FILE).tocsc()
        self.holds: sparse.csr_matrix = sparse.load_npz(path / HOLDS_FILE).tocsr()
        terms = json.loads((path / VOCAB_FILE).read_text("utf-8"))
        self.vocab = {term: col for col, term in enumerate(terms)}
        self.size = self.scores.shape[0]
        self.df = np.bincount(self.holds.indices, minlength=self.holds.shape[1])
        self.sentences: sparse.csr_matrix = sparse.load_npz(path / SENTENCES_FILE).tocsr()
        self.sentence_starts = np.load(path / SENTENCE_STARTS_FILE)

    def score(self, clauses: dict[str, float]) -> np.ndarray:
        """Σ weight × BM25F over the clauses' terms, for every entry (0 where none)."""
        cols = [self.vocab[t] for t in clauses if t in self.vocab]
        if not cols:
            return np.zeros(self.size, np.float32)
        weights = np.fromiter((clauses[t] for t in clauses if t in self.vocab), np.float32, len(cols))
        # `self.scores[:, cols] @ weights` read straight from the CSC arrays, summed in the same
        # order (column by column, in float32), so the same figures, without scipy's fancy indexing
        indptr = self.scores.indptr
        cols = np.asarray(cols)
        owner, flat = _ranges(indptr[cols], indptr[cols + 1] - indptr[cols])
        total = np.zeros(self.size, np.float32)
        np.add.at(total, self.scores.indices[flat], self.scores.data[flat] * weights[owner])
        return total

    def doc_freq(self, term: str) -> int:
        """How many entries hold `term` (word or word part)."""
        col = self.vocab.get("w:" + term)
        return int(self.df[col]) if col is not None else 0

    def together(self, a: str, b: str) -> bool:
        """Does some entry hold both words (or parts of words)?"""
        cols = [self.vocab.get("w:" + a), self.vocab.get("w:" + b)]
        if None in cols:
            return False
        held = (self.holds[:, cols] != 0).astype(np.int8)  # a rare call: only for a possible IME slip
        return bool((np.asarray(held.sum(axis=1)).ravel() == 2).any())

    def holding(self, rows: np.ndarray, terms: list[str], matrix: sparse.csr_matrix | None = None) -> np.ndarray:
        """(len(rows) × len(terms)) codes: WORD, PART or 0 for each candidate and term."""
        matrix = self.holds if matrix is None else matrix
        distinct = list(dict.fromkeys(terms))
        cols = np.fromiter((self.vocab.get(t, -1) for t in distinct), np.int64, len(distinct))
        if not len(rows) or not (cols >= 0).any():
            return np.zeros((len(rows), len(terms)), np.int8)
        # Read the rows' stored values straight from the CSR arrays: scipy's fancy indexing
        # (rows, then columns) builds two intermediate matrices and costs ~4x as much here.
        order = np.argsort(cols)
        wanted = cols[order]  # distinct, but for the -1s of unknown terms, which nothing matches
        starts = matrix.indptr[rows]
        counts = matrix.indptr[np.asarray(rows) + 1] - starts
        owner, flat = _ranges(starts, counts)
        found = matrix.indices[flat]
        at = np.minimum(np.searchsorted(wanted, found), len(wanted) - 1)
        hit = wanted[at] == found
        codes = np.zeros((len(rows), len(distinct)), np.int8)
        codes[owner[hit], order[at[hit]]] = matrix.data[flat[hit]]
        if len(distinct) == len(terms):
            return codes
        position = {t: i for i, t in enumerate(distinct)}
        return codes[:, [position[t] for t in terms]]

    def sentence_rows(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the answer-sentence rows of these entries, the position in `rows` each belongs to)."""
        starts = self.sentence_starts[rows]
        owners, sentences = _ranges(starts, self.sentence_starts[np.asarray(rows) + 1] - starts)
        return sentences.astype(np.int64), owners


def _ranges(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(which range, value) for every value of the ranges starts[i] .. starts[i]+counts[i]-1, in order."""
    owner = np.repeat(np.arange(len(starts)), counts)
    return owner, np.arange(int(counts.sum())) + np.repeat(starts - (np.cumsum(counts) - counts), counts)


def idf(n: int, df: float) -> float:
    """Rarity of a term held by `df` of `n` entries (coverage's word weight)."""
    return math.log((n + 1) / (df + 0.5))
