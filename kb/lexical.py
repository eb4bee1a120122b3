"""The first stage: every entry's analysed terms as sparse matrices, scored with numpy.

Whoosh scores a 100-clause question one posting at a time in Python; here the same
BM25F figures are computed once at build time and stored as one sparse matrix
(entries × terms), so a question's lexical score is one column slice and one
matrix-vector product. A second matrix holds which words and word parts each entry
contains, so coverage (search.py) is computed for many candidates at once.

Columns are namespaced: ``w:`` content words (and their A sub-units), ``b:`` character
bigrams, ``r:`` reading bigrams of words (kana-only questions). Field weights are baked
in at build time: a word in the question counts 3×, in an editor's alternate 2.5×,
in the answer 1×.
"""
from __future__ import annotations

import json
import math
from array import array
from pathlib import Path

import numpy as np
from scipy import sparse

from .analysis import analyze, char_bigrams, reading_bigrams, sentence_spans, text_reading_bigrams
from .textnorm import normalize

K1, B = 1.2, 0.75  # the usual BM25 constants (Whoosh's too)
RELATED_BOOST = 0.5  # titles of the FAQs an answer links to: near paraphrases (localgovFAQ R@1 +0.007)
WORD_FIELDS = {"question": 3.0, "alternates": 2.5, "answer": 1.0, "related": RELATED_BOOST}
BIGRAM_FIELDS = {"question": 0.6, "alternates": 0.6, "answer": 0.2}
READING_FIELD_BOOST = 1.0
COMMON_BIGRAM_SHARE = 0.2  # a bigram in more entries than this says nothing: not scored
WORD, PART = 1, 2  # codes in the containment matrix
SCORES_FILE, HOLDS_FILE, VOCAB_FILE = "lexical.npz", "holds.npz", "vocab.json"
SENTENCES_FILE, SENTENCE_STARTS_FILE = "sentence_holds.npz", "sentence_starts.npy"


def _field_tokens(text: str) -> tuple[list[str], list[str], list[str], set[str], set[str]]:
    """(word tokens, bigram tokens, reading tokens, words, parts) of one field's text."""
    morphs = analyze(text)
    words, tokens, readings = set(), [], []
    subs: set[str] = set()
    for m in morphs:
        tokens.append("w:" + m.term)
        words.add(m.term)
        for sub in m.subterms:
            if sub != m.term:
                tokens.append("w:" + sub)
                subs.add(sub)
        readings += ["r:" + g for g in reading_bigrams(m.reading)]
    bigrams = ["b:" + g for g, _, _ in char_bigrams(normalize(text))]
    return tokens, bigrams, readings, words, subs


class LexicalBuilder:
    """Collects entries' terms one by one; `write` turns them into the stored matrices."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.fields: dict[str, tuple[array, array, array, array]] = {}  # rows, cols, tf, length
        self.holds = (array("i"), array("i"), array("b"))  # rows, cols, WORD|PART
        self.sentence_holds = (array("i"), array("i"), array("b"))  # the same, one row per answer sentence
        self.sentence_starts = array("i", [0])  # entry e's sentences are rows starts[e]..starts[e+1]
        self.rows = 0

    def _id(self, term: str) -> int:
        return self.vocab.setdefault(term, len(self.vocab))

    def _add_field(self, name: str, row: int, tokens: list[str]) -> None:
        rows, cols, tfs, lengths = self.fields.setdefault(name, (array("i"), array("i"), array("f"), array("f")))
        counts: dict[int, int] = {}
        for token in tokens:
            col = self._id(token)
            counts[col] = counts.get(col, 0) + 1
        for col, tf in counts.items():
            rows.append(row)
            cols.append(col)
            tfs.append(tf)
        lengths.append(len(tokens))

    def add(self, question: str, alternates: str, answer: str, related: str = "") -> None:
        """Analyse one entry's texts (each once) and remember their terms. The titles of the
        FAQs its answer links to (`related`) are scored but not held: they are not what
        the entry says."""
        row = self.rows
        self.rows += 1
        words: set[str] = set()
        subs: set[str] = set()
        readings: list[str] = []
        for name, text in (("question", question), ("alternates", alternates), ("answer", answer), ("related", related)):
            tokens, bigrams, field_readings, field_words, field_subs = _field_tokens(text)
            self._add_field("w:" + name, row, tokens)
            if name == "related":
                continue
            self._add_field("b:" + name, row, bigrams)
            readings += field_readings
            words |= field_words
            subs |= field_subs
        self._add_field("r:all", row, readings)
        self._add_sentences(answer)
        cross_readings = {"r:" + g for text in (question, alternates, answer) for g in text_reading_bigrams(text)}
        rows, cols, codes = self.holds
        for term, code in [*((t, WORD) for t in words), *((t, PART) for t in subs - words)]:
            rows.append(row), cols.append(self._id("w:" + term)), codes.append(code)
        for gram in cross_readings:
            rows.append(row), cols.append(self._id(gram)), codes.append(WORD)

    def _add_sentences(self, answer: str) -> None:
        """Which words each answer sentence holds, from the answer's analysis (no new one):
        an entry whose one sentence says all the question asks is a better answer."""
        morphs = analyze(answer)
        rows, cols, codes = self.sentence_holds
        sentence = self.sentence_starts[-1]
        for start, end in sentence_spans(answer):
            inside = [m for m in morphs if start <= m.start < end]
            words = {m.term for m in inside}
            subs = {t for m in inside for t in m.subterms} - words
            for term, code in [*((t, WORD) for t in words), *((t, PART) for t in subs)]:
                rows.append(sentence), cols.append(self._id("w:" + term)), codes.append(code)
            sentence += 1
        self.sentence_starts.append(sentence)

    def write(self, target: Path) -> None:
        """Store the BM25F score matrix, the containment matrix and the vocabulary."""
        shape = (self.rows, len(self.vocab))
        boosts = {f"w:{k}": v for k, v in WORD_FIELDS.items()}
        boosts |= {f"b:{k}": v for k, v in BIGRAM_FIELDS.items()}
        boosts["r:all"] = READING_FIELD_BOOST
        scores = sparse.csc_matrix(shape, dtype=np.float32)
        while self.fields:  # one field at a time, its raw arrays freed as it is added
            name, arrays = self.fields.popitem()
            rows, cols, values = _bm25(*(np.frombuffer(a, t) for a, t in zip(arrays, (np.int32, np.int32, np.float32, np.float32))),
                                       shape, boosts[name])
            del arrays
            scores = scores + sparse.csc_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)
            del rows, cols, values
        sparse.save_npz(target / SCORES_FILE, _drop_common_bigrams(scores, self.vocab))
        rows, cols, codes = (np.frombuffer(a, t) for a, t in zip(self.holds, (np.int32, np.int32, np.int8)))
        holds = sparse.csr_matrix((codes, (rows, cols)), shape=shape, dtype=np.int8)
        sparse.save_npz(target / HOLDS_FILE, holds)
        rows, cols, codes = (np.frombuffer(a, t) for a, t in zip(self.sentence_holds, (np.int32, np.int32, np.int8)))
        sentences = sparse.csr_matrix((codes, (rows, cols)), shape=(self.sentence_starts[-1], shape[1]), dtype=np.int8)
        sparse.save_npz(target / SENTENCES_FILE, sentences)
        np.save(target / SENTENCE_STARTS_FILE, np.frombuffer(self.sentence_starts, np.int32))
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (target / VOCAB_FILE).write_text(json.dumps(terms, ensure_ascii=False), "utf-8")


def _bm25(rows, cols, tfs, lengths, shape, boost: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rows, cols, boost × BM25 contribution) of one field's (entry, term) pairs."""
    n = shape[0]
    df = np.bincount(cols, minlength=shape[1]).astype(np.float32)
    idf = np.log1p((n - df + 0.5) / (df + 0.5))
    average = max(float(lengths.mean()), 1.0) if len(lengths) else 1.0
    norm = K1 * (1 - B + B * lengths[rows] / average)
    values = boost * idf[cols] * tfs * (K1 + 1) / (tfs + norm)
    return rows, cols, values.astype(np.float32)


def _drop_common_bigrams(scores: sparse.csc_matrix, vocab: dict[str, int]) -> sparse.csc_matrix:
    """Zero the columns of bigrams most entries hold (です, ます): many postings, no signal."""
    df = np.diff(scores.indptr)
    limit = max(COMMON_BIGRAM_SHARE * scores.shape[0], 50)
    common = [col for term, col in vocab.items() if term.startswith("b:") and df[col] > limit]
    if common:
        keep = np.ones(scores.shape[1], np.float32)
        keep[common] = 0
        scores.data *= np.repeat(keep, df)  # CSC: column j's values are data[indptr[j]:indptr[j+1]]
        scores.eliminate_zeros()
    return scores


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
        return self.scores[:, cols] @ weights

    def doc_freq(self, term: str) -> int:
        """How many entries hold `term` (word or word part)."""
        col = self.vocab.get("w:" + term)
        return int(self.df[col]) if col is not None else 0

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
