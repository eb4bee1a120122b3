"""What the service tells a stranger and what it takes from one (issue 18, section 7):
/readyz names no path or exception, gunicorn leaves no control socket in $HOME, and a Host
header that does not name this service gets 400 (it would become canonical links, JSON-LD,
sitemap and robots.txt)."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from kb.indexer import build_index
from kb.ingest import load_content

from .conftest import ROOT, SEED_ID
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


# Pages whose links are made from the request's host when KB_PUBLIC_URL is unset.
HOST_PAGES = ("/", f"/entries/{SEED_ID}.1", "/sitemap.xml", "/robots.txt", "/api/topics", "/widget-demo", "/nosuch")


def host_app(seed_index, tmp_path, **config):
    from webapp import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "DATABASE_URL": f"sqlite:///{tmp_path / 'db'}",
                       **config})


def get(app, path, host):
    return app.test_client().get(path, headers={"Host": host})


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.1.nip.io"])
def test_a_host_that_is_not_ours_gets_400_everywhere(seed_index, tmp_path, host):
    app = host_app(seed_index, tmp_path)
    for path in HOST_PAGES:
        response = get(app, path, host)
        assert response.status_code == 400, path
        assert "evil" not in response.get_data(as_text=True) and "nip.io" not in response.get_data(as_text=True)
    # the probes address the container by its IP: they answer whatever the host
    assert get(app, "/healthz", host).status_code == 200 and get(app, "/readyz", host).status_code == 200
    app.extensions["kb_record_queue"].close()


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST:5000"])
def test_the_loopback_names_are_served_when_nothing_is_configured(seed_index, tmp_path, host):
    """The README's first command serves http://127.0.0.1:8000/."""
    app = host_app(seed_index, tmp_path)
    for path in HOST_PAGES[:-1]:
        assert get(app, path, host).status_code == 200, path
    assert f"Sitemap: http://{host.lower()}/sitemap.xml" in get(app, "/robots.txt", host).get_data(as_text=True)
    app.extensions["kb_record_queue"].close()


def test_the_public_urls_host_is_served_and_others_refused(seed_index, tmp_path):
    app = host_app(seed_index, tmp_path, PUBLIC_URL="https://kb.city.example.jp/")
    assert get(app, "/sitemap.xml", "kb.city.example.jp").status_code == 200
    assert get(app, "/", "KB.City.Example.JP:443").status_code == 200
    assert get(app, "/", "localhost:8000").status_code == 200
    assert get(app, "/", "evil.example").status_code == 400
    assert get(app, "/", "city.example.jp").status_code == 400
    app.extensions["kb_record_queue"].close()


def test_allowed_hosts_are_the_only_hosts_when_set(seed_index, tmp_path):
    app = host_app(seed_index, tmp_path, ALLOWED_HOSTS="kb.city.example.jp, .example.org")
    for host, status in [("kb.city.example.jp", 200), ("example.org", 200), ("faq.example.org:8443", 200),
                         ("localhost", 400), ("evil.example", 400), ("example.org.evil.example", 400)]:
        assert get(app, "/api/topics", host).status_code == status, host
    assert app.config["ALLOWED_HOSTS"] == ("kb.city.example.jp", ".example.org")
    app.extensions["kb_record_queue"].close()


@pytest.mark.parametrize("value", ["https://kb.city.example.jp", "kb.city.example.jp:443", "kb.city.example.jp/faq",
                                   "kb city"])
def test_an_allowed_host_that_is_not_a_host_name_stops_the_app(seed_index, tmp_path, value):
    with pytest.raises(SystemExit, match="KB_ALLOWED_HOSTS"):
        host_app(seed_index, tmp_path, ALLOWED_HOSTS=value)
