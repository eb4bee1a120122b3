"""Our knowledge base under the speed bench: `kb build` in a child process, and a worker that
opens the index in-process and times `kb.ask` and `KnowledgeBase.search` per question.

    python bench/ours.py --index DIR --questions FILE [--budget S] [--quality]

prints one JSON object (the worker; bench/speed.py runs it with the environment to compare,
e.g. KB_SEMANTIC=off). `--quality` also scores both dev files.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpora import SEED_QUERIES  # noqa: E402
from measure import disk_mb, run_child, timed_loop  # noqa: E402
from quality import localgov_scores  # noqa: E402

SYNONYMS = ROOT / "content" / "synonyms.txt"
BUILD = "from kb.cli import main; main()"


def build(corpus: Path, index_dir: Path, timeout: float, max_rss_mb: float, env: dict) -> dict:
    """`kb build` of `corpus` (+ our synonyms) in a child process: time, peak RSS, index size."""
    cmd = [sys.executable, "-c", BUILD, "build", "--content", str(corpus), "--content", str(SYNONYMS),
           "--index", str(index_dir)]
    run = run_child(cmd, timeout, max_rss_mb, env=env)
    result = run.to_dict()
    current = index_dir / "current"
    result["index_mb"] = disk_mb(current.resolve()) if run.status == "ok" and current.exists() else None
    return result


def seed_quality() -> dict:
    """`kb eval`'s figures for the seed dev queries on content/."""
    from kb import KnowledgeBase, build_index, load_content
    from kb.evaluate import evaluate, read_queries

    with tempfile.TemporaryDirectory() as tmp:
        build_index(load_content([ROOT / "content"]), Path(tmp))
        kb = KnowledgeBase.open(tmp)
        scores = evaluate(kb, read_queries(SEED_QUERIES))
        kb.close()
    return dict(scores.__dict__)


def measure(index_dir: Path, questions: list[str], budget: float, quality: bool) -> dict:
    """Open time and RSS, per-question latency of ask and search, and optionally quality."""
    from kb import KnowledgeBase, ask

    started = time.perf_counter()
    kb = KnowledgeBase.open(index_dir)
    result = {"open_s": time.perf_counter() - started,
              "rss_after_open_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    for question in questions[:5]:  # warm caches (Sudachi, Whoosh's first reads)
        ask(kb, question)
    result["ask"], result["search"] = timed_loop(questions, lambda q: ask(kb, q), budget, lambda q: kb.search(q, limit=10))
    if quality:
        result["localgov"] = localgov_scores(lambda q: [h.entry.source.item for h in ask(kb, q).hits])
        result["seed"] = seed_quality()
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True, help="JSON list of questions")
    parser.add_argument("--budget", type=float, default=120.0, help="seconds per timed loop")
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args()
    questions = json.loads(args.questions.read_text("utf-8"))
    print(json.dumps(measure(args.index, questions, args.budget, args.quality)))


if __name__ == "__main__":
    main()
