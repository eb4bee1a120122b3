"""What reading an index version's vectors into memory costs, against memory-mapping them.

    python bench/indexmemory.py [--corpus seed|amagasaki]

A served version is held in plain memory (the term matrices always were; the vectors
were memory-mapped), so a file damaged on disk cannot kill the worker with SIGBUS.
Prints, for both ways of opening the vectors, in one process: open time, the process's
RSS growth, and in-process answer p50/p99 over real questions (semantic signal on)."""
from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import kb.vectors  # noqa: E402
from bench.load import build_corpus, questions  # noqa: E402
from kb import KnowledgeBase, ask  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(version: Path, asked: list[str]) -> dict:
    before = rss_mb()
    started = time.perf_counter()
    opened = KnowledgeBase(version)
    open_s = time.perf_counter() - started
    grown = rss_mb() - before
    times = []
    for question in asked:
        started = time.perf_counter()
        ask(opened, question, 0.6)
        times.append(time.perf_counter() - started)
    times.sort()
    return {"open_s": open_s, "rss_mb": grown, "p50_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(0.99 * (len(times) - 1))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["seed", "amagasaki"], default="amagasaki")
    parser.add_argument("--questions", type=int, default=100)
    args = parser.parse_args()
    asked = questions()[:args.questions]
    with tempfile.TemporaryDirectory() as tmp:
        version = build_corpus(args.corpus, Path(tmp) / "index", "on")
        vectors_mb = (version / kb.vectors.VECTORS_FILE).stat().st_size / 2**20
        ask(KnowledgeBase(version), asked[0], 0.6)  # load Sudachi and the encoder before measuring
        in_memory = measure(version, asked)
        np.load = functools.partial(np.load, mmap_mode="r")  # as kb/vectors.py did (ignored for .npz)
        mapped = measure(version, asked)
    print(f"corpus {args.corpus}: vectors.npy {vectors_mb:.1f} MB, {len(asked)} questions, semantic signal on")
    print(f"{'vectors':<12}{'open s':>8}{'RSS +MB':>9}{'p50 ms':>8}{'p99 ms':>8}")
    for name, r in (("in memory", in_memory), ("mmap", mapped)):
        print(f"{name:<12}{r['open_s']:>8.2f}{r['rss_mb']:>9.1f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}")
    print(f"in memory / mmap: p50 ×{in_memory['p50_ms'] / mapped['p50_ms']:.2f}, "
          f"open ×{in_memory['open_s'] / mapped['open_s']:.2f}")


if __name__ == "__main__":
    main()
