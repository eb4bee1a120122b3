"""Memory of the gunicorn master and each worker serving an existing index, with the
Procfile's preloading and without it (each worker opening the index itself).

    python bench/workermemory.py --index IX [--workers 2] [--asks 200] [--semantic off|on]

IX is an index folder built beforehand (e.g. `kb build --semantic off --content
CORPUS.jsonl --index IX`, with a corpus from bench/corpora.py for 10,000 or 100,000
entries). For each mode: start gunicorn on a free loopback port, ask `--asks` real
questions over 4 connections (so every worker has searched its index), then print the RSS
and PSS of each process from /proc/PID/smaps_rollup. PSS splits a page shared
copy-on-write between the processes sharing it, so the sum of PSS is what the server
holds. Only 127.0.0.1 is contacted.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import gunicorn_config, questions, server_memory, start_server  # noqa: E402


def ask_all(url: str, texts: list[str]) -> int:
    """Ask every text; how many got a 200."""
    def one(text: str) -> bool:
        body = json.dumps({"question": text}).encode()
        request = urllib.request.Request(url + "/api/ask", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status == 200

    with ThreadPoolExecutor(4) as pool:
        return sum(pool.map(one, texts))


def measure(index: Path, workers: int, preload: bool, texts: list[str], semantic: str) -> list[tuple[str, dict]]:
    with tempfile.TemporaryDirectory() as tmp:
        process, url = start_server(index, Path(tmp) / "db.sqlite3", workers, config=gunicorn_config(Path(tmp), preload),
                                    env={"KB_SEMANTIC": semantic})
        try:
            answered = ask_all(url, texts)
            if answered != len(texts):
                raise SystemExit(f"only {answered} of {len(texts)} asks succeeded")
            return server_memory(process.pid)
        finally:
            process.terminate()
            process.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--asks", type=int, default=200)
    parser.add_argument("--semantic", choices=["off", "on"], default="off")
    args = parser.parse_args()
    texts = (questions() * (args.asks // max(len(questions()), 1) + 1))[: args.asks]
    entries = json.loads((args.index / "current" / "meta.json").read_text("utf-8")).get("entry_count", "?")
    print(f"index {args.index} ({entries} entries), {args.workers} workers, KB_SEMANTIC={args.semantic}, {len(texts)} asks")
    for preload in (True, False):
        rows = measure(args.index, args.workers, preload, texts, args.semantic)
        label = "preload (the Procfile)" if preload else "no preload"
        print(f"{label}:")
        for name, memory in rows:
            print(f"  {name:>14}  RSS {memory['rss']:8.1f} MB  PSS {memory['pss']:8.1f} MB")
        print(f"  {'sum':>14}  PSS {sum(m['pss'] for _, m in rows):8.1f} MB")


if __name__ == "__main__":
    main()
