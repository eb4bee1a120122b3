"""Editors' sign-in and sessions (issue 18, section 5): no account found by timing, limits
that hold across workers and addresses, sessions that can be ended, `kb editor remove`."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, inspect

from kb import editorial, set_editor_password
from kb.cli import main

from .editor_helpers import HTTPS, PASSWORD, csrf_token, editor_app, post, sign_in

HOLD = timedelta(minutes=1)  # the first hold after 5 failed sign-ins; each further one twice as long
HELD = "しばらくサインインできません"


@pytest.fixture
def app(tmp_path):
    # The per-address limit is set high here: these tests are about what holds per account.
    application = editor_app(tmp_path, EDITOR_SIGNIN_LIMIT="1000 per minute")
    yield application
    application.extensions["kb_records"].dispose()


@pytest.fixture
def clock(monkeypatch):
    """The editors' clock (sessions, holds), moved by the test; cookies and CSRF keep real time."""
    class Clock:
        now = datetime.now(timezone.utc)

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fake = Clock()
    monkeypatch.setattr(editorial, "_now", lambda: fake.now, raising=False)
    return fake


def from_address(app, address: str):
    """A browser of its own at `address` (another machine: the per-address limit does not apply)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def attempt(app, password, name="suzuki", address="192.0.2.1"):
    client = from_address(app, address)
    return client, sign_in(client, name, password)


def fail_five_times(app, name="suzuki"):
    for n in range(5):
        _, response = attempt(app, f"wrong guess {n}", name, address=f"198.51.100.{n + 1}")
        assert response.status_code == 401


def signed_in(client) -> bool:
    return client.get("/editor/", base_url=HTTPS).status_code == 200


def copy_session(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    cookie = client.get_cookie("kb_editor", path="/editor/")
    thief = app.test_client()
    thief.set_cookie("kb_editor", cookie.value, path="/editor/", secure=True, httponly=True)
    return thief


def sign_out(client):
    token = csrf_token(client, "/editor/")
    assert post(client, "/editor/sign-out", {"csrf_token": token}).status_code == 302


def without_tokens(page: str) -> str:
    return re.sub(r'value="[^"]*"', 'value=""', page)


# 1. Account names cannot be found by timing

def test_unknown_accounts_cost_the_same_password_hash(app, monkeypatch):
    checked = []
    real_check = editorial.check_password_hash

    def counting_check(stored, password):
        checked.append(stored.split("$")[0])  # the method and its cost, e.g. scrypt:32768:8:1
        return real_check(stored, password)

    monkeypatch.setattr(editorial, "check_password_hash", counting_check)
    assert attempt(app, "wrong password!")[1].status_code == 401
    assert attempt(app, "wrong password!", name="tanaka")[1].status_code == 401
    assert len(checked) == 2 and checked[0] == checked[1]
    assert not editorial.is_editor_password(app.extensions["kb_records"].engine, "nobody", PASSWORD)
    assert len(checked) == 3 and checked[2] == checked[0]


# 2. Limits

def test_sign_in_limit_is_divided_between_workers(tmp_path):
    from webapp.security import share_limits_between

    share_limits_between(2)  # as gunicorn's post_fork hook does with 2 workers
    try:
        application = editor_app(tmp_path, EDITOR_SIGNIN_LIMIT="5 per minute")
        client = application.test_client()
        statuses = [sign_in(client, "suzuki", f"guess number {n}").status_code for n in range(3)]
    finally:
        share_limits_between(1)
    application.extensions["kb_records"].dispose()
    assert statuses == [401, 401, 429]  # 2 here and 2 in the other worker: never more than 5 in all
