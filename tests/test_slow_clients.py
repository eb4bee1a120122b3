"""Under the Procfile's gunicorn, clients that stall mid-request do not take the service down."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import urllib.request

import pytest

from webapp.gunicorn_worker import request_complete

from .conftest import ROOT
from .e2e.conftest import free_port, wait_until_ready

STALLED = 50


@pytest.fixture(scope="module")
def procfile_server(seed_index, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("slow-clients")
    port = free_port()
    env = {**os.environ, "KB_INDEX_DIR": str(seed_index), "KB_DATABASE_URL": f"sqlite:///{workdir / 'kb.sqlite3'}",
           "KB_SPOOL_DIR": str(workdir / "spool"), "KB_RATE_LIMIT": "100000 per minute",
           "KB_RATE_LIMIT_LOOKUP": "100000 per minute", "WEB_CONCURRENCY": "2", "WEB_THREADS": "4"}
    with open(workdir / "server.log", "w") as log, subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "webapp:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log) as master:
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/readyz", master)
            yield port
        finally:
            master.terminate()
            master.wait(timeout=20)


STALLS = [
    b"GET /api/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ",  # a header never finished
    b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    b"Content-Length: 100\r\n\r\n{\"question\": ",  # a body never finished
    b"G",  # one byte, then nothing
]


def test_fifty_stalled_sockets_leave_healthz_and_questions_answered(procfile_server):
    port = procfile_server
    stalled = []
    try:
        for i in range(STALLED):
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(STALLS[i % len(STALLS)])
            stalled.append(connection)
        for _ in range(10):  # a stalled thread would make these time out
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=3) as response:
                assert response.status == 200
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/ask",
                                         '{"question": "保険証をなくした"}'.encode(), {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            assert response.status == 200
    finally:
        for connection in stalled:
            connection.close()


def test_a_request_sent_in_pieces_is_still_answered(procfile_server):
    body = '{"question": "保険証をなくした"}'.encode()
    with socket.create_connection(("127.0.0.1", procfile_server), timeout=10) as connection:
        for piece in (b"POST /api/ask HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"Content-Type: application/json\r\n",
                      f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode(), body[:5], body[5:]):
            connection.sendall(piece)
        reply = b""
        while chunk := connection.recv(65536):
            reply += chunk
    assert reply.startswith(b"HTTP/1.1 200") and "answered".encode() in reply


@pytest.mark.parametrize("data, complete", [
    (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", True),
    (b"GET / HTTP/1.1\r\nHost: x\r\n", False),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabc", False),
    (b"POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", True),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n", False),
    (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", True),
    (b"POST / HTTP/1.1\r\nContent-Length: 500\r\nExpect: 100-continue\r\n\r\n", True),
])
def test_a_request_is_complete_when_its_head_and_body_have_arrived(data, complete):
    assert request_complete(data) is complete
