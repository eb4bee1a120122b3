"""gunicorn in front of the app: start-up errors, logs without personal numbers, and
index rebuilds picked up by every worker while traffic flows."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

from kb.indexer import build_index
from kb.ingest import load_content

from ..conftest import CONTENT, ROOT
from .conftest import Gunicorn


def post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(url, json.dumps(body).encode(), {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_missing_index_stops_gunicorn_with_one_clear_error(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--preload", "--bind", "127.0.0.1:0", "webapp:create_app()"],
        cwd=ROOT, env={"PATH": "/usr/bin:/bin", "KB_INDEX_DIR": str(tmp_path / "none"),
                       "KB_DATABASE_URL": "sqlite://"},
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert f"no knowledge-base index at {tmp_path / 'none'}; build it with: kb build --index" in result.stderr


def test_server_logs_never_hold_a_personal_number(server):
    number = "1234 5678 9018"
    post_json(server.url + "/api/ask", {"question": f"マイナンバー{number}をなくしました"})
    urllib.request.urlopen(server.url + "/api/search?q=" + urllib.parse.quote(number + " 保険証"), timeout=10).close()
    urllib.request.urlopen(server.url + "/?q=" + urllib.parse.quote("１２３４５６７８９０１８"), timeout=10).close()
    time.sleep(0.5)
    log = server.log_path.read_text("utf-8")
    assert "/api/search" in log  # the access log is on…
    assert "9018" not in log and "９０１８" not in log and "%209018" not in log  # …and holds no number


def test_rebuild_under_traffic_switches_every_worker_without_failures(e2e_dir):
    content = e2e_dir / "rebuild-content"
    shutil.copytree(CONTENT, content)
    index_dir = e2e_dir / "rebuild-index"
    build_index(load_content([content]), index_dir)
    app = Gunicorn(e2e_dir, {"KB_INDEX_DIR": str(index_dir), "KB_DATABASE_URL": f"sqlite:///{e2e_dir / 'rb.sqlite3'}",
                             "KB_RATE_LIMIT": "100000 per minute"}, workers=3).start()
    statuses: list[int] = []
    stop = threading.Event()

    def traffic():
        while not stop.is_set():
            statuses.append(post_json(app.url + "/api/ask", {"question": "カードをなくしても保険の情報は漏れないの"})[0])

    threads = [threading.Thread(target=traffic) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        (content / "news.csv").write_text("id,question,answer\n1,粗大ごみの出し方を知りたい,粗大ごみ受付センターへお申し込みください。\n", "utf-8")
        version = build_index(load_content([content]), index_dir)
        time.sleep(1)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    try:
        assert statuses and set(statuses) == {200}, f"{len(statuses)} requests, statuses {set(statuses)}"
        for _ in range(12):  # several requests land on every worker
            assert get_json(app.url + "/readyz")["index_version"] == version
            status, data = post_json(app.url + "/api/ask", {"question": "粗大ごみの出し方を知りたい"})
            assert status == 200 and data["answer"]["id"] == "news.1"
    finally:
        app.stop()
