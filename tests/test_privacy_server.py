"""gunicorn, run as the Procfile runs it, fed ≥ 500 generated cases through every channel:
no run of 6 of a secret's digits (any width or numeral system) may reach the database,
the access log, the error log or any reply."""
from __future__ import annotations

import json
import re
import runpy
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest

from kb.privacy.folding import fold
from kb.editorial import metadata as editorial_metadata
from kb.records import metadata

from .conftest import CONTENT, ROOT, entry_id
from .e2e.conftest import free_port, wait_until_ready
from .privacy_cases import Secret, sample, sentences

CASES = 560
PROCFILE_SETTINGS = runpy.run_path(str(ROOT / "gunicorn.conf.py"))  # what the Procfile's gunicorn reads
PROCFILE_FORMAT = PROCFILE_SETTINGS["access_log_format"]
PROCFILE_WORKER = PROCFILE_SETTINGS["worker_class"]
# What the server writes itself: timestamps (also in the index version), pids, durations.
NOISE = re.compile(r"\[[^\]\n]*\d{4}[^\]\n]*\]|\d{4}-\d\d-\d\d[ T]\d\d:?\d\d:?\d\d[.,]?\d*|time=\S+|pid: \d+|\[\d+\]")
# Digit runs this close, with no letter or line break between, count as one number.
_CHAIN = re.compile(r"[0-9]+(?:[^A-Za-z\n0-9]{1,8}[0-9]+)*")


class Seen:
    """What an output (a reply, a log, the database) holds: runs of 6 digits and its text."""

    def __init__(self, output: str):
        self.text = fold(NOISE.sub(" ", output)).text.lower()
        self.windows: set[str] = set()
        for chain in _CHAIN.finditer(self.text):
            digits = re.sub(r"[^0-9]", "", chain.group())
            self.windows |= {digits[i:i + 6] for i in range(len(digits) - 5)}

    def holds(self, secret: Secret) -> bool:
        runs = {secret.digits[i:i + 6] for i in range(len(secret.digits) - 5)}
        return bool(runs & self.windows) or any(word in self.text for word in secret.words)


@pytest.fixture(scope="module")
def server(seed_index, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("privacy-server")
    port = free_port()
    logs = {name: workdir / f"{name}.log" for name in ("access", "error", "stderr")}
    env = {"PATH": "/usr/bin:/bin", "KB_INDEX_DIR": str(seed_index), "KB_DATABASE_URL": f"sqlite:///{workdir / 'kb.sqlite3'}",
           "KB_RATE_LIMIT": "100000 per minute", "KB_RATE_LIMIT_LOOKUP": "100000 per minute"}
    with open(logs["stderr"], "w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "--workers", "2", "--bind", f"127.0.0.1:{port}",
             "--worker-class", PROCFILE_WORKER, "--access-logfile", str(logs["access"]), "--error-logfile",
             str(logs["error"]), "--log-level", "debug", "--access-logformat", PROCFILE_FORMAT, "webapp:create_app()"],
            cwd=ROOT, env=env, stdout=stderr, stderr=stderr)
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/readyz", process)
            yield f"http://127.0.0.1:{port}", port, process, logs, workdir / "kb.sqlite3"
        finally:
            process.terminate()
            process.wait(timeout=15)


def http(url: str, body: dict | None = None) -> str:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read().decode("utf-8", "replace") + str(response.headers)
    except urllib.error.HTTPError as error:
        return error.read().decode("utf-8", "replace") + str(error.headers)


def raw(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


CHANNELS = {
    "ask": lambda url, port, t: http(url + "/api/ask", {"question": t}),
    "feedback comment": lambda url, port, t: http(url + "/api/feedback", {"entry_id": entry_id("7"), "helpful": False, "comment": t}),
    "search": lambda url, port, t: http(url + "/api/search?q=" + quote(t)),
    "suggest GET": lambda url, port, t: http(url + "/api/suggest?q=" + quote(t)),
    "suggest POST": lambda url, port, t: http(url + "/api/suggest", {"q": t}),
    "filters": lambda url, port, t: http(url + "/api/search?q=" + quote("保険証") + "&topic=" + quote(t) + "&document=" + quote(t)),
    "API path": lambda url, port, t: http(url + "/api/entries/" + quote(t)),
    "page path": lambda url, port, t: http(url + "/entries/" + quote(t)),
    "staff page, across the cut": lambda url, port, t: http(url + "/?q=" + quote("あ" * (200 - len(t) // 2) + t)),
    "raw UTF-8 query": lambda url, port, t: raw(port, b"GET /api/search?q=" + t.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    "bad header name": lambda url, port, t: raw(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + t.encode() + b": 1\r\nConnection: close\r\n\r\n"),
}


def test_no_secret_reaches_database_logs_or_replies(server):
    url, port, process, logs, database = server
    # What the server sends for plain text: cases that would match it by chance are left out.
    baseline = [channel(url, port, "保険証をなくしました") for channel in CHANNELS.values()]
    schema = " ".join(f"{t.name} {' '.join(t.columns.keys())}"  # the file holds these (editors' tables too)
                      for t in (*metadata.sorted_tables, *editorial_metadata.sorted_tables))
    own = Seen((CONTENT / "000_54ca3830d61bfcef.txt").read_text("utf-8") + "".join(baseline) + schema)
    cases = [(text, secret) for text, secret in sample(sentences(), CASES * 2) if not own.holds(secret)][:CASES]
    assert len(cases) >= 500
    names = list(CHANNELS)
    jobs = [(names[i % len(names)], text, secret) for i, (text, secret) in enumerate(cases)]
    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(lambda job: CHANNELS[job[0]](url, port, job[1]), jobs))
    process.terminate()
    process.wait(timeout=15)
    places = {"database": Seen(database.read_bytes().decode("utf-8", "replace")),
              **{name: Seen(path.read_text("utf-8", "replace")) for name, path in logs.items()}}
    assert '"get /api/search" status=200' in places["access"].text and "invalid" in places["error"].text  # logs on
    found = [(channel, place, text) for (channel, text, secret), reply in zip(jobs, replies)
             for place, seen in [("reply", Seen(reply)), *places.items()] if seen.holds(secret)]
    assert found == []
