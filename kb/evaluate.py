"""Retrieval and decision figures for a query file.

Two formats are read: the seed's dev queries `{"qid","query","relevant_items"}` (item
numbers as published, "overview" for the overview; empty = the KB has no answer) and
localgovFAQ's `{"query_id","query","relevant"}` (FAQ table ids).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .answer import ask
from .search import KnowledgeBase


@dataclass(frozen=True)
class Query:
    """One evaluation question and the items that answer it (empty: none)."""

    qid: str
    text: str
    relevant: tuple[str, ...]
    kind: str  # the kind of document the item numbers refer to
    best: tuple[str, ...] = ()  # the most relevant items (localgovFAQ grade 2); all if ungraded


@dataclass(frozen=True)
class Scores:
    """The figures `kb eval` prints."""

    queries: int
    answerable: int
    recall_at_1: float  # share of questions with a most relevant item that get one first
    mrr_at_10: float
    recall_at_10: float  # mean share of a question's relevant items in the first ten hits
    no_answer_accuracy: float | None  # share of unanswerable questions told "no answer"
    answered_correctly: float  # share of answerable questions answered with a relevant entry
    false_answers: int  # unanswerable questions given an answer anyway


def read_queries(path: Path | str) -> list[Query]:
    """Queries of either supported format."""
    queries = []
    for line in Path(path).read_text("utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            kind = "public_comment" if "relevant_items" in row else "faq_table"
            relevant = tuple(map(str, row.get("relevant_items", row.get("relevant", []))))
            grades = row.get("grades") or {}
            best = tuple(i for i in relevant if grades.get(i) == 2) if grades else relevant
            queries.append(Query(str(row.get("qid", row.get("query_id"))), row["query"], relevant, kind, best))
    return queries


def _item(kb: KnowledgeBase, entry, kind: str) -> str | None:
    """The entry's item number if it comes from the kind of document the query names."""
    document = kb.documents.get(entry.source.document_id)
    return entry.source.item if document and document.kind == kind else None


def evaluate(kb: KnowledgeBase, queries: list[Query], threshold: float | None = None) -> Scores:
    """Run every query through ranking and the answer decision."""
    recall = recall10 = rr = correct = rejected = false_answers = 0.0
    answerable = [q for q in queries if q.relevant]
    for query in queries:
        answer = ask(kb, query.text, threshold)
        items = [_item(kb, h.entry, query.kind) for h in answer.hits]
        if not query.relevant:
            rejected += not answer.answered
            false_answers += answer.answered
            continue
        ranks = [i for i, item in enumerate(items[:10], 1) if item in query.relevant]
        recall += bool(query.best and items and items[0] in query.best)
        recall10 += len(set(items[:10]) & set(query.relevant)) / len(query.relevant)
        rr += 1 / ranks[0] if ranks else 0
        correct += answer.answered and _item(kb, answer.entry, query.kind) in query.relevant
    unanswerable = len(queries) - len(answerable)
    n = len(answerable) or 1
    return Scores(
        queries=len(queries),
        answerable=len(answerable),
        recall_at_1=recall / (sum(bool(q.best) for q in answerable) or 1),
        mrr_at_10=rr / n,
        recall_at_10=recall10 / n,
        no_answer_accuracy=rejected / unanswerable if unanswerable else None,
        answered_correctly=correct / n,
        false_answers=int(false_answers),
    )
