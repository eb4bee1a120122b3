"""Open a built index and rank entries for a question.

Ranking is two-stage: Whoosh BM25F over every field finds candidates, then each
candidate is re-scored by *coverage*: how much of the question (its content words,
weighted, synonyms allowed) the entry actually talks about. Coverage is also what the
answer decision trusts, because a BM25 score means nothing on its own.
"""
from __future__ import annotations

import json
import math
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.query import And, Term

from .analysis import JapaneseTokenizer, reading_bigrams
from .errors import IndexCorrupt, IndexNotFound
from .indexer import INDEX_FORMAT, VERSIONS_DIR, current_version_path
from .models import Document, Entry
from .query import ParsedQuery, QueryWord, parse_query, whoosh_query
from .synonyms import parse_synonyms
from .textnorm import normalize, to_katakana
from .versioncheck import open_whoosh_in_memory

CANDIDATES = 50  # re-scored by coverage; the rest keep their BM25 order
BM25_SHARE = 0.35  # weight of the (max-normalised) BM25 score next to coverage
KANA_MATCH = 0.75  # share of a kana word's reading bigrams an entry must hold
NOUN_WEIGHT = 1.0
PART_MATCH = 0.65  # the word is only part of a longer one in the entry (写真 in 顔写真)
SYNONYM_MATCH = 0.9  # the entry has a synonym, not the word itself
UNKNOWN_DF = 0.5  # the document frequency given to a word no entry holds


def _index_dir(version_path: Path) -> Path:
    """The index folder a version folder belongs to: what `kb build --index` takes."""
    return version_path.parent.parent if version_path.parent.name == VERSIONS_DIR else version_path


def word_match(word: QueryWord, terms, parts, readings) -> float:
    """How far (0–1) a text with these words, word parts and reading bigrams holds `word`."""
    if word.term in terms:
        return 1.0
    if word.kana:
        grams = reading_bigrams(word.reading)
        if grams and sum(g in readings for g in grams) / len(grams) >= KANA_MATCH:
            return 1.0
    if any(all(t in terms or t in parts for t in group) for group in word.expansions):
        return SYNONYM_MATCH
    if word.term in parts:
        return PART_MATCH
    if word.subterms:
        found = sum(t in terms or t in parts for t in word.subterms)
        # every piece counts, stop words too: 申請方法 is not half 申請
        return 0.5 * found / max(word.pieces, len(word.subterms))
    return 0.0


def _fold(text: str) -> str:
    """Normalised, kana folded to katakana, no spaces: for matching typed prefixes."""
    return to_katakana(normalize(text)).replace(" ", "")


@dataclass(frozen=True)
class Hit:
    """An entry found for a question, with its scores."""

    entry: Entry
    score: float  # what the ranking used: coverage + BM25 share
    coverage: float  # 0..1, weighted share of the question the entry covers
    noun_matches: float  # weight of the question's nouns the entry holds

    def to_dict(self) -> dict:
        """ENTRY + score, as the CLI and API print hits."""
        return {**self.entry.to_dict(), "score": round(self.score, 4), "coverage": round(self.coverage, 4)}


class KnowledgeBase:
    """One loaded index version: Whoosh searcher, entries, synonym rules."""

    def __init__(self, path: Path):
        self.path = path
        try:
            meta = json.loads((path / "meta.json").read_text("utf-8"))
            records = json.loads((path / "entries.json").read_text("utf-8"))
            self._index = open_whoosh_in_memory(path / "whoosh")
            self._searcher = self._index.searcher()
        except (OSError, ValueError, KeyError, whoosh_index.IndexError) as error:
            raise IndexCorrupt(_index_dir(path), f"{path.name}: {type(error).__name__}: {error}") from None
        if meta.get("format") != INDEX_FORMAT:
            raise IndexCorrupt(_index_dir(path), f"format {meta.get('format')}, this program reads {INDEX_FORMAT}")
        self._lock = threading.Lock()
        self.version: str = meta["version"]
        self.built_at: str = meta["built_at"]
        self.documents = {d["id"]: Document(**d) for d in meta["documents"]}
        self.rules = parse_synonyms(meta["synonyms"])
        self.entries: dict[str, Entry] = {}
        self._terms: dict[str, frozenset[str]] = {}
        self._parts: dict[str, frozenset[str]] = {}
        self._readings: dict[str, frozenset[str]] = {}
        self._suggest_keys: dict[str, tuple[str, ...]] = {}
        for record in records:
            entry = Entry.from_dict(record["entry"])
            self.entries[entry.id] = entry
            self._terms[entry.id] = frozenset(record["terms"])
            self._parts[entry.id] = frozenset(record["parts"])
            self._readings[entry.id] = frozenset(record["readings"])
            self._suggest_keys[entry.id] = (
                *(_fold(text) for text in (entry.question, *entry.alternates)),
                record["question_reading"],
            )
        self._df = Counter(t for terms in self._terms.values() for t in terms)
        self._df.update(t for parts in self._parts.values() for t in parts)

    @classmethod
    def open(cls, index_dir: Path | str) -> "KnowledgeBase":
        """Open the version `index_dir/current` points at."""
        version = current_version_path(index_dir)
        if version is None:
            raise IndexNotFound(index_dir)
        return cls(version)

    def close(self) -> None:
        """Release the Whoosh searcher's files."""
        self._searcher.close()

    def topics(self) -> dict[str, int]:
        """Every topic tag with how many entries carry it."""
        counts: dict[str, int] = {}
        for entry in self.entries.values():
            for topic in entry.topics:
                counts[topic] = counts.get(topic, 0) + 1
        return dict(sorted(counts.items()))

    def parse(self, question: str) -> ParsedQuery:
        """The question analysed and expanded with this index's synonym rules."""
        return parse_query(question, self.rules)

    def search(self, question: str | ParsedQuery, limit: int | None = 10,
               topic: str | None = None, document: str | None = None) -> list[Hit]:
        """Entries for `question`, best first (optionally only one topic or document)."""
        parsed = question if isinstance(question, ParsedQuery) else self.parse(question)
        if not parsed.words and not parsed.bigrams:
            return []
        filters = [Term("topics", topic)] if topic else []
        filters += [Term("document", document)] if document else []
        # Only the candidates are re-scored; fetch everything only when all is wanted.
        fetch = None if limit is None or limit > CANDIDATES else CANDIDATES
        with self._lock:  # a Whoosh searcher reads shared file handles: one search at a time
            results = self._searcher.search(
                whoosh_query(parsed), limit=fetch, filter=And(filters) if filters else None
            )
            scored = [(r["id"], r.score) for r in results]
        if not scored:
            return []
        top = max(score for _, score in scored) or 1.0
        hits = [self._hit(parsed, entry_id, bm25 / top) for entry_id, bm25 in scored[:CANDIDATES]]
        hits.sort(key=lambda h: -h.score)
        tail = [Hit(self.entries[i], BM25_SHARE * s / top, 0.0, 0.0) for i, s in scored[CANDIDATES:]]
        found = hits + tail
        return found if limit is None else found[:limit]

    def _hit(self, parsed: ParsedQuery, entry_id: str, bm25: float) -> Hit:
        coverage, nouns = self.coverage(parsed, entry_id)
        return Hit(self.entries[entry_id], coverage + BM25_SHARE * bm25, coverage, nouns)

    def idf(self, term: str) -> float:
        """How much finding `term` tells entries apart. A word no entry holds counts as
        rarer still: a question about something the KB never mentions is not answered."""
        n = len(self.entries)
        return math.log((n + 1) / (self._df.get(term, UNKNOWN_DF) + 0.5))

    def word_weight(self, word: QueryWord) -> float:
        """Part-of-speech weight times rarity in this knowledge base."""
        return word.weight * self.idf(word.term)

    def coverage(self, parsed: ParsedQuery, entry_id: str) -> tuple[float, float]:
        """(weighted share of the question's words the entry holds, matched noun weight)."""
        weights = [self.word_weight(w) for w in parsed.words]
        total = sum(weights)
        if not total:
            return 0.0, 0.0
        terms = self._terms[entry_id], self._parts[entry_id], self._readings[entry_id]
        matches = [word_match(w, *terms) for w in parsed.words]
        covered = sum(weight * m for weight, m in zip(weights, matches))
        nouns = sum(m for w, m in zip(parsed.words, matches) if w.weight >= NOUN_WEIGHT)
        return covered / total, nouns

    def suggest(self, text: str, limit: int = 8) -> list[Entry]:
        """Questions that start with, or contain, what has been typed so far (kana too)."""
        typed = _fold(text)
        if not typed:
            return []
        ranked = []
        for entry_id, keys in self._suggest_keys.items():
            positions = [key.find(typed) for key in keys if typed in key]
            if positions:
                entry = self.entries[entry_id]
                ranked.append((min(positions) > 0, len(entry.question), entry_id))
        return [self.entries[entry_id] for *_, entry_id in sorted(ranked)[:limit]]

    def highlight_spans(self, text: str, parsed: ParsedQuery) -> list[tuple[int, int]]:
        """Verbatim (start, end) spans of `text` that match the question's words."""
        wanted = {w.term for w in parsed.words}
        for w in parsed.words:
            wanted.update(w.subterms)
            wanted.update(t for group in w.expansions for t in group)
        spans = []
        for token in JapaneseTokenizer()(text, chars=True):
            if token.text in wanted and (not spans or token.startchar >= spans[-1][1]):
                spans.append((token.startchar, token.endchar))
        return spans
