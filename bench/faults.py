"""Faults under bounded load: the answers stay up.

    python bench/faults.py [--seconds 20] [--concurrency 4] [--skip-postgres]

Starts gunicorn with the Procfile's settings (gunicorn.conf.py: 2 gthread workers,
preloaded index) on 127.0.0.1 and, while client threads send real questions, injects:
  corrupt new version   a copy of the served version with its term matrix emptied is made
                        current; /readyz must then name it as rejected
  SQLite locked         another process holds BEGIN EXCLUSIVE on the records database
  PostgreSQL stopped    a throwaway PostgreSQL (started like .ci/run does) is SIGSTOPped
  two slow clients      two connections stall mid-header and mid-body; /healthz is timed
  rate limit            one client floods /api/ask; the 200s must be the configured limit ±10 %
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


def slow_clients(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir) as url:
        slow = [stall(url, b"GET /api/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
                stall(url, b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100\r\n\r\n{\"question\": ")]
        time.sleep(0.5)
        result = flood(url, seconds, concurrency, asked, path="/healthz")
        for connection in slow:
            connection.close()
    return result, "/healthz p99 < 1 s" if result["p99"] < 1 and not failed(result) else "NOT MET"


def rate_limit(tmp: Path, index_dir: Path, seconds: float, concurrency: int, asked) -> tuple:
    with server(tmp, index_dir, KB_RATE_LIMIT=f"{RATE_LIMIT} per minute") as url:
        result = flood(url, min(seconds, 30), concurrency, asked)
    answered = result["statuses"].get(200, 0)
    within = abs(answered - RATE_LIMIT) <= RATE_LIMIT * 0.1
    return result, (f"{answered} answered, limit {RATE_LIMIT} per minute: "
                    f"{'within' if within else 'NOT within'} 10 %"), (200, 429)


FAULTS = {
    "corrupt new version": corrupt_version,
    "SQLite locked (BEGIN EXCLUSIVE)": sqlite_locked,
    "PostgreSQL SIGSTOPped": postgres_stopped,
    "two slow clients": slow_clients,
    "rate limit, 2 workers": rate_limit,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each fault")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--corpus", choices=["seed", "amagasaki"], default="seed")
    parser.add_argument("--skip-postgres", action="store_true", help="no PostgreSQL on this machine")
    args = parser.parse_args()
    asked = questions()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp) / "index"
        build_corpus(args.corpus, index_dir, "on")  # the product default: semantic signal on
        for name, run in FAULTS.items():
            if args.skip_postgres and "PostgreSQL" in name:
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
