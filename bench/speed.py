"""Speed and scale of our knowledge base against Groonga and bm25s, one run, same machine.

    python bench/speed.py                                  # 1,786, 10,000 and 100,000 entries
    python bench/speed.py --sizes 1786,10000 --timeout 900
    python bench/speed.py --reuse-baselines                # Groonga/bm25s figures from the cache
    python bench/speed.py --quick                          # smoke test: 600 entries, 20 questions

For each size, a corpus built from the Amagasaki FAQs (bench/corpora.py) is indexed by
`kb build` in a child process (wall and CPU time, peak RSS, index size), then a worker opens it
in-process and times `kb.ask` and `KnowledgeBase.search` per question (p50/p99), once per mode
(the default, and KB_SEMANTIC=off when this checkout has that setting). Groonga and bm25s
index and answer the same corpus and questions. At the real 1,786 FAQs every system is also
scored on the localgovFAQ dev half (ours on the seed dev queries too). Every step is bounded by
`--timeout` seconds and `--max-rss-mb`; a step that is stopped says so instead of hanging.
Results: a markdown table on stdout, JSON in the cache folder.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import baselines  # noqa: E402
import ours  # noqa: E402
from corpora import timed_questions, write_corpus  # noqa: E402
from measure import run_child  # noqa: E402
from speed_report import merge, report  # noqa: E402

CACHE = ROOT.parent / "cache" / "speed"
QUALITY_SIZE = 1786  # the real FAQs: the localgovFAQ judgements are complete for this corpus


def modes() -> dict[str, dict]:
    """Environment overrides to run ours with: the default, and the lexical path if it exists."""
    from kb.config import SETTINGS

    found = {"default": {}}
    if any(spec.name == "SEMANTIC" for spec in SETTINGS):
        found["KB_SEMANTIC=off"] = {"KB_SEMANTIC": "off"}
    return found


def child_env(overrides: dict) -> dict:
    """This environment with one thread per numeric library and the mode's overrides."""
    import os

    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    env.pop("KB_SEMANTIC", None)
    return {**env, **overrides}


def worker(cmd: list[str], args, env: dict | None = None) -> dict:
    """Run a JSON-printing worker under the step bounds; its run record if it did not finish."""
    run = run_child(cmd, args.timeout, args.max_rss_mb, env=env or child_env({}))
    if run.status == "ok":
        return {"status": "ok", **json.loads(run.stdout.strip().splitlines()[-1])}
    return {"status": run.status, "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_rss_mb": run.peak_rss_mb,
            "stderr_tail": run.stderr_tail}


def measure_ours(size: int, corpus: Path, questions_file: Path, work: Path, args) -> dict:
    """Build and time ours at one size, per mode."""
    results = {}
    for name, overrides in modes().items():
        if name == "default" and size not in args.semantic_sizes:
            continue  # embedding every entry takes ~0.23 s of CPU each: hours at 100k
        index_dir = work / f"ours-{name.replace('=', '-')}-{size}"
        shutil.rmtree(index_dir, ignore_errors=True)
        if name == "default" and args.vector_cache:  # vectors already embedded for these texts
            (index_dir / "vector-cache").mkdir(parents=True)
            shutil.copy(args.vector_cache, index_dir / "vector-cache" / "vectors.sqlite3")
        print(f"[{size}] ours {name}: kb build …", file=sys.stderr, flush=True)
        built = ours.build(corpus, index_dir, args.timeout, args.max_rss_mb, child_env(overrides))
        built.pop("stdout", None)
        result = {"build": built}
        if built["status"] == "ok":
            print(f"[{size}] ours {name}: timing questions …", file=sys.stderr, flush=True)
            cmd = [sys.executable, str(ROOT / "bench" / "ours.py"), "--index", str(index_dir),
                   "--questions", str(questions_file), "--budget", str(args.budget)]
            result["run"] = worker(cmd + (["--quality"] if size == QUALITY_SIZE else []), args, child_env(overrides))
        results[name] = result
        if not args.keep_indexes:
            shutil.rmtree(index_dir, ignore_errors=True)
    return results


def measure_baselines(size: int, corpus: Path, questions: list[str], questions_file: Path, work: Path, args) -> dict:
    """Groonga and bm25s at one size."""
    quality = size == QUALITY_SIZE
    result = {}
    if baselines.ensure_groonga():
        print(f"[{size}] Groonga: load …", file=sys.stderr, flush=True)
        folder = work / f"groonga-{size}"
        result["groonga"] = {"build": baselines.groonga_build(corpus, folder, args.timeout, args.max_rss_mb)}
        if result["groonga"]["build"]["status"] == "ok":
            result["groonga"]["run"] = baselines.groonga_measure(folder, questions, args.budget, quality)
        shutil.rmtree(folder, ignore_errors=True)
    else:
        result["groonga"] = {"build": {"status": "groonga-bin could not be installed"}}
    print(f"[{size}] bm25s: index …", file=sys.stderr, flush=True)
    save = work / f"bm25s-{size}"
    cmd = [sys.executable, str(ROOT / "bench" / "baselines.py"), "bm25s", "--corpus", str(corpus),
           "--questions", str(questions_file), "--budget", str(args.budget), "--save", str(save)]
    result["bm25s"] = worker(cmd + (["--quality"] if quality else []), args)
    shutil.rmtree(save, ignore_errors=True)
    return result


def fingerprint(corpus: Path, questions: list[str], args) -> str:
    """What a cached baseline result depends on: the corpus bytes and the questions."""
    digest = hashlib.sha256(corpus.read_bytes())
    digest.update(json.dumps(questions, ensure_ascii=False).encode())
    return digest.hexdigest()[:16]


def cached_baselines(size: int, key: str, args, compute) -> dict:
    """Baseline results for `size` from the cache when allowed and matching, else computed and cached."""
    path = args.cache / "baselines.json"
    entry = (json.loads(path.read_text("utf-8")) if path.exists() else {}).get(str(size))
    if args.reuse_baselines and entry and entry.get("fingerprint") == key:
        return {**entry["results"], "reused_from": entry["measured_at"]}
    results = compute()
    from datetime import datetime, timezone

    cache = json.loads(path.read_text("utf-8")) if path.exists() else {}  # another run may have written meanwhile
    cache[str(size)] = {"fingerprint": key, "measured_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                        "results": results}
    path.write_text(json.dumps(cache, ensure_ascii=False, indent=1), "utf-8")
    return results


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1786,10000,100000", help="comma-separated corpus sizes")
    parser.add_argument("--questions", type=int, default=300, help="questions timed per system and size")
    parser.add_argument("--budget", type=float, default=90.0, help="seconds at most per timed loop")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds at most per build or worker")
    parser.add_argument("--max-rss-mb", type=float, default=4096.0, help="a step above this RSS is stopped")
    parser.add_argument("--reuse-baselines", action="store_true", help="Groonga/bm25s figures from the cache")
    parser.add_argument("--only-baselines", action="store_true", help="measure (and cache) the baselines only")
    parser.add_argument("--cache", type=Path, default=CACHE, help="corpora, baseline results, last run")
    parser.add_argument("--keep-indexes", action="store_true")
    parser.add_argument("--semantic-sizes", default="1786", type=lambda v: {int(x) for x in v.split(",") if x},
                        help="sizes at which ours also runs with the semantic signal (the default mode)")
    parser.add_argument("--vector-cache", type=Path, help="a vector-cache/vectors.sqlite3 to start the semantic builds from")
    parser.add_argument("--print", type=Path, nargs="+", metavar="RUN_JSON",
                        help="print the tables of earlier runs' last-run-*.json (merged) and stop")
    parser.add_argument("--quick", action="store_true", help="smoke test: 600 entries, 20 questions, 5 s loops")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.questions, args.budget = "600", 20, 5.0
    args.sizes = [int(size) for size in args.sizes.split(",")]
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    if args.print:
        print(report(merge([json.loads(path.read_text("utf-8")) for path in args.print])))
        return
    work = args.cache / "work"
    work.mkdir(parents=True, exist_ok=True)
    questions = timed_questions(args.questions)
    questions_file = work / "questions.json"
    questions_file.write_text(json.dumps(questions, ensure_ascii=False), "utf-8")
    results = {"questions": len(questions), "budget_s": args.budget, "timeout_s": args.timeout,
               "max_rss_mb": args.max_rss_mb, "sizes": {}}
    for size in args.sizes:
        corpus = write_corpus(size, args.cache / "corpora")
        key = fingerprint(corpus, questions, args)
        row = cached_baselines(size, key, args, lambda: measure_baselines(size, corpus, questions, questions_file, work, args))
        if not args.only_baselines:
            row["ours"] = measure_ours(size, corpus, questions_file, work, args)
        results["sizes"][str(size)] = row
    (args.cache / f"last-run-{'-'.join(map(str, args.sizes))}.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(report(results))


if __name__ == "__main__":
    main()
