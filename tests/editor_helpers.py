"""Helpers for the editors' area tests: an app over a private copy of the content, signing in."""
from __future__ import annotations

import re
import shutil

from kb import set_editor_password
from kb.indexer import build_index
from kb.ingest import load_content

from .conftest import CONTENT

PASSWORD = "correct horse battery"
HTTPS = "https://localhost"  # the session cookie is Secure: the test client must speak https


def editor_app(tmp_path, **config):
    """An app whose content folder and index are the test's own (the fix rewrites both)."""
    from webapp import create_app

    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(CONTENT, content)
    build_index(load_content([content]), index)
    app = create_app({
        "TESTING": True, "INDEX_DIR": str(index), "CONTENT_DIR": str(content),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}", "SECRET_KEY": "test-secret",
        "RATE_LIMIT": "1000 per minute", **config,
    })
    set_editor_password(app.extensions["kb_records"].engine, "suzuki", PASSWORD)
    return app


def csrf_token(client, path="/editor/sign-in") -> str:
    page = client.get(path, base_url=HTTPS).get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def post(client, path, data=None):
    """A form POST as a browser sends it over https: Flask-WTF also checks the Referer there."""
    return client.post(path, base_url=HTTPS, data=data or {}, headers={"Referer": f"{HTTPS}/editor/"})


def sign_in(client, name="suzuki", password=PASSWORD):
    token = csrf_token(client)
    return post(client, "/editor/sign-in", {"name": name, "password": password, "csrf_token": token})
