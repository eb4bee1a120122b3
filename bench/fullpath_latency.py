"""Full-path latency at a size where embedding every entry would take hours.

    python bench/fullpath_latency.py --index IX [--questions N]

IX is an index built without vectors (`kb build --semantic off`, e.g. bench/speed.py's
100,000-entry corpus with --keep-indexes). This writes *synthetic* entry vectors into its
current version — random unit vectors in the same layout and size `kb build` writes with e5
(combined, query, passage and answer rows), under the packaged encoder's model name — so the
real e5 query encoding, the vector product over every entry, the candidate union and the
re-scoring all run as in production. Rankings are meaningless; only time and memory are
measured. Prints p50/p99 of `kb.ask` with and without the semantic signal, in one process.
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.answer import ask  # noqa: E402
from kb.encoder import choose_semantic, load_encoder  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import current_version_path  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402
from kb.vectors import MANIFEST_FILE, VECTORS_FILE  # noqa: E402

QUESTIONS = ROOT.parent / "shared" / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl"


def write_synthetic_vectors(version: Path, model: str, dim: int) -> None:
    """Random unit vectors for every entry, laid out as kb/vectors.py writes them."""
    entries = [record["entry"]["id"] for record in json.loads((version / "entries.json").read_text("utf-8"))]
    n = len(entries)
    rng = np.random.default_rng(0)
    matrix = rng.standard_normal((4 * n, dim), dtype=np.float32)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    np.save(version / VECTORS_FILE, matrix)
    rows = [[i, kind, "synthetic"] for kind in ("combined", "query", "passage", "answer") for i in range(n)]
    (version / MANIFEST_FILE).write_text(json.dumps({"model": model, "dim": dim, "entries": entries, "rows": rows}))


def timed(kb: KnowledgeBase, questions: list[str]) -> list[float]:
    times = []
    for question in questions:
        start = time.perf_counter()
        ask(kb, question)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=300)
    args = parser.parse_args()
    encoder = load_encoder("on")
    version = current_version_path(args.index)
    write_synthetic_vectors(version, encoder.name, encoder.dim)
    questions = [q.text for q in read_queries(QUESTIONS)][: args.questions]
    kb = KnowledgeBase.open(args.index)
    print(f"{len(kb.entries)} entries, vectors {kb.vectors._matrix.nbytes / 2**20:.0f} MiB in memory")
    for mode in ("off", "on"):
        choose_semantic(mode)
        timed(kb, questions[:10])  # warm-up: first e5 call, caches
        times = sorted(timed(kb, questions))
        p99 = times[min(len(times) - 1, int(0.99 * len(times)))]
        print(f"KB_SEMANTIC={mode}: kb.ask p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms ({len(times)} questions)")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
