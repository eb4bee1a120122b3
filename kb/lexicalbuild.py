"""Turn analysed entries into the first stage's stored matrices (read by kb/lexical.py).

Terms get matrix columns in the order entries arrive, so the same content gives the same
files however many processes analysed it. Each field's (term, count) pairs are kept row
by row in compact arrays; the BM25F figures need the whole corpus (document frequencies,
average length), so they are computed at the end, a block of rows at a time, and the
fields are summed in a fixed order (the same float32 sums every time).
"""
from __future__ import annotations

import json
from array import array
from pathlib import Path

import numpy as np
from scipy import sparse

from .entryanalysis import AnalysedEntry, Terms, split_terms
from .lexical import (B, BIGRAM_FIELDS, COMMON_BIGRAM_SHARE, HOLDS_FILE, K1, READING_FIELD_BOOST, SCORES_FILE,
                      SENTENCE_STARTS_FILE, SENTENCES_FILE, VOCAB_FILE, WORD_FIELDS)
from .wordgroups import write_word_groups
from .readings import write_word_readings

# matrix fields in the order they are summed last to first (the float32 sums depend on it)
FIELD_ORDER = ("w:question", "b:question", "w:alternates", "b:alternates", "w:answer", "b:answer",
               "w:related", "r:all")
BOOSTS = {**{f"w:{k}": v for k, v in WORD_FIELDS.items()}, **{f"b:{k}": v for k, v in BIGRAM_FIELDS.items()},
          "r:all": READING_FIELD_BOOST}
ROW_BLOCK = 8192  # rows scored at a time: bounds the temporary arrays at 100k entries


class _Rows:
    """A sparse matrix built one row at a time: columns, values and row ends."""

    def __init__(self, value_type: str):
        self.cols, self.values, self.ends = array("i"), array(value_type), array("q", [0])

    def add(self, cols: list[int], values: bytes) -> None:
        self.cols.extend(cols)
        self.values.frombytes(values)
        self.ends.append(len(self.cols))

    def csr(self, columns: int, dtype) -> sparse.csr_matrix:
        """The rows as a canonical CSR matrix (columns sorted within each row); frees the arrays."""
        indptr = np.frombuffer(self.ends, np.int64)
        matrix = sparse.csr_matrix((np.frombuffer(self.values, dtype), np.frombuffer(self.cols, np.int32), indptr),
                                   shape=(len(indptr) - 1, columns))
        matrix.sort_indices()
        self.cols, self.values, self.ends = array("i"), array(self.values.typecode), array("q", [0])
        return matrix


class LexicalBuilder:
    """Collects analysed entries in order; `write` turns them into the stored matrices."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.fields = {name: _Rows("H") for name in FIELD_ORDER}  # term counts per entry
        self.lengths = {name: array("f") for name in FIELD_ORDER}  # tokens per entry
        self.holds = _Rows("b")  # WORD or PART per (entry, term)
        self.sentence_holds = _Rows("b")  # the same, one row per answer sentence
        self.sentence_starts = array("i", [0])  # entry e's sentences are rows starts[e]..starts[e+1]
        self.rows = 0

    def _ids(self, terms) -> list[int]:
        """Column of each term, new terms numbered in the order they come."""
        vocab = self.vocab
        ids = list(map(vocab.get, terms))
        if None in ids:
            ids = [vocab.setdefault(term, len(vocab)) if col is None else col for term, col in zip(terms, ids)]
        return ids

    def add(self, entry: AnalysedEntry) -> None:
        """Remember one entry's terms as the next row."""
        for name in FIELD_ORDER:
            (terms, counts), length = entry.fields[name]
            self.fields[name].add(self._ids(split_terms(terms)), counts)
            self.lengths[name].append(length)
        self._add_held(self.holds, entry.holds)
        for sentence in entry.sentences:
            self._add_held(self.sentence_holds, sentence)
        self.sentence_starts.append(self.sentence_starts[-1] + len(entry.sentences))
        self.rows += 1

    def _add_held(self, rows: _Rows, held: Terms) -> None:
        terms, codes = held
        rows.add(self._ids(split_terms(terms)), codes)

    def write(self, target: Path) -> None:
        """Store the containment matrices, the BM25F score matrix, the vocabulary and its
        words' synonym groups."""
        columns = len(self.vocab)
        # uncompressed: deflating them took 7 % of a build, and they load faster as they are
        sparse.save_npz(target / HOLDS_FILE, self.holds.csr(columns, np.int8), compressed=False)
        sparse.save_npz(target / SENTENCES_FILE, self.sentence_holds.csr(columns, np.int8), compressed=False)
        np.save(target / SENTENCE_STARTS_FILE, np.frombuffer(self.sentence_starts, np.int32))
        sparse.save_npz(target / SCORES_FILE, self._scores(), compressed=False)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (target / VOCAB_FILE).write_text(json.dumps(terms, ensure_ascii=False), "utf-8")
        words = [term[2:] for term in terms if term.startswith("w:")]
        write_word_groups(target, words)
        write_word_readings(target, words)

    def _scores(self) -> sparse.csc_matrix:
        """Σ over fields of boost × BM25, entries × terms, without the common bigrams."""
        columns = len(self.vocab)
        fields = {name: _FieldScorer(self.fields[name].csr(columns, np.uint16),
                                     np.frombuffer(self.lengths[name], np.float32), BOOSTS[name])
                  for name in FIELD_ORDER}
        blocks = []
        for start in range(0, self.rows, ROW_BLOCK):
            stop = min(start + ROW_BLOCK, self.rows)
            block = None
            for name in reversed(FIELD_ORDER):
                part = fields[name].scores(start, stop)
                block = part if block is None else block + part
            blocks.append(block)
        del fields
        scores = sparse.vstack(blocks, format="csr") if blocks else sparse.csr_matrix((0, columns), dtype=np.float32)
        del blocks
        _drop_common_bigrams(scores, self.vocab)
        return scores.tocsc()


class _FieldScorer:
    """One field's counts and corpus figures: boost × BM25 of any block of rows."""

    def __init__(self, counts: sparse.csr_matrix, lengths: np.ndarray, boost: float):
        rows, columns = counts.shape
        df = np.bincount(counts.indices, minlength=columns).astype(np.float32)
        self.idf = np.log1p((rows - df + 0.5) / (df + 0.5))
        self.average = max(float(lengths.mean()), 1.0) if len(lengths) else 1.0
        self.counts, self.lengths, self.boost = counts, lengths, boost

    def scores(self, start: int, stop: int) -> sparse.csr_matrix:
        """boost × BM25 contribution of rows start..stop (a CSR block)."""
        block = self.counts[start:stop]
        tfs = block.data.astype(np.float32)
        rows = np.repeat(np.arange(start, stop), np.diff(block.indptr))
        norm = K1 * (1 - B + B * self.lengths[rows] / self.average)
        values = self.boost * self.idf[block.indices] * tfs * (K1 + 1) / (tfs + norm)
        return sparse.csr_matrix((values.astype(np.float32), block.indices, block.indptr), shape=block.shape)


def _drop_common_bigrams(scores: sparse.csr_matrix, vocab: dict[str, int]) -> None:
    """Remove the bigrams most entries hold (です, ます): many postings, no signal."""
    df = np.bincount(scores.indices, minlength=scores.shape[1])
    limit = max(COMMON_BIGRAM_SHARE * scores.shape[0], 50)
    common = [col for term, col in vocab.items() if term.startswith("b:") and df[col] > limit]
    if common:
        keep = np.ones(scores.shape[1], np.float32)
        keep[common] = 0
        scores.data *= keep[scores.indices]
        scores.eliminate_zeros()
