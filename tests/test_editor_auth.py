"""The editors' area is signed-in only, CSRF-protected and rate-limited; residents' pages
and the API stay cookie-free."""
from __future__ import annotations

import pytest

from .editor_helpers import HTTPS, PASSWORD, csrf_token, editor_app, post, sign_in


@pytest.fixture
def app(tmp_path):
    application = editor_app(tmp_path, EDITOR_SIGNIN_LIMIT="5 per minute")
    yield application
    application.extensions["kb_records"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


def editor_pages(app):
    """Every /editor/ URL but the sign-in page, with its methods."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("editor.") and rule.endpoint != "editor.sign_in":
            path = rule.rule.replace("<name>", "questions").replace("<int:edit_id>", "1")
            yield path, rule.methods - {"HEAD", "OPTIONS"}


def test_every_editor_page_sends_anonymous_visitors_to_sign_in(app, client):
    pages = list(editor_pages(app))
    assert len(pages) >= 7
    for path, methods in pages:
        if "GET" in methods:
            response = client.get(path, base_url=HTTPS)
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/editor/sign-in?next="), path
        if "POST" in methods:  # no token, no session: refused before anything happens
            assert post(client, path).status_code == 400, path


def test_right_password_signs_in_and_returns_to_the_page_asked_for(client):
    token = csrf_token(client)
    response = post(client, "/editor/sign-in?next=/editor/unanswered",
                    {"name": "suzuki", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/editor/unanswered"
    assert client.get("/editor/", base_url=HTTPS).status_code == 200


@pytest.mark.parametrize("name, password", [("suzuki", "wrong password!"), ("tanaka", PASSWORD), ("suzuki", "")])
def test_wrong_credentials_are_refused(client, name, password):
    response = sign_in(client, name, password)
    assert response.status_code in (200, 401) and "編集者のサインイン" in response.get_data(as_text=True)
    assert client.get("/editor/", base_url=HTTPS).status_code == 302


def test_next_never_leaves_the_editors_area(client):
    token = csrf_token(client)
    response = post(client, "/editor/sign-in?next=https://evil.example/",
                    {"name": "suzuki", "password": PASSWORD, "csrf_token": token})
    assert response.headers["Location"] == "/editor/"


def test_forms_without_csrf_token_get_400(client):
    csrf_token(client)  # a session exists, the token is just not sent
    assert post(client, "/editor/sign-in", {"name": "suzuki", "password": PASSWORD}).status_code == 400
    assert sign_in(client).status_code == 302
    assert post(client, "/editor/unanswered/fix", {"question": "質問", "entry_id": "x"}).status_code == 400
    assert post(client, "/editor/sign-out").status_code == 400


def test_sign_out_ends_the_session(client):
    sign_in(client)
    token = csrf_token(client, "/editor/")
    assert post(client, "/editor/sign-out", {"csrf_token": token}).status_code == 302
    assert client.get("/editor/", base_url=HTTPS).status_code == 302


def test_sign_in_attempts_are_rate_limited(client):
    statuses = [sign_in(client, "suzuki", f"guess number {n}").status_code for n in range(6)]
    assert statuses[:5] == [401] * 5 and statuses[5] == 429


def test_session_cookie_is_secure_httponly_strict_and_scoped_to_editor(client):
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/editor/" in cookie


def test_residents_pages_and_api_set_no_cookie(client):
    sign_in(client)
    responses = [client.get(path, base_url=HTTPS) for path in
                 ("/", "/?q=保険証", "/entries/000_54ca3830d61bfcef.1", "/widget-demo", "/sitemap.xml", "/robots.txt",
                  "/api/search?q=保険証", "/api/topics", "/healthz")]
    responses.append(client.post("/api/ask", base_url=HTTPS, json={"question": "保険証をなくした"}))
    responses.append(client.post("/api/feedback", base_url=HTTPS, json={"entry_id": "000_54ca3830d61bfcef.1", "helpful": False}))
    for response in responses:
        assert response.status_code < 400 and "Set-Cookie" not in response.headers, response.request.path


def test_remote_user_signs_in_only_when_trusted(tmp_path):
    trusted = editor_app(tmp_path / "a", TRUST_REMOTE_USER="1").test_client()
    assert trusted.get("/editor/", base_url=HTTPS, environ_base={"REMOTE_USER": "sato"}).status_code == 200
    untrusted = editor_app(tmp_path / "b").test_client()
    assert untrusted.get("/editor/", base_url=HTTPS, environ_base={"REMOTE_USER": "sato"}).status_code == 302


def test_editor_pages_keep_the_csp_without_inline_script(client):
    import re
    sign_in(client)
    for path in ("/editor/", "/editor/unanswered", "/editor/edits"):
        response = client.get(path, base_url=HTTPS)
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.get_data(as_text=True)), path
