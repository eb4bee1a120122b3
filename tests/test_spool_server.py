"""Under the Procfile's gunicorn: feedback answered `stored: true` survives kill -9 of the workers."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from .conftest import ROOT, entry_id
from .e2e.conftest import free_port, wait_until_ready


def _post(url: str, comment: str) -> dict:
    body = json.dumps({"entry_id": entry_id("7"), "helpful": False, "comment": comment}).encode()
    request = urllib.request.Request(url + "/api/feedback", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(p) for p in found]


def test_acknowledged_feedback_is_in_the_database_after_the_workers_are_killed(seed_index, tmp_path):
    port, database = free_port(), tmp_path / "kb.sqlite3"
    env = {**os.environ, "KB_INDEX_DIR": str(seed_index), "KB_DATABASE_URL": f"sqlite:///{database}",
           "KB_SPOOL_DIR": str(tmp_path / "spool"), "KB_RATE_LIMIT": "100000 per minute", "PORT": str(port),
           "WEB_CONCURRENCY": "2"}
    with open(tmp_path / "server.log", "w") as log, subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}",
             "webapp:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log) as master:
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_ready(url + "/readyz", master)
            comments = [f"コメント{i}" for i in range(60)]
            with ThreadPoolExecutor(6) as pool:
                replies = list(pool.map(lambda c: _post(url, c), comments))
            for worker in _children(master.pid):  # an OOM kill or a container kill, right after
                os.kill(worker, signal.SIGKILL)
            assert all(reply["stored"] for reply in replies)
            deadline, stored = time.monotonic() + 30, set()
            while time.monotonic() < deadline and stored != set(comments):
                time.sleep(0.5)
                try:
                    with sqlite3.connect(database) as conn:
                        stored = {row[0] for row in conn.execute("select comment from feedback")}
                except sqlite3.Error:
                    continue
            assert stored == set(comments)  # the new workers took over what the killed ones acknowledged
        finally:
            master.terminate()
            master.wait(timeout=20)
