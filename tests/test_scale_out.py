"""Two app nodes, as a city or a vendor scales out: each its own gunicorn and index folder,
built from the same content, sharing one PostgreSQL (records) and one Redis (rate limits).

Runs where .ci/run starts both servers (KB_TEST_POSTGRES_URL, KB_TEST_REDIS_URL)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from kb.indexer import build_index
from kb.ingest import load_content
from kb.records import Records, feedback

from .conftest import CONTENT, ROOT, entry_id
from .e2e.conftest import free_port, wait_until_ready

POSTGRES = os.environ.get("KB_TEST_POSTGRES_URL")
REDIS = os.environ.get("KB_TEST_REDIS_URL")
LIMIT = 40  # questions per minute per client, across both nodes

pytestmark = pytest.mark.skipif(not (POSTGRES and REDIS), reason="KB_TEST_POSTGRES_URL and KB_TEST_REDIS_URL not set "
                                "(the CI script starts a PostgreSQL and a Redis and sets them)")


def _call(url: str, body: dict | None = None) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"} if data else {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}


@pytest.fixture(scope="module")
def nodes(tmp_path_factory):
    from redis import Redis

    Redis.from_url(REDIS.replace("redis+unix://", "unix://")).flushall()  # no counters from an earlier run
    workdir = tmp_path_factory.mktemp("two-nodes")
    content = load_content([CONTENT])
    urls = []
    with ExitStack() as stack:
        for name in ("a", "b"):
            index_dir = workdir / f"index-{name}"
            build_index(content, index_dir)  # each node builds its own copy of the same content
            port = free_port()
            env = {**os.environ, "KB_INDEX_DIR": str(index_dir), "KB_DATABASE_URL": POSTGRES,
                   "KB_RATE_LIMIT_STORAGE": REDIS, "KB_RATE_LIMIT": f"{LIMIT} per minute",
                   "KB_RATE_LIMIT_LOOKUP": "100000 per minute", "KB_SPOOL_DIR": str(workdir / f"spool-{name}"),
                   "WEB_CONCURRENCY": "2"}
            log = stack.enter_context(open(workdir / f"node-{name}.log", "w"))
            process = stack.enter_context(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
                 "webapp:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log))
            stack.callback(lambda p=process: (p.terminate(), p.wait(timeout=20)))
            url = f"http://127.0.0.1:{port}"
            wait_until_ready(url + "/readyz", process)
            urls.append((url, index_dir))
        yield urls


def test_both_nodes_serve_the_same_content(nodes):
    (a, _), (b, _) = nodes
    ready_a, ready_b = _call(a + "/readyz")[1], _call(b + "/readyz")[1]
    assert ready_a["index_version"] != ready_b["index_version"]  # built apart…
    assert ready_a["content_hash"] == ready_b["content_hash"] is not None  # …from the same content


def test_the_per_client_limit_holds_across_both_nodes(nodes):
    (a, _), (b, _) = nodes
    statuses = [_call((a, b)[i % 2] + "/api/ask", {"question": "保険証をなくした"})[0] for i in range(2 * LIMIT)]
    answered = statuses.count(200)
    assert abs(answered - LIMIT) <= LIMIT * 0.1, statuses  # one budget, not one per node or worker
    assert set(statuses) <= {200, 429}


def test_records_written_through_both_nodes_all_land(nodes):
    (a, _), (b, _) = nodes
    marker = uuid.uuid4().hex[:8].translate(str.maketrans("0123456789", "ghijklmnop"))  # no digits: kept as typed
    sent = [f"{marker} {'abcdefghijklmnopqrst'[i]}" for i in range(20)]
    for i, comment in enumerate(sent):
        status, body = _call((a, b)[i % 2] + "/api/feedback", {"entry_id": entry_id("7"), "helpful": True,
                                                                "comment": comment})
        assert status == 201 and body["stored"]
    records = Records(POSTGRES)
    deadline, stored = time.monotonic() + 20, set()
    while time.monotonic() < deadline and stored != set(sent):
        time.sleep(0.3)
        with records.engine.connect() as conn:
            stored = {c for c in conn.execute(select(feedback.c.comment)).scalars() if c and c.startswith(marker)}
    records.dispose()
    assert stored == set(sent)


def test_a_new_index_version_reaches_both_nodes_with_no_failed_request(nodes):
    statuses: list[int] = []
    stop = threading.Event()

    def search(url: str) -> None:
        while not stop.is_set():
            statuses.append(_call(url + "/api/search?q=" + urllib.request.quote("保険証"))[0])

    clients = [threading.Thread(target=search, args=(url,)) for url, _ in nodes for _ in range(2)]
    for client in clients:
        client.start()
    try:
        before = {url: _call(url + "/readyz")[1]["index_version"] for url, _ in nodes}
        content = load_content([CONTENT])
        fresh = {url: build_index(content, index_dir) for url, index_dir in nodes}  # "kb build" on each node
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(_call(url + "/readyz")[1]["index_version"] != fresh[url]
                                                  for url, _ in nodes):
            time.sleep(0.2)
        time.sleep(0.5)  # a moment of traffic on the new versions
    finally:
        stop.set()
        for client in clients:
            client.join()
    assert all(_call(url + "/readyz")[1]["index_version"] == fresh[url] != before[url] for url, _ in nodes)
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
