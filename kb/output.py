"""JSON shapes of answers and hits, shared by the CLI and the web API."""
from __future__ import annotations

from dataclasses import asdict

from .answer import Answer


def entry_record(entry) -> dict:
    """ENTRY = {id, question, answer, source:{…, item}, …}."""
    return entry.to_dict()


def answer_record(result: Answer) -> dict:
    """The full decision: kind, entry, best sentence, related, fallback message."""
    return {
        "kind": result.kind,
        "answered": result.answered,
        "question": result.question,
        "confidence": result.confidence,
        "features": result.extra.get("features", {}),
        "answer": entry_record(result.entry) if result.entry else None,
        "best_sentence": asdict(result.best_sentence) if result.best_sentence else None,
        "related": [{"id": e.id, "question": e.question} for e in result.related],
        "message": result.message,
        "contact": result.contact,
    }


def batch_record(qid, result: Answer) -> dict:
    """One `kb ask --batch` output line: {qid, answered, answer, hits}."""
    return {
        "qid": qid,
        "answered": result.answered,
        "answer": entry_record(result.entry) if result.entry else None,
        "hits": [hit.to_dict() for hit in result.hits[:10]],
    }
