"""Load test: /api/ask under gunicorn on 127.0.0.1, steady and during an index rebuild.

    python bench/load.py [--corpus seed|amagasaki] [--semantic on|off] [--seconds 10] [--concurrency 8]
                         [--workers 2] [--worker-class gthread|sync] [--no-preload] [--vector-cache DIR]
                         [--questions mix|distinct] [--answer-cache N] [--warm-up SECONDS] [--slices N]

Starts gunicorn with the Procfile's settings (gunicorn.conf.py) on a free loopback port
with a freshly built index of the seed content, or of the 1,786 Amagasaki FAQs, then runs
three bounded phases with a mix of real resident questions (the seed dev queries and
the localgovFAQ dev half when ../shared is present; `--questions distinct` adds an opening
and an ending to each so that no text repeats and the reply cache never helps):
  baseline  GET /healthz       (the server's floor: what one request costs with no work)
  ask       POST /api/ask
  rebuild   POST /api/ask while `kb build` publishes new versions in a loop
Prints requests/s, p50/p99 latency and error count per phase, ratios against the
baseline and steady phases, and the RSS and PSS of the master and each worker
(/proc/PID/smaps_rollup: PSS counts pages shared copy-on-write once, split between sharers). Only 127.0.0.1 is ever contacted; every loop stops by time.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.encoder import load_encoder  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402

SHARED = ROOT.parent / "shared"
WORKER_CLASSES = {"gthread": "webapp.gunicorn_worker.MaskingThreadWorker",
                  "sync": "webapp.gunicorn_worker.MaskingSyncWorker"}
AMAGASAKI = SHARED / "corpora" / "localgovfaq-amagasaki" / "faqs.jsonl"
FALLBACK_QUESTIONS = ["マイナンバーカードを落としたら保険の情報がもれる？", "ＨＤＤはどうやって処分していますか",
                      "住民票の写しはどこで取れますか", "こんにちは", "委託先で漏洩があったときの対処は"]


# Endings a resident might add: with them every question of the "distinct" mix is new text.
ENDINGS = ("", "？", "。", "ですか", "でしょうか", "について", "について教えてください", "を知りたい", "を教えて",
           "はどうなりますか", "の件", "について質問です", "を確認したい", "はどこで分かりますか", "を調べています",
           "が分かりません", "について聞きたい", "の説明をお願いします", "はどうですか", "の場合")
OPENINGS = ("", "すみません、", "あの、", "質問です。", "教えてください。", "お尋ねします。", "市役所に聞きたいのですが、",
            "ちょっと質問ですが、", "確認です。", "家族のことで、")


def questions() -> list[str]:
    found = []
    for path in (SHARED / "eval" / "dev-queries.jsonl", SHARED / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl"):
        if path.exists():
            found += [json.loads(line)["query"] for line in path.read_text("utf-8").splitlines() if line.strip()]
    return found or FALLBACK_QUESTIONS


def distinct_question(asked: list[str], number: int) -> str:
    """The `number`th question of a stream in which no text repeats (for the first
    len(asked) × 20 × 10 questions): each question with an opening and an ending added."""
    base = list(dict.fromkeys(q[:170] for q in asked))
    question, rest = base[number % len(base)], number // len(base)
    return OPENINGS[rest // len(ENDINGS) % len(OPENINGS)] + question.rstrip("？?。") + ENDINGS[rest % len(ENDINGS)]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_sources(corpus: str) -> list[Path]:
    """What `kb build --content` reads for a corpus name."""
    return [AMAGASAKI] if corpus == "amagasaki" else [ROOT / "content"]


def build_corpus(corpus: str, index_dir: Path, semantic: str = "off") -> Path:
    """Build the named corpus into `index_dir` (with the entries' vectors when `semantic`
    is not "off", as `kb build` does); the version folder."""
    encoder = load_encoder(semantic) if semantic != "off" else None
    build_index(load_content(corpus_sources(corpus)), index_dir, encoder=encoder)
    return (index_dir / "current").resolve()


def gunicorn_config(folder: Path, preload: bool) -> Path:
    """The Procfile's gunicorn.conf.py, optionally without preloading."""
    if preload:
        return ROOT / "gunicorn.conf.py"
    path = folder / "gunicorn-no-preload.conf.py"
    path.write_text((ROOT / "gunicorn.conf.py").read_text("utf-8") + "\npreload_app = False\n", "utf-8")
    return path


def start_server(index_dir: Path, database: Path, workers: int, extra_args: list[str] = (),
                 config: Path | None = None, env: dict | None = None) -> tuple[subprocess.Popen, str]:
    """gunicorn with the Procfile's settings on a free loopback port; (process, base URL)."""
    port = free_port()
    env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_DATABASE_URL": f"sqlite:///{database}",
           "KB_RATE_LIMIT": "1000000 per minute", "KB_RATE_LIMIT_LOOKUP": "1000000 per minute", **(env or {})}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(config or ROOT / "gunicorn.conf.py"), "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "--access-logfile", "/dev/null", *extra_args,
         "webapp:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/readyz", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not become ready")


def memory_of(pid: int) -> dict:
    """RSS and PSS in MB of one process, from /proc/PID/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Rss", "Pss"):
            values[name.lower()] = int(rest.split()[0]) / 1024
    return values


def server_memory(master: int) -> list[tuple[str, dict]]:
    """(name, RSS/PSS) of the gunicorn master and each of its workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [("master", memory_of(master))] + [(f"worker {pid}", memory_of(int(pid))) for pid in children]


def cpu_seconds(master: int) -> float:
    """User + system CPU seconds used so far by the gunicorn master and its workers."""
    pids = [master, *map(int, Path(f"/proc/{master}/task/{master}/children").read_text().split())]
    ticks = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_phase(make_request, seconds: float, concurrency: int, counter=None, server: int | None = None) -> dict:
    return summary(timed_requests(make_request, seconds, concurrency, counter, server))


def timed_requests(make_request, seconds: float, concurrency: int, counter=None, server: int | None = None) -> dict:
    """Requests sent back to back from `concurrency` threads for `seconds`: raw figures."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(counter):
        nonlocal errors
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(make_request(next(counter)), timeout=10) as response:
                    response.read()
                    ok = response.status == 200
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                latencies.append(time.perf_counter() - started)
                errors += not ok

    counter = counter if counter is not None else itertools.count()
    threads = [threading.Thread(target=worker, args=(counter,)) for _ in range(concurrency)]
    began, client_began = time.monotonic(), time.process_time()
    server_began = cpu_seconds(server) if server else 0.0
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "elapsed": time.monotonic() - began,
            "server_cpu": cpu_seconds(server) - server_began if server else float("nan"),
            "client_cpu": time.process_time() - client_began}


def summary(raw: dict) -> dict:
    """req/s, p50/p99, errors and CPU per request of one phase's raw figures."""
    latencies = raw["latencies"]
    ordered = sorted(latencies) or [0.0]
    count = max(len(latencies), 1)
    return {"requests": len(latencies), "rps": len(latencies) / raw["elapsed"], "errors": raw["errors"],
            "p50_ms": statistics.median(ordered) * 1000, "p99_ms": ordered[int(0.99 * (len(ordered) - 1))] * 1000,
            "server_cpu_ms": raw["server_cpu"] * 1000 / count, "client_cpu_ms": raw["client_cpu"] * 1000 / count}


def alternating_phases(phases: dict, seconds: float, slices: int, concurrency: int, counters: dict,
                       server: int) -> dict:
    """Each phase run for `seconds` in all, as `slices` slices taken in turn (A B A B …), so
    that a change in the machine's other load falls on every phase alike; figures summed."""
    raw = {name: {"latencies": [], "errors": 0, "elapsed": 0.0, "server_cpu": 0.0, "client_cpu": 0.0} for name in phases}
    for _ in range(slices):
        for name, make_request in phases.items():
            part = timed_requests(make_request, seconds / slices, concurrency, counters.get(name), server)
            raw[name] = {key: raw[name][key] + part[key] for key in raw[name]}
    return {name: summary(figures) for name, figures in raw.items()}


def server_env(args) -> dict:
    """The server's KB_* settings for this run."""
    env = {"KB_SEMANTIC": args.semantic}
    if args.answer_cache is not None:
        env["KB_ANSWER_CACHE"] = str(args.answer_cache)
    return env


def describe_questions(mode: str, count: int, requests: int) -> str:
    """How many of the 'ask' phase's requests could have been served from the reply cache."""
    if mode == "distinct":
        return f"distinct (all {requests} 'ask' requests different text: every reply decided afresh)"
    return f"mix of {count} (each asked about {requests / count:.1f} times in the 'ask' phase)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each phase")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--slices", type=int, default=1,
                        help="run 'baseline' and 'ask' in this many alternating slices (each phase still --seconds "
                             "in all): the machine's other load then weighs on both alike")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--corpus", choices=["seed", "amagasaki"], default="seed",
                        help="seed content (9 entries) or the 1,786 Amagasaki FAQs")
    parser.add_argument("--semantic", choices=["on", "off"], default="on",
                        help="the semantic signal (vectors built, KB_SEMANTIC for the server) or lexical only")
    parser.add_argument("--worker-class", choices=["gthread", "sync"], default="gthread")
    parser.add_argument("--no-preload", action="store_true", help="each worker opens the index itself")
    parser.add_argument("--questions", choices=["mix", "distinct"], default="mix",
                        help="mix: the dev questions in turn (residents repeat questions: answers come from the "
                             "reply cache after the first round); distinct: no text ever repeats (the cache never helps)")
    parser.add_argument("--warm-up", type=float, default=0.0, metavar="SECONDS",
                        help="ask the questions this long, untimed, before the phases (a server up for a while)")
    parser.add_argument("--answer-cache", type=int, default=None,
                        help="KB_ANSWER_CACHE for the server (replies kept per worker; 0 = off) [default: the app's]")
    parser.add_argument("--vector-cache", type=Path, metavar="DIR",
                        help="a vector-cache folder of an earlier build (e.g. IX/vector-cache): its vectors are "
                             "reused, so the encoder embeds only what it lacks (embedding 1,786 FAQs takes minutes)")
    args = parser.parse_args()
    asked = questions()
    with tempfile.TemporaryDirectory() as tmp:
        if args.vector_cache:
            (Path(tmp) / "index").mkdir()
            (Path(tmp) / "index" / "vector-cache").symlink_to(args.vector_cache.resolve())
        content = load_content(corpus_sources(args.corpus))
        encoder = load_encoder(args.semantic) if args.semantic != "off" else None
        build_index(content, Path(tmp) / "index", encoder=encoder)
        process, url = start_server(Path(tmp) / "index", Path(tmp) / "load.sqlite3", args.workers,
                                    ["--worker-class", WORKER_CLASSES[args.worker_class]],
                                    gunicorn_config(Path(tmp), not args.no_preload), server_env(args))
        try:
            health = lambda i: url + "/healthz"  # noqa: E731
            text = (lambda i: distinct_question(asked, i)) if args.questions == "distinct" else (lambda i: asked[i % len(asked)])
            ask = lambda i: urllib.request.Request(  # noqa: E731
                url + "/api/ask", json.dumps({"question": text(i)[:200]}).encode(),
                {"Content-Type": "application/json"})
            # distinct: one stream of questions over both /api/ask phases, so none repeats
            counter = itertools.count() if args.questions == "distinct" else None
            if args.warm_up:
                run_phase(ask, args.warm_up, args.concurrency, counter)
            results = alternating_phases({"baseline": health, "ask": ask}, args.seconds, args.slices,
                                         args.concurrency, {"ask": counter or itertools.count()}, process.pid)
            memory = server_memory(process.pid)  # before 'rebuild': workers then open versions of their own
            stop = threading.Event()
            builds = []

            def rebuild_loop():
                while not stop.is_set():
                    builds.append(build_index(content, Path(tmp) / "index", encoder=encoder))

            builder = threading.Thread(target=rebuild_loop)
            builder.start()
            results["rebuild"] = run_phase(ask, args.seconds, args.concurrency, counter)  # the build's CPU is ours
            stop.set()
            builder.join()
        finally:
            process.terminate()
            process.wait(timeout=15)
    print(f"corpus {args.corpus} ({len(content.entries)} entries, semantic {args.semantic}), {len(asked)} questions, {args.concurrency} client "
          f"threads, {args.workers} {args.worker_class} workers{' (no preload)' if args.no_preload else ''}, "
          f"{args.seconds:.0f} s per phase{f' (baseline and ask in {args.slices} alternating slices)' if args.slices > 1 else ''}; "
          f"{len(builds)} index versions published during 'rebuild'")
    print(f"questions: {describe_questions(args.questions, len(asked), results['ask']['requests'])}; "
          f"KB_ANSWER_CACHE {'default' if args.answer_cache is None else args.answer_cache}"
          f"{f'; {args.warm_up:.0f} s of questions before the phases' if args.warm_up else ''}")
    print(f"{'phase':<10}{'requests':>10}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}"
          f"{'server CPU ms/req':>19}{'client CPU ms/req':>19}")
    for name, r in results.items():
        print(f"{name:<10}{r['requests']:>10}{r['rps']:>10.1f}{r['p50_ms']:>10.1f}{r['p99_ms']:>10.1f}{r['errors']:>8}"
              f"{r['server_cpu_ms']:>19.2f}{r['client_cpu_ms']:>19.2f}")
    print(f"ask / baseline req/s: {results['ask']['rps'] / results['baseline']['rps']:.2f}; "
          f"server CPU per request, baseline / ask: {results['baseline']['server_cpu_ms'] / results['ask']['server_cpu_ms']:.2f}")
    print(f"rebuild / ask req/s: {results['rebuild']['rps'] / results['ask']['rps']:.2f}, "
          f"p99 ×{results['rebuild']['p99_ms'] / results['ask']['p99_ms']:.2f}")
    print("memory after the 'ask' phase:")
    for name, m in memory:
        print(f"{name:<14} RSS {m['rss']:7.1f} MB  PSS {m['pss']:7.1f} MB")


if __name__ == "__main__":
    main()
