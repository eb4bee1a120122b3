"""What the service tells a stranger and what it takes from one (issue 18, section 7):
/readyz names no path or exception, and gunicorn leaves no control socket in $HOME."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

from kb.indexer import build_index
from kb.ingest import load_content

from .conftest import ROOT
from .e2e.conftest import free_port, wait_until_ready
from .test_kbstate import DAMAGES, publish_copy


def test_readyz_says_only_which_versions_were_unreadable(tmp_path, content_dir, caplog):
    from webapp import create_app

    index_dir = tmp_path / "index"
    good = build_index(load_content([content_dir]), index_dir)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "DATABASE_URL": f"sqlite:///{tmp_path}/db"})
    client = app.test_client()
    caplog.set_level(logging.INFO)
    rejected = []
    for damage in ("vocabulary removed", "meta.json not JSON"):
        rejected.append(publish_copy(index_dir, DAMAGES[damage]))
        assert client.get("/api/topics").status_code == 200  # a request opens (and refuses) the new version
    body = client.get("/readyz").get_data(as_text=True)
    ready = client.get("/readyz").get_json()
    assert ready["index_version"] == good
    assert ready["rejected_versions"] == [{"version": name, "reason": "unreadable"} for name in rejected]
    assert str(tmp_path) not in body and "Error" not in body and "/" not in body
    # the reasons are in the log, for the operator
    assert "FileNotFoundError" in caplog.text and "JSONDecodeError" in caplog.text and str(tmp_path) in caplog.text
    app.extensions["kb_record_queue"].close()


def test_gunicorn_as_the_procfile_runs_it_puts_no_control_socket_in_home(tmp_path, seed_index):
    """gunicorn ≥ 25 opens a control socket in $HOME/.gunicorn (or $XDG_RUNTIME_DIR): a
    second instance for the same user would take it over. gunicorn.conf.py turns it off."""
    home = tmp_path / "home"
    home.mkdir()
    port = free_port()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "PORT": str(port), "WEB_CONCURRENCY": "1",
           "KB_INDEX_DIR": str(seed_index), "KB_DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"}
    with open(tmp_path / "gunicorn.log", "w") as log:
        process = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--bind",
                                    f"127.0.0.1:{port}", "webapp:create_app()"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_ready(f"http://127.0.0.1:{port}/readyz", process, seconds=60)
            assert list(home.iterdir()) == [], (tmp_path / "gunicorn.log").read_text()
        finally:
            process.terminate()
            process.wait(timeout=20)
