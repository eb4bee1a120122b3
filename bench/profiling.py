"""Where the time of `kb.ask` and of `kb build` goes: cProfile, top functions by cumulative time.

    python bench/profiling.py ask INDEX_DIR [--queries FILE] [-n 100]
    python bench/profiling.py build OUT_DIR --content FILE [--content FILE …]

`ask` opens the index, asks the first `-n` questions of the query file once untimed (warm-up)
and once under the profiler; `build` profiles one `build_index` of the given content.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, ask, build_index, load_content  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402

SHARED = ROOT.parent / "shared"
DEFAULT_QUERIES = SHARED / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl"


def top_functions(profile: cProfile.Profile, limit: int, sort: str = "cumulative") -> str:
    """The profiler's table, `limit` rows sorted by `sort`."""
    out = io.StringIO()
    pstats.Stats(profile, stream=out).strip_dirs().sort_stats(sort).print_stats(limit)
    return out.getvalue()


def profile_ask(index_dir: Path, query_file: Path, count: int, limit: int) -> str:
    """Profile `ask` over the first `count` questions of `query_file`."""
    kb = KnowledgeBase.open(index_dir)
    questions = [q.text for q in read_queries(query_file)][:count]
    for question in questions:
        ask(kb, question)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for question in questions:
        ask(kb, question)
    profile.disable()
    elapsed = time.perf_counter() - started
    header = f"kb.ask: {len(questions)} questions in {elapsed:.2f} s under the profiler\n"
    return header + top_functions(profile, limit)


def profile_build(out_dir: Path, content: list[Path], limit: int) -> str:
    """Profile loading and indexing `content` into `out_dir`."""
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    loaded = load_content(content)
    build_index(loaded, out_dir)
    profile.disable()
    elapsed = time.perf_counter() - started
    header = f"kb build: {len(loaded.entries)} entries in {elapsed:.2f} s under the profiler\n"
    return header + top_functions(profile, limit) + top_functions(profile, limit, "tottime")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["ask", "build"])
    parser.add_argument("index_dir", type=Path)
    parser.add_argument("--content", type=Path, action="append", default=[])
    parser.add_argument("--queries", type=Path, default=DEFAULT_QUERIES)
    parser.add_argument("-n", type=int, default=100, help="questions to ask")
    parser.add_argument("--top", type=int, default=25, help="rows to print")
    args = parser.parse_args()
    if args.what == "ask":
        print(profile_ask(args.index_dir, args.queries, args.n, args.top))
    else:
        print(profile_build(args.index_dir, args.content, args.top))


if __name__ == "__main__":
    main()
