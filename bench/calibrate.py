"""Calibrate the answer threshold: sweep it and print what residents would get.

    python bench/calibrate.py

Questions with an answer: the seed dev queries that have relevant items. Questions
without: the seed dev queries marked unanswerable, plus every localgovFAQ dev query
asked of the seed knowledge base (they are about other city services, so the right
reply is "no answer"; a few touch My Number cards and make hard near misses).
For each threshold it prints the share answered correctly, the share of unanswerable
questions correctly refused, and their mean. The default (kb/answer.py
DEFAULT_THRESHOLD) sits in the middle of the plateau where every answerable dev question
is still answered right and refusals are within 0.01 of their best, leaving a margin on
both sides for questions we have not seen.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.answer import DEFAULT_THRESHOLD, ask  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared"
THRESHOLDS = [round(0.3 + 0.05 * i, 2) for i in range(13)]


def main() -> None:
    dev = read_queries(SHARED / "eval" / "dev-queries.jsonl")
    outside = read_queries(SHARED / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        build_index(load_content([ROOT / "content"]), Path(tmp))
        kb = KnowledgeBase.open(tmp)
        answerable = [(q, ask(kb, q.text, threshold=0.0)) for q in dev if q.relevant]
        unanswerable = [ask(kb, q.text, threshold=0.0) for q in dev if not q.relevant]
        unanswerable += [ask(kb, q.text, threshold=0.0) for q in outside]
        kb.close()
    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable questions")
    print(f"{'threshold':>9} {'answered right':>15} {'refused right':>14} {'mean':>6}")
    for threshold in THRESHOLDS:
        right = sum(
            a.answered and a.confidence >= threshold and a.entry.source.item in q.relevant
            for q, a in answerable
        ) / len(answerable)
        refused = sum(not a.answered or a.confidence < threshold for a in unanswerable) / len(unanswerable)
        mark = "  ← default" if threshold == DEFAULT_THRESHOLD else ""
        print(f"{threshold:>9.2f} {right:>15.3f} {refused:>14.3f} {(right + refused) / 2:>6.3f}{mark}")


if __name__ == "__main__":
    main()
