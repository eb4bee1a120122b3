"""Open a built index and rank entries for a question.

Ranking is two-stage: BM25F over the analysed terms (kb/lexical.py) and, when the index
has entry vectors, semantic similarity find candidates; then each candidate is re-scored
by *coverage* (how much of the question — its content words, weighted, synonyms allowed —
the entry actually talks about), fused with both first-stage scores (kb/ranking.py).
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .analysis import JapaneseTokenizer, reading_bigrams
from .blas import matmul
from .encoder import shared_encoder
from .errors import IndexCorrupt, IndexNotFound
from .furniture import without_furniture
from .indexer import INDEX_FORMAT, VERSIONS_DIR, current_version_path
from .lexical import PART, WORD, LexicalIndex, idf
from .models import Document, Entry
from .query import ParsedQuery, QueryWord, add_noun_forms, add_sound_alikes, lexical_clauses, parse_query
from .readings import katakana_by_length, read_word_readings, sound_alikes, with_synonym_words
from .ranking import fuse, uses_sentences
from .suggest import suggest_entries
from .synonyms import parse_synonyms
from .textnorm import normalize, to_katakana
from .vectors import EntryVectors, question_vector
from .wordgroups import read_word_groups

CANDIDATES = 50  # re-scored by coverage (and meaning); the rest keep their BM25 order
KANA_MATCH = 0.75  # share of a kana word's reading bigrams an entry must hold
NOUN_WEIGHT = 1.0
PART_MATCH = 0.65  # the word is only part of a longer one in the entry (写真 in 顔写真)
SYNONYM_MATCH = 0.9  # the entry has a synonym, not the word itself
UNKNOWN_DF = 0.5  # the document frequency given to a word no entry holds
LEXICAL_EVIDENCE = 0.1  # a BM25F share below this is a stray character bigram, not a word


def _index_dir(version_path: Path) -> Path:
    """The index folder a version folder belongs to: what `kb build --index` takes."""
    return version_path.parent.parent if version_path.parent.name == VERSIONS_DIR else version_path


def word_keys(word: QueryWord) -> list[str]:
    """The containment columns `word_matches` looks at for `word`."""
    keys = ["w:" + word.term, *("w:" + t for t in word.subterms)]
    keys += ["w:" + t for group in word.found_by for t in group]
    if word.kana:
        keys += ["r:" + g for g in reading_bigrams(word.reading)]
    return keys


def word_matches(word: QueryWord, holds: dict[str, np.ndarray]) -> np.ndarray:
    """How far (0–1) each candidate holds `word`, from its containment codes."""
    term = holds["w:" + word.term]
    match = np.where(term == WORD, 1.0, 0.0)
    if word.kana:
        grams = reading_bigrams(word.reading)
        if grams:
            share = sum((holds["r:" + g] > 0).astype(np.float32) for g in grams) / len(grams)
            match = np.maximum(match, np.where(share >= KANA_MATCH, 1.0, 0.0))
    for group in word.found_by:
        if group:
            has_all = np.logical_and.reduce([holds["w:" + t] > 0 for t in group])
            match = np.maximum(match, np.where(has_all, SYNONYM_MATCH, 0.0))
    match = np.maximum(match, np.where(term == PART, PART_MATCH, 0.0))
    if word.subterms:
        found = sum((holds["w:" + t] > 0).astype(np.float32) for t in word.subterms)
        # every piece counts, stop words too: 申請方法 is not half 申請
        match = np.maximum(match, 0.5 * found / max(word.pieces, len(word.subterms)))
    return match.astype(np.float32)


def _best_first(rows: np.ndarray, scores: np.ndarray, count: int | None) -> np.ndarray:
    """`rows` by descending score; only the first `count` when given (no full sort)."""
    if count is not None and len(rows) > count:
        rows = rows[np.argpartition(-scores[rows], count - 1)[:count]]
    return rows[np.argsort(-scores[rows], kind="stable")]


def _fold(text: str) -> str:
    """Normalised, kana folded to katakana, no spaces: for matching typed prefixes."""
    return to_katakana(normalize(text)).replace(" ", "")


@dataclass
class Signals:
    """What the first-stage rankings said on their own, over every entry (entries.json
    order): BM25F scores, cosine similarities and the question's vector (None without
    the semantic signal)."""

    bm25: np.ndarray | None = None
    similarity: np.ndarray | None = None
    vector: np.ndarray | None = None


@dataclass(frozen=True)
class Hit:
    """An entry found for a question, with its scores."""

    entry: Entry
    score: float  # what the ranking used: coverage + BM25 share
    coverage: float  # 0..1, weighted share of the question the entry covers
    noun_matches: float  # weight of the question's nouns the entry holds
    similarity: float | None = None  # cosine similarity of question and entry, if used
    lexical: float = 0.0  # BM25F score over the best one's: 0 when no word of the question is in it

    @property
    def has_words(self) -> bool:
        """Does the entry hold anything of the question (a word, a part of one, a reading,
        a synonym), rather than being found by meaning alone?"""
        return self.coverage > 0 or self.lexical >= LEXICAL_EVIDENCE

    def to_dict(self) -> dict:
        """ENTRY + score, as the CLI and API print hits."""
        return {**self.entry.to_dict(), "score": round(self.score, 4), "coverage": round(self.coverage, 4)}


class KnowledgeBase:
    """One loaded index version: entries, their term matrices, synonym rules."""

    def __init__(self, path: Path):
        self.path = path
        try:
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            records = json.loads((path / "entries.json").read_text("utf-8"))
            if meta.get("format") != INDEX_FORMAT:
                raise IndexCorrupt(_index_dir(path), f"format {meta.get('format')}, this program reads {INDEX_FORMAT}")
            self.lexical = LexicalIndex(path)
            self.vectors = EntryVectors.open(path)  # None when built without the semantic signal
            self.word_groups = read_word_groups(path)  # dictionary synonyms among this index's words
            self._index_readings = read_word_readings(path, self.lexical.doc_freq)  # nouns by sound (kb/readings.py)
        except (OSError, ValueError, KeyError, zipfile.BadZipFile) as error:
            raise IndexCorrupt(_index_dir(path), f"{path.name}: {type(error).__name__}: {error}") from None
        self.version: str = meta["version"]
        self.built_at: str = meta["built_at"]
        self.content_hash: str | None = meta.get("content_hash")  # None for versions built before it
        self.documents = {d["id"]: Document(**d) for d in meta["documents"]}
        self.rules = parse_synonyms(meta["synonyms"])
        self.readings = with_synonym_words(self._index_readings, self.rules)
        self._katakana_words = katakana_by_length(self._index_readings)
        self.city: dict = meta.get("city", {})  # curated.toml [city]: default contact, starters
        self.entries: dict[str, Entry] = {}
        self._ids: list[str] = []
        self._suggest_keys: dict[str, tuple[str, ...]] = {}
        for record in records:
            entry = Entry.from_dict(record["entry"])
            self.entries[entry.id] = entry
            self._ids.append(entry.id)
            self._suggest_keys[entry.id] = (
                *(_fold(text) for text in (entry.question, *entry.alternates)),
                record["question_reading"],
            )
        if len(self._ids) != self.lexical.size:
            raise IndexCorrupt(_index_dir(path), f"{path.name}: {len(self._ids)} entries, {self.lexical.size} rows")
        self._row = {entry_id: row for row, entry_id in enumerate(self._ids)}
        self._topic_counts: dict[str, int] | None = None
        self._masks: dict[tuple[str, str], np.ndarray] = {}  # filter → rows kept, built on first use

    @classmethod
    def open(cls, index_dir: Path | str) -> "KnowledgeBase":
        """Open the version `index_dir/current` points at."""
        version = current_version_path(index_dir)
        if version is None:
            raise IndexNotFound(index_dir)
        return cls(version)

    def close(self) -> None:
        """Nothing to release: the matrices are plain memory."""

    def topics(self) -> dict[str, int]:
        """Every topic tag with how many entries carry it (counted once per version)."""
        if self._topic_counts is None:
            counts: dict[str, int] = {}
            for entry in self.entries.values():
                for topic in entry.topics:
                    counts[topic] = counts.get(topic, 0) + 1
            self._topic_counts = dict(sorted(counts.items()))
        return dict(self._topic_counts)

    def parse(self, question: str) -> ParsedQuery:
        """The question analysed and expanded with this index's synonym rules and dictionary synonyms."""
        known = self.lexical.doc_freq
        parsed = parse_query(question, self.rules, self.word_groups, self.readings, known, self.lexical.together)
        add_noun_forms(parsed, known)
        add_sound_alikes(parsed, known, lambda word: sound_alikes(word.term, self._katakana_words))
        return parsed

    def search(self, question: str | ParsedQuery, limit: int | None = 10,
               topic: str | None = None, document: str | None = None, semantic: bool = True,
               signals: Signals | None = None) -> list[Hit]:
        """Entries for `question`, best first (optionally only one topic or document;
        `semantic=False` skips the encoder, for suggestions on every keystroke). Given
        `signals`, it is filled with what each first-stage ranking said on its own (for
        the answer decision, kb/evidence.py)."""
        parsed = question if isinstance(question, ParsedQuery) else self.parse(question)
        if not parsed.words and not parsed.bigrams:
            return []
        scores = self.lexical.score(lexical_clauses(parsed))
        vector = self.question_vector(parsed.read_as) if semantic else None
        similarity = None if vector is None else self.vectors.similarities(vector)
        if signals is not None:
            signals.bm25, signals.similarity, signals.vector = scores, similarity, vector
        keep = self._filter_mask(topic, document) if topic or document else None
        if keep is not None:
            scores = scores * keep
        found = np.flatnonzero(scores > 0)
        if similarity is not None:  # the semantic signal also brings candidates of its own
            ranked_by_meaning = np.argsort(-similarity)[:CANDIDATES]
            if keep is not None:
                ranked_by_meaning = ranked_by_meaning[keep[ranked_by_meaning] > 0]
            found = np.union1d(found, ranked_by_meaning)
        if not len(found):
            return []
        top = float(scores[found].max()) or 1.0
        by_score = _best_first(found, scores, None if limit is None else max(limit, CANDIDATES))
        candidates = np.union1d(by_score[:CANDIDATES], ranked_by_meaning) if similarity is not None else by_score[:CANDIDATES]
        # lexical only: the candidates are the first CANDIDATES of by_score (distinct rows)
        tail = by_score[~np.isin(by_score, candidates)] if similarity is not None else by_score[CANDIDATES:]
        coverage, nouns = self.coverages(parsed, candidates)
        sentence = self.sentence_coverages(parsed, candidates) if uses_sentences(similarity is not None) else 0.0
        ranked = fuse(coverage, sentence, scores[candidates] / top, None if similarity is None else similarity[candidates])
        order = np.argsort(-ranked, kind="stable")[:limit]  # Hits made for the ones returned only
        hits = [Hit(self.entries[self._ids[candidates[i]]], float(ranked[i]), float(coverage[i]), float(nouns[i]),
                    None if similarity is None else float(similarity[candidates[i]]), float(scores[candidates[i]]) / top)
                for i in order]
        if limit is not None and limit <= len(candidates):
            return hits
        tail = tail if limit is None else tail[: limit - len(hits)]
        floor = float(ranked.min()) if len(ranked) else 0.0
        return hits + [Hit(self.entries[self._ids[row]], floor * float(scores[row]) / top, 0.0, 0.0, None,
                           float(scores[row]) / top) for row in tail]

    def similarities(self, text: str) -> np.ndarray | None:
        """Cosine similarity of `text` to each entry (raw, so its scale does not depend on
        how many entries there are); None when this version has no vectors or the encoder
        that made them is not loaded."""
        vector = self.question_vector(text)
        return None if vector is None else self.vectors.similarities(vector)

    def question_vector(self, text: str) -> np.ndarray | None:
        """`text` embedded as a question, without its frame (kb/furniture.py); None when
        this version has no vectors or the encoder that made them is not loaded."""
        encoder = shared_encoder() if self.vectors is not None else None
        return question_vector(self.vectors, encoder, without_furniture(text))

    def _filter_mask(self, topic: str | None, document: str | None) -> np.ndarray:
        keep = np.ones(len(self._ids), np.float32)
        if topic:
            keep *= self._mask("topic", topic, lambda e: topic in e.topics)
        if document:
            keep *= self._mask("document", document, lambda e: e.source.document_id == document)
        return keep

    def _mask(self, kind: str, value: str, wanted) -> np.ndarray:
        """1 for the rows whose entry is `wanted`, built once per filter value (values
        come from requests: an unknown one is not remembered)."""
        known = self.topics() if kind == "topic" else self.documents
        if value not in known:
            return np.zeros(len(self._ids), np.float32)
        if (kind, value) not in self._masks:
            self._masks[kind, value] = np.array([wanted(self.entries[i]) for i in self._ids], np.float32)
        return self._masks[kind, value]

    def idf(self, term: str) -> float:
        """How much finding `term` tells entries apart. A word no entry holds counts as
        rarer still: a question about something the KB never mentions is not answered."""
        return idf(len(self._ids), self.lexical.doc_freq(term) or UNKNOWN_DF)

    def word_weight(self, word: QueryWord) -> float:
        """Part-of-speech weight times rarity in this knowledge base."""
        return word.weight * self.idf(word.term)

    def word_matches(self, parsed: ParsedQuery, rows: np.ndarray, matrix=None) -> tuple[np.ndarray, np.ndarray]:
        """(each question word's weight, rows × words matrix of how far each entry holds it;
        rows of `matrix` instead when given, e.g. the answer sentences)."""
        weights = np.array([self.word_weight(w) for w in parsed.words], np.float32)
        if not len(parsed.words) or not len(rows):
            return weights, np.zeros((len(rows), len(parsed.words)), np.float32)
        needed = list(dict.fromkeys(t for w in parsed.words for t in word_keys(w)))
        codes = self.lexical.holding(rows, needed, matrix)
        column = {t: codes[:, i] for i, t in enumerate(needed)}
        return weights, np.stack([word_matches(w, column) for w in parsed.words], axis=1)

    def sentence_coverages(self, parsed: ParsedQuery, rows: np.ndarray) -> np.ndarray:
        """For each entry row: the best coverage of the question by one answer sentence."""
        sentences, owners = self.lexical.sentence_rows(rows)
        weights, matches = self.word_matches(parsed, sentences, self.lexical.sentences)
        best = np.zeros(len(rows), np.float32)
        total = float(weights.sum())
        if total and len(sentences):
            np.maximum.at(best, owners, matmul(matches, weights) / total)
        return best

    def coverages(self, parsed: ParsedQuery, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each entry row: (weighted share of the question's words it holds, matched noun weight)."""
        weights, matches = self.word_matches(parsed, rows)
        total = float(weights.sum())
        if not total:
            return np.zeros(len(rows), np.float32), np.zeros(len(rows), np.float32)
        nouns = matches[:, [w.weight >= NOUN_WEIGHT for w in parsed.words]].sum(axis=1)
        return matmul(matches, weights) / total, nouns

    def row(self, entry_id: str) -> int:
        """The entry's row in the term matrices."""
        return self._row[entry_id]

    def is_known(self, word: QueryWord) -> bool:
        """Does any entry hold this word or a curated synonym of it? (Not a dictionary
        synonym: those are too loose — 交付 ~ 給付 — to vouch that the KB talks about it.)"""
        return bool(self.lexical.doc_freq(word.term)) or any(
            self.lexical.doc_freq(t) for group in word.expansions for t in group)

    def suggest(self, text: str, limit: int = 8) -> list[Entry]:
        """Questions that start with or contain what has been typed (kana too), then what
        search finds for it (synonyms, kana readings)."""
        return suggest_entries(text, self._suggest_keys, self.entries, lambda t: self.search(t, limit=limit, semantic=False), limit)

    def highlight_spans(self, text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
        """Verbatim (start, end) spans of `text` that match the question's words."""
        wanted = {w.term for w in parsed.words}
        for w in parsed.words:
            wanted.update(w.subterms)
            wanted.update(t for group in w.found_by for t in group)
        spans = []
        for token in JapaneseTokenizer()(text, chars=True):
            if token.text in wanted and (not spans or token.startchar >= spans[-1][1]):
                spans.append((token.startchar, token.endchar))
        return spans
