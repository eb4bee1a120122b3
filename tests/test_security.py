"""Headers, CORS for the configured origins only, rate limits, settings."""
from __future__ import annotations

import threading

import pytest

from webapp import StartupError, create_app
from webapp.ratestore import SCHEME, SweptMemoryStorage

from .webapp_helpers import assert_api_error

ALLOWED = "https://www.city.example.jp"


def test_security_headers_on_pages_and_api(client):
    for path in ("/", "/api/topics"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_cors_allows_only_configured_origins(client):
    good = client.get("/api/topics", headers={"Origin": ALLOWED})
    assert good.headers["Access-Control-Allow-Origin"] == ALLOWED
    bad = client.get("/api/topics", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in bad.headers


def test_cors_preflight_for_the_widget(client):
    response = client.options("/api/ask", headers={
        "Origin": ALLOWED, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "Content-Type"})
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_widget_script_may_be_embedded_elsewhere(client):
    with client.get("/static/widget.js") as response:
        assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


def test_rate_limit_answers_429_json(seed_index, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT": "3 per minute",
                      "RATE_LIMIT_LOOKUP": "5 per minute", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    statuses = [client.post("/api/ask", json={"question": "保険証"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert_api_error(client.post("/api/ask", json={"question": "保険証"}), 429)
    lookups = [client.get("/api/suggest?q=まいな").status_code for _ in range(6)]
    assert lookups == [200] * 5 + [429]  # look-ups have their own, higher limit
    assert client.get("/healthz").status_code == 200  # probes are not limited


def test_pages_have_the_lookup_limit(seed_index, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT_LOOKUP": "2 per minute",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    assert [client.get("/?q=保険証").status_code for _ in range(3)] == [200, 200, 429]
    with client.get("/static/widget.js") as script:
        assert script.status_code == 200
    assert client.get("/readyz").status_code == 200
    app.extensions["kb_record_queue"].close()


def test_every_look_up_draws_on_one_budget_per_client(seed_index, tmp_path):
    """Five look-up endpoints each with its own counter gave one client five times the limit."""
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT_LOOKUP": "6 per minute",
                      "RATE_LIMIT": "100 per minute", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    paths = ["/api/search?q=保険証", "/api/suggest?q=まいな", "/api/topics", "/api/entries/000_54ca3830d61bfcef.1",
             "/entries/000_54ca3830d61bfcef.1", "/?q=保険証", "/api/topics"]
    assert [client.get(path).status_code for path in paths] == [200] * 6 + [429]
    assert client.post("/api/ask", json={"question": "保険証"}).status_code == 200  # questions have their own
    app.extensions["kb_record_queue"].close()


@pytest.fixture
def two_workers():
    from webapp.security import share_limits_between

    share_limits_between(2)
    yield
    share_limits_between(1)


def test_each_of_two_workers_enforces_half_the_limit(seed_index, tmp_path, two_workers):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT": "6 per minute",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    statuses = [client.post("/api/ask", json={"question": "保険証"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    app.extensions["kb_record_queue"].close()


def test_a_shared_storage_enforces_the_whole_limit_in_each_worker(two_workers):
    from webapp.security import worker_share

    assert worker_share("60 per minute", "redis://localhost") == "60 per minute"
    assert worker_share("60 per minute; 1000 per day", "memory://") == "30 per 1 minute; 500 per 1 day"


def test_rate_limit_counts_residents_behind_a_trusted_proxy(seed_index, tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT_LOOKUP": "2 per minute",
                      "PROXY_COUNT": "1", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    first = [client.get("/api/topics", headers={"X-Forwarded-For": "203.0.113.1"}).status_code for _ in range(3)]
    other = client.get("/api/topics", headers={"X-Forwarded-For": "203.0.113.2"}).status_code
    assert first == [200, 200, 429] and other == 200


def test_missing_index_stops_start_up_with_the_command(tmp_path):
    with pytest.raises(StartupError, match=r"no knowledge-base index at .*nothing.*kb build --index"):
        create_app({"INDEX_DIR": str(tmp_path / "nothing"), "DATABASE_URL": "sqlite://"})


def test_corrupt_index_stops_start_up_with_the_command(seed_index, tmp_path):
    import shutil

    from kb.indexer import current_version_path

    broken = tmp_path / "index"
    shutil.copytree(seed_index, broken, symlinks=True)
    (current_version_path(broken) / "entries.json").write_text("{oops", "utf-8")
    with pytest.raises(StartupError, match=r"cannot be read .*kb build --index"):
        create_app({"INDEX_DIR": str(broken), "DATABASE_URL": "sqlite://"})


@pytest.mark.parametrize("setting, value", [
    ("ALLOWED_ORIGINS", "www.city.example.jp"),
    ("ANSWER_THRESHOLD", "1.5"),
    ("MAX_QUESTION_CHARS", "0"),
])
def test_bad_settings_name_themselves(seed_index, setting, value):
    with pytest.raises(SystemExit, match=f"KB_{setting}"):
        create_app({"INDEX_DIR": str(seed_index), setting: value})


def test_rate_limit_counters_start_no_thread_per_request(app, monkeypatch):
    storage = app.extensions["limiter"].storage
    assert isinstance(storage, SweptMemoryStorage)
    started = []
    monkeypatch.setattr(threading.Thread, "start", lambda thread: started.append(thread))
    for _ in range(20):
        storage.incr("client", 60)
    assert started == [] and storage.get("client") == 20


def test_expired_rate_limit_counters_are_swept_inline():
    storage = SweptMemoryStorage(f"{SCHEME}://")
    storage.incr("gone", 0)  # expires at once
    storage._next_sweep = 0.0  # a sweep is due
    storage.incr("kept", 60)
    assert "gone" not in storage.storage and storage.get("kept") == 1


@pytest.mark.parametrize("env, bind", [
    ({}, "0.0.0.0:8000"),
    ({"PORT": "9000"}, "0.0.0.0:9000"),
    ({"KB_PROXY_COUNT": "1"}, "127.0.0.1:8000"),  # behind a proxy nobody else may connect
    ({"KB_PROXY_COUNT": "1", "KB_BIND": "10.0.0.5:8000"}, "10.0.0.5:8000"),
])
def test_gunicorn_binds_to_loopback_behind_a_proxy(monkeypatch, env, bind):
    import runpy
    from pathlib import Path

    for name in ("PORT", "KB_PROXY_COUNT", "KB_BIND"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    assert settings["bind"] == bind
