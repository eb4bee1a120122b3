"""What reading an index version into memory costs, against Whoosh's memory-mapped files.

    python bench/indexmemory.py [--corpus seed|amagasaki]

The served version is copied into RAM when opened (kb/versioncheck.py), so a damaged
segment file on disk cannot kill the worker with SIGBUS as a memory-mapped one did.
Prints, for both ways of opening, in one process: open time, the process's RSS growth,
and in-process answer p50/p99 over real questions."""
from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from whoosh import index as whoosh_index  # noqa: E402

import kb.search  # noqa: E402
from bench.load import build_corpus, questions  # noqa: E402
from kb import ask  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(version: Path, asked: list[str]) -> dict:
    before = rss_mb()
    started = time.perf_counter()
    kb_ = kb.search.KnowledgeBase(version)
    opened = time.perf_counter() - started
    grown = rss_mb() - before
    times = []
    for question in asked:
        started = time.perf_counter()
        ask(kb_, question, 0.6)
        times.append(time.perf_counter() - started)
    times.sort()
    return {"open_s": opened, "rss_mb": grown, "p50_ms": statistics.median(times) * 1000,
            "p99_ms": times[int(0.99 * (len(times) - 1))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=["seed", "amagasaki"], default="amagasaki")
    args = parser.parse_args()
    asked = questions()[:200]
    with tempfile.TemporaryDirectory() as tmp:
        version = build_corpus(args.corpus, Path(tmp) / "index")
        whoosh_mb = sum(p.stat().st_size for p in (version / "whoosh").iterdir()) / 2**20
        ask(kb.search.KnowledgeBase(version), asked[0], 0.6)  # warm Sudachi before measuring
        in_memory = measure(version, asked)
        kb.search.open_whoosh_in_memory = lambda folder: whoosh_index.open_dir(str(folder))
        mapped = measure(version, asked)
    print(f"corpus {args.corpus}: Whoosh files {whoosh_mb:.1f} MB, {len(asked)} questions")
    print(f"{'opening':<12}{'open s':>8}{'RSS +MB':>9}{'p50 ms':>8}{'p99 ms':>8}")
    for name, r in (("in memory", in_memory), ("mmap", mapped)):
        print(f"{name:<12}{r['open_s']:>8.2f}{r['rss_mb']:>9.1f}{r['p50_ms']:>8.1f}{r['p99_ms']:>8.1f}")
    print(f"in memory / mmap: p50 ×{in_memory['p50_ms'] / mapped['p50_ms']:.2f}, "
          f"open ×{in_memory['open_s'] / mapped['open_s']:.2f}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
