"""Held-out resident questions on the seed: how each path handles them.

    python bench/probe.py                      # bench/data/probe-questions.jsonl, both paths
    python bench/probe.py --lexical-only FILE  # another question file, KB_SEMANTIC=off only

Builds the seed index (without and with the packaged encoder) in a temporary folder, asks
every question and prints, per path: answerable questions answered with a right entry /
answered with a wrong one / refused, and unanswerable ones refused / answered; then each
question that was not handled right, with what it got.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.answer import ask  # noqa: E402
from kb.encoder import load_encoder  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402

PROBE = ROOT / "bench" / "data" / "probe-questions.jsonl"


def handle(kb: KnowledgeBase, queries) -> tuple[dict[str, int], list[str]]:
    """Counts per outcome, and one line per question not handled right."""
    counts = dict.fromkeys(("right", "wrong", "refused", "unanswerable refused", "unanswerable answered"), 0)
    failures = []
    for query in queries:
        answer = ask(kb, query.text)
        item = answer.entry.source.item if answer.kind == "answer" else None
        got = item or answer.kind
        if query.relevant:
            outcome = "right" if item in query.relevant else "wrong" if item else "refused"
        else:
            outcome = "unanswerable answered" if item else "unanswerable refused"
        counts[outcome] += 1
        if outcome not in ("right", "unanswerable refused"):
            failures.append(f"  {query.qid} {outcome}: {query.text} -> {got} "
                            f"(want {','.join(query.relevant) or 'refusal'}; confidence {answer.confidence:.2f})")
    return counts, failures


def report(name: str, kb: KnowledgeBase, queries) -> None:
    """Print one path's counts and failures."""
    counts, failures = handle(kb, queries)
    answerable = sum(1 for q in queries if q.relevant)
    rest = len(queries) - answerable
    print(f"{name}: answerable {answerable}: right {counts['right']} ({counts['right'] / answerable:.3f}), "
          f"wrong {counts['wrong']}, refused {counts['refused']}; unanswerable {rest}: refused "
          f"{counts['unanswerable refused']} ({counts['unanswerable refused'] / rest:.3f}), "
          f"answered {counts['unanswerable answered']}")
    print("\n".join(failures))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=PROBE)
    parser.add_argument("--lexical-only", action="store_true")
    args = parser.parse_args()
    queries = read_queries(args.questions)
    content = load_content([ROOT / "content"])
    paths = [("lexical", None)] + ([] if args.lexical_only else [("e5", load_encoder("on"))])
    with tempfile.TemporaryDirectory() as tmp:
        for name, encoder in paths:
            folder = Path(tmp) / name
            build_index(content, folder, encoder=encoder)
            kb = KnowledgeBase.open(folder)
            report(name, kb, queries)
            kb.close()


if __name__ == "__main__":
    main()
