"""gunicorn with the Procfile's settings under faults (shorter than bench/faults.py):
slow clients, a frozen PostgreSQL, a damaged new index version, a limit across workers."""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kb.indexer import CURRENT_LINK, build_index, current_version_path
from kb.ingest import load_content

from ..conftest import CONTENT
from .conftest import Gunicorn

POSTGRES = os.environ.get("KB_TEST_POSTGRES_URL")


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("resilience") / "index"
    build_index(load_content([CONTENT]), folder)
    return folder


def serve(tmp_path, index_dir, **env) -> Gunicorn:
    settings = {"KB_INDEX_DIR": str(index_dir), "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
                "KB_RATE_LIMIT": "100000 per minute", **env}
    return Gunicorn(tmp_path, settings).start()


def ask(url: str, question: str = "保険証をなくしました") -> tuple[int, float]:
    request = urllib.request.Request(url + "/api/ask", json.dumps({"question": question}).encode(),
                                     {"Content-Type": "application/json"})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            return response.status, time.perf_counter() - started
    except urllib.error.HTTPError as error:
        return error.code, time.perf_counter() - started


def stall(url: str, start_of_request: bytes) -> socket.socket:
    parts = urllib.parse.urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port))
    connection.sendall(start_of_request)
    return connection


def test_two_slow_clients_do_not_hold_up_healthz(tmp_path, index_dir):
    app = serve(tmp_path, index_dir)
    slow = [stall(app.url, b"GET /api/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
            stall(app.url, b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                           b"Content-Length: 100\r\n\r\n{")]
    try:
        time.sleep(0.3)
        for _ in range(20):
            started = time.perf_counter()
            urllib.request.urlopen(app.url + "/healthz", timeout=5).close()
            assert time.perf_counter() - started < 1
    finally:
        for connection in slow:
            connection.close()
        app.stop()


def flood(url: str, seconds: float, threads: int = 4) -> list[int]:
    statuses: list[int] = []
    stop_at = time.monotonic() + seconds

    def client():
        while time.monotonic() < stop_at:
            statuses.append(ask(url)[0])

    workers = [threading.Thread(target=client) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return statuses


def test_the_configured_limit_holds_across_two_workers(tmp_path, index_dir):
    app = serve(tmp_path, index_dir, KB_RATE_LIMIT="20 per minute")
    try:
        statuses = flood(app.url, 3)
    finally:
        app.stop()
    assert set(statuses) == {200, 429} and 18 <= statuses.count(200) <= 20


def test_a_damaged_new_version_fails_no_request(tmp_path):
    index_dir = tmp_path / "index"
    good = build_index(load_content([CONTENT]), index_dir)
    app = serve(tmp_path, index_dir)
    try:
        served = current_version_path(index_dir)
        damaged = served.parent / "damaged"
        shutil.copytree(served, damaged)
        os.truncate(damaged / "lexical.npz", 0)
        os.symlink(damaged.relative_to(index_dir), index_dir / ".link")
        os.replace(index_dir / ".link", index_dir / CURRENT_LINK)
        assert set(flood(app.url, 1.5)) == {200}
        for _ in range(6):
            ready = json.load(urllib.request.urlopen(app.url + "/readyz", timeout=5))
            assert ready["index_version"] == good and ready["rejected_versions"][0]["version"] == "damaged"
    finally:
        app.stop()


def postmaster_pid(url: str) -> int | None:
    """The PID of the PostgreSQL .ci/run started (its data folder sits beside the socket)."""
    host = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("host", [""])[0]
    pid_file = Path(host) / "data" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if host and pid_file.exists() else None


def process_tree(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid] + [p for child in children for p in process_tree(int(child))]


@pytest.mark.skipif(not POSTGRES or not postmaster_pid(POSTGRES), reason="needs the PostgreSQL .ci/run starts")
def test_a_frozen_postgresql_does_not_slow_answers(tmp_path, index_dir):
    app = serve(tmp_path, index_dir, KB_DATABASE_URL=POSTGRES)
    frozen = []
    try:
        assert ask(app.url)[0] == 200  # the workers' writers are connected
        time.sleep(0.5)
        frozen = process_tree(postmaster_pid(POSTGRES))
        for pid in frozen:
            os.kill(pid, signal.SIGSTOP)
        results = [ask(app.url) for _ in range(30)]
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
        app.stop()
    assert {status for status, _ in results} == {200}
    assert max(seconds for _, seconds in results) < 1


def test_records_queued_at_shutdown_are_written(tmp_path, index_dir):
    from kb.records import Records, questions

    app = serve(tmp_path, index_dir)
    statuses = [ask(app.url, f"保険証の質問{i}")[0] for i in range(40)]
    app.stop()  # SIGTERM: gunicorn's graceful shutdown runs worker_exit
    records = Records(f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    assert statuses == [200] * 40 and records.count(questions) == 40
    records.dispose()
