"""Bodies a WSGI server hands over badly or too large get our JSON error, never a 500."""
from __future__ import annotations

import io

from .webapp_helpers import assert_api_error


class BrokenChunks(io.BytesIO):
    """What gunicorn's body reader does on a malformed chunk size: raise while reading."""

    def read(self, size=-1):
        raise ValueError("Invalid chunk size: 'ZZ'")

    readinto = read1 = readline = read


def chunked(client, stream):
    return client.post("/api/ask", input_stream=stream, content_type="application/json",
                       environ_overrides={"wsgi.input_terminated": True},
                       headers={"Transfer-Encoding": "chunked"})


def test_malformed_chunk_size_is_a_400(client):
    assert_api_error(chunked(client, BrokenChunks()), 400)


def test_chunked_body_over_the_limit_is_a_413(client):
    body = b'{"question": "' + "保険".encode() * 10_000 + b'"}'
    assert_api_error(chunked(client, io.BytesIO(body)), 413)


def test_chunked_body_within_the_limit_is_answered(client):
    response = chunked(client, io.BytesIO('{"question": "保険証をなくした"}'.encode()))
    assert response.status_code == 200 and response.get_json()["question"] == "保険証をなくした"


def test_405_says_which_methods_are_allowed(client):
    response = client.delete("/api/ask")
    assert_api_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"POST"}


def test_429_keeps_retry_after(seed_index, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "RATE_LIMIT": "1 per minute",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    client = app.test_client()
    client.post("/api/ask", json={"question": "保険"})
    response = client.post("/api/ask", json={"question": "保険"})
    assert_api_error(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    app.extensions["kb_record_queue"].close()


def test_superscript_and_circled_page_numbers_are_400(client):
    for page in ("²", "①"):
        assert_api_error(client.get(f"/api/search?q=保険&page={page}"), 400)
        assert client.get(f"/?q=保険&page={page}").status_code == 400
