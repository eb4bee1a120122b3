"""Faults under bounded load: the answers stay up.

    python bench/faults.py [--seconds 20] [--concurrency 4] [--skip-postgres]

Starts gunicorn with the Procfile's settings (gunicorn.conf.py: 2 gthread workers,
preloaded index) on 127.0.0.1 and, while client threads send real questions, injects:
  corrupt new version   a copy of the served version with its term matrix emptied is made
                        current; /readyz must then name it as rejected
  SQLite locked         another process holds BEGIN EXCLUSIVE on the records database
  PostgreSQL stopped    a throwaway PostgreSQL (started like .ci/run does) is SIGSTOPped
  50 stalled sockets    connections stall mid-header, mid-body and after one byte; /healthz is timed
  kill -9 during feedback  feedback is posted while the workers are SIGKILLed; every post
                        answered stored: true must be in the database afterwards
  rate limit            one client floods /api/ask; the 200s must be the configured limit ±10 %
  look-up limit         one client floods five look-up endpoints in turn; one budget, ±10 %
Prints | fault | requests | failed | p99 | result |. Only 127.0.0.1 is contacted and
every loop stops by time.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import build_corpus, questions, start_server  # noqa: E402
from kb.indexer import CURRENT_LINK, current_version_path  # noqa: E402
from kb.records import Records, questions as question_table  # noqa: E402

RATE_LIMIT = 60  # per minute, the shipped default


def flood(url: str, seconds: float, concurrency: int, asked: list[str], path: str = "/api/ask") -> dict:
    """Client threads sending requests back to back; statuses and latencies."""
    statuses: dict[int, int] = {}
    latencies: list[float] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(offset: int) -> None:
        i = offset
        while time.monotonic() < stop_at:
            if path == "/api/ask":
                body = json.dumps({"question": asked[i % len(asked)][:200]}).encode()
                request = urllib.request.Request(url + path, body, {"Content-Type": "application/json"})
            else:
                request = urllib.request.Request(url + path)
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    response.read()
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                status = 0
            with lock:
                latencies.append(time.perf_counter() - started)
                statuses[status] = statuses.get(status, 0) + 1
            i += concurrency

    threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ordered = sorted(latencies) or [0.0]
    return {"requests": len(latencies), "statuses": statuses,
            "p99": ordered[int(0.99 * (len(ordered) - 1))]}


def failed(result: dict, ok=(200,)) -> int:
    return sum(count for status, count in result["statuses"].items() if status not in ok)


@contextmanager
def server(tmp: Path, index_dir: Path, database_url: str | None = None, **env):
    database = tmp / "records.sqlite3"
    extra = {"KB_DATABASE_URL": database_url} if database_url else {}
    process, url = start_server(index_dir, database, 2, env={**extra, **env})
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def publish_damaged_copy(index_dir: Path) -> str:
    """Make current a copy of the served version whose term matrix is an empty file."""
    served = current_version_path(index_dir)
    copy = served.parent / (served.name + "-damaged")
    shutil.copytree(served, copy)
    os.truncate(copy / "lexical.npz", 0)
    link = index_dir / ".faults-link"
    os.symlink(copy.relative_to(index_dir), link)
    os.replace(link, index_dir / CURRENT_LINK)
    return copy.name


def readyz_names(url: str, version: str) -> bool:
    """Every worker answering /readyz (asked a few times) lists `version` as rejected."""
    seen = []
    for _ in range(8):
        with urllib.request.urlopen(url + "/readyz", timeout=5) as response:
            body = json.loads(response.read())
        seen.append(version in [r["version"] for r in body["rejected_versions"]])
    return all(seen)


def corrupt_version(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir) as url:
        timer = threading.Timer(1.0, lambda: names.append(publish_damaged_copy(index_dir)))
        names: list[str] = []
        timer.start()
        result = flood(url, seconds, concurrency, asked)
        named = readyz_names(url, names[0])
    served = current_version_path(index_dir)
    os.replace(index_dir / CURRENT_LINK, index_dir / ".damaged")  # put the good version back
    good = sorted(p for p in served.parent.iterdir() if p != served)[-1]
    os.symlink(good.relative_to(index_dir), index_dir / CURRENT_LINK)
    return result, f"/readyz names the rejected version: {'yes' if named else 'NO'}"


def sqlite_locked(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir) as url:
        flood(url, 1, concurrency, asked)  # the database file and its tables exist now
        code = ("import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(float(sys.argv[2]))")
        locker = subprocess.Popen([sys.executable, "-c", code, str(tmp / "records.sqlite3"), str(seconds)],
                                  stdout=subprocess.PIPE, text=True)
        assert locker.stdout.readline().strip() == "locked"
        result = flood(url, seconds, concurrency, asked)
        locker.wait()
    return result, "p99 < 1 s and 0 failed" if result["p99"] < 1 and not failed(result) else "NOT MET"


@contextmanager
def throwaway_postgres(tmp: Path):
    """A private PostgreSQL on a Unix socket in `tmp` (as .ci/run starts one)."""
    pg_bin = sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    folder = Path(tempfile.mkdtemp(prefix="kb-faults-pg."))
    shutil.chown(folder, "postgres") if os.getuid() == 0 else None
    as_pg = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([*as_pg, pg_bin / "initdb", "-D", folder / "data", "-A", "trust", "-U", "kb"], check=True, **quiet)
    subprocess.run([*as_pg, pg_bin / "pg_ctl", "-D", folder / "data", "-o", f"-k {folder} -c listen_addresses=''",
                    "-l", folder / "log", "-w", "start"], check=True, **quiet)
    try:
        yield f"postgresql+psycopg://kb@/postgres?host={folder}", int((folder / "data" / "postmaster.pid").read_text().split()[0])
    finally:
        subprocess.run([*as_pg, pg_bin / "pg_ctl", "-D", folder / "data", "-m", "immediate", "stop"], **quiet)
        shutil.rmtree(folder, ignore_errors=True)


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [p for child in children for p in process_tree(int(child))]


def postgres_stopped(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with throwaway_postgres(tmp) as (database_url, postmaster):
        with server(tmp, index_dir, database_url) as url:
            flood(url, 1, concurrency, asked)  # connections open, tables made
            frozen = process_tree(postmaster)
            for pid in frozen:
                os.kill(pid, signal.SIGSTOP)
            try:
                result = flood(url, seconds, concurrency, asked)
            finally:
                for pid in frozen:
                    os.kill(pid, signal.SIGCONT)
            time.sleep(2)
            stored = Records(database_url).count(question_table)
    verdict = "p99 < 1 s and 0 failed" if result["p99"] < 1 and not failed(result) else "NOT MET"
    return result, f"{verdict}; {stored} questions recorded"


def stall(url: str, request: bytes) -> socket.socket:
    """A connection that sends part of a request and then nothing."""
    host, port = url.removeprefix("http://").split(":")
    connection = socket.create_connection((host, int(port)))
    connection.sendall(request)
    return connection


STALLS = [b"GET /api/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",
          b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
          b"Content-Length: 100\r\n\r\n{\"question\": ",
          b"G"]
STALLED = 50


def slow_clients(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir) as url:
        slow = [stall(url, STALLS[i % len(STALLS)]) for i in range(STALLED)]
        time.sleep(0.5)
        result = flood(url, seconds, concurrency, asked, path="/healthz")
        for connection in slow:
            connection.close()
    return result, "/healthz p99 < 1 s" if result["p99"] < 1 and not failed(result) else "NOT MET"


def post_feedback(url: str, comment: str) -> bool:
    body = json.dumps({"entry_id": "000_54ca3830d61bfcef.7", "helpful": False, "comment": comment}).encode()
    request = urllib.request.Request(url + "/api/feedback", body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())["stored"] is True
    except (OSError, ValueError, KeyError):
        return False  # not acknowledged: the client knows it may be lost


def letters(number: int) -> str:
    return "".join("abcdefghij"[int(d)] for d in str(number))


def killed_during_feedback(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    """Feedback posted while every worker is SIGKILLed twice; acknowledged posts counted in the DB."""
    database = tmp / "records.sqlite3"
    acknowledged: list[str] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    master, url = start_server(index_dir, database, 2, env={"KB_SPOOL_DIR": str(tmp / "spool")})
    try:
        stop_at = time.monotonic() + min(seconds, 10)

        def client(n: int) -> None:
            i = 0
            while time.monotonic() < stop_at:
                comment = f"fault {letters(n)} {letters(i)}"  # digits would be masked in records
                ok = post_feedback(url, comment)
                with lock:
                    statuses[200 if ok else 0] = statuses.get(200 if ok else 0, 0) + 1
                    if ok:
                        acknowledged.append(comment)
                i += 1

        threads = [threading.Thread(target=client, args=(n,)) for n in range(concurrency)]
        for thread in threads:
            thread.start()
        for _ in range(2):
            time.sleep(min(seconds, 10) / 3)
            for pid in process_tree(master.pid)[1:]:
                os.kill(pid, signal.SIGKILL)
        for thread in threads:
            thread.join()
        deadline, stored, records = time.monotonic() + 60, set(), Records(f"sqlite:///{database}")
        while time.monotonic() < deadline:
            time.sleep(1)  # the restarted workers take the killed ones' spools over as they start
            with records.engine.connect() as conn:
                stored = {row[0] for row in conn.exec_driver_sql("select comment from feedback")}
            if set(acknowledged) <= stored:
                break
        records.dispose()
    finally:
        master.terminate()
        master.wait(timeout=30)
    lost = len(set(acknowledged) - stored)
    result = {"requests": sum(statuses.values()), "statuses": statuses, "p99": 0.0}
    return result, f"{len(acknowledged)} acknowledged, {lost} lost" + ("" if not lost else " — NOT MET"), (200, 0)


def rate_limit(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir, KB_RATE_LIMIT=f"{RATE_LIMIT} per minute") as url:
        result = flood(url, min(seconds, 30), concurrency, asked)
    answered = result["statuses"].get(200, 0)
    within = abs(answered - RATE_LIMIT) <= RATE_LIMIT * 0.1
    return result, (f"{answered} answered, limit {RATE_LIMIT} per minute: "
                    f"{'within' if within else 'NOT within'} 10 %"), (200, 429)


LOOKUP_LIMIT = 120  # per minute, for the look-up flood
LOOKUPS = ["/api/search?q=%E4%BF%9D%E9%99%BA%E8%A8%BC", "/api/suggest?q=%E3%81%BE%E3%81%84%E3%81%AA", "/api/topics",
           "/api/entries/000_54ca3830d61bfcef.7", "/entries/000_54ca3830d61bfcef.7"]


def lookup_limit(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    """One client spreads look-ups over five endpoints: they share one budget per client."""
    with server(tmp, index_dir, KB_RATE_LIMIT_LOOKUP=f"{LOOKUP_LIMIT} per minute") as url:
        results = [flood(url, min(seconds, 30) / len(LOOKUPS), concurrency, asked, path=path) for path in LOOKUPS]
    statuses: dict[int, int] = {}
    for result in results:
        for status, count in result["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    answered = statuses.get(200, 0)
    within = abs(answered - LOOKUP_LIMIT) <= LOOKUP_LIMIT * 0.1
    result = {"requests": sum(statuses.values()), "statuses": statuses, "p99": max(r["p99"] for r in results)}
    return result, (f"{answered} answered over {len(LOOKUPS)} endpoints, limit {LOOKUP_LIMIT} per minute: "
                    f"{'within' if within else 'NOT within'} 10 %"), (200, 429)


FAULTS = {
    "corrupt new version": corrupt_version,
    "SQLite locked (BEGIN EXCLUSIVE)": sqlite_locked,
    "PostgreSQL SIGSTOPped": postgres_stopped,
    "50 stalled sockets": slow_clients,
    "kill -9 during feedback": killed_during_feedback,
    "rate limit, 2 workers": rate_limit,
    "look-up limit, 5 endpoints, 2 workers": lookup_limit,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each fault")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--corpus", choices=["seed", "amagasaki"], default="seed")
    parser.add_argument("--skip-postgres", action="store_true", help="no PostgreSQL on this machine")
    parser.add_argument("--only", action="append", help="run only the faults whose name holds this (repeatable)")
    args = parser.parse_args()
    asked = questions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        build_corpus(args.corpus, index_dir, "on")  # the product default: semantic signal on
        for name, run in FAULTS.items():
            if args.skip_postgres and "PostgreSQL" in name:
                continue
            if args.only and not any(part in name for part in args.only):
                continue
            result, verdict, *ok = run(Path(tmp), index_dir, args.seconds, args.concurrency, asked)
            rows.append((name, result["requests"], failed(result, *ok), result["p99"], verdict))
    print(f"corpus {args.corpus}, {args.concurrency} client threads, {args.seconds:.0f} s per fault, "
          "gunicorn.conf.py (2 gthread workers × 4 threads, preload)\n")
    print("| fault | requests | failed | p99 | result |\n|---|---|---|---|---|")
    for name, requests, failures, p99, verdict in rows:
        print(f"| {name} | {requests} | {failures} | {p99 * 1000:.0f} ms | {verdict} |")


if __name__ == "__main__":
    main()
