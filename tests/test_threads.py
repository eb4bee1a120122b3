"""gthread workers share one index and one Sudachi dictionary between threads: answers
given concurrently are the answers given one at a time."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

from kb import ask

from .conftest import DEV_QUERIES, needs_shared


def questions() -> list[str]:
    return [json.loads(line)["query"] for line in DEV_QUERIES.read_text("utf-8").splitlines() if line.strip()]


def outcome(kb, question: str) -> tuple:
    result = ask(kb, question, 0.6)
    hits = tuple((h.entry.id, round(h.score, 6)) for h in kb.search(question))
    return result.kind, result.entry.id if result.entry else None, round(result.confidence, 6), hits


@needs_shared(DEV_QUERIES)
def test_concurrent_answers_equal_serial_answers(semantic_kb):
    kb = semantic_kb
    asked = questions() * 2
    serial = [outcome(kb, q) for q in asked]
    with ThreadPoolExecutor(max_workers=8) as pool:
        concurrent = list(pool.map(lambda q: outcome(kb, q), asked))
    assert concurrent == serial
