"""Editors' sign-in and sessions (issue 18, section 5): no account found by timing, limits
that hold across workers and addresses, sessions that can be ended, `kb editor remove`."""
from __future__ import annotations

import os
import re
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, inspect

from kb import editorial, set_editor_password
from kb.cli import main

from .editor_helpers import HTTPS, PASSWORD, csrf_token, editor_app, post, sign_in

POSTGRES = os.environ.get("KB_TEST_POSTGRES_URL")
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


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """The records database with the editors' tables, empty but for editor suzuki."""
    from kb import create_editorial_tables
    from kb.records import Records

    if request.param == "postgresql" and not POSTGRES:
        pytest.skip("KB_TEST_POSTGRES_URL not set (the CI script starts a PostgreSQL and sets it)")
    records = Records(POSTGRES if request.param == "postgresql" else f"sqlite:///{tmp_path / 'kb.sqlite3'}")
    create_editorial_tables(records.engine)
    with records.engine.begin() as conn:  # each test starts empty
        for table in reversed(editorial.metadata.sorted_tables):
            conn.execute(table.delete())
    set_editor_password(records.engine, "suzuki", PASSWORD)
    yield records.engine
    records.dispose()


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


def test_five_failures_from_other_addresses_hold_the_account_back(app, clock):
    fail_five_times(app)
    client, response = attempt(app, PASSWORD, address="203.0.113.7")  # the right password, elsewhere
    assert response.status_code == 429 and HELD in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_held_account_and_an_unknown_one_look_the_same(app, clock):
    fail_five_times(app, "suzuki")
    fail_five_times(app, "tanaka")  # no such account
    known = attempt(app, PASSWORD, "suzuki", address="203.0.113.7")[1]
    unknown = attempt(app, PASSWORD, "tanaka", address="203.0.113.8")[1]
    assert known.status_code == unknown.status_code == 429
    assert without_tokens(known.get_data(as_text=True)) == without_tokens(unknown.get_data(as_text=True))


def test_holds_grow_and_a_sign_in_after_one_resets_them(app, clock):
    fail_five_times(app)
    clock.advance(seconds=50)
    assert attempt(app, PASSWORD)[1].status_code == 429  # held even with the right password
    clock.advance(seconds=15)
    client, response = attempt(app, PASSWORD)  # the first hold (1 minute) is over
    assert response.status_code == 302 and signed_in(client)

    fail_five_times(app)  # the success reset the count: again 5 to a hold of 1 minute
    clock.advance(seconds=65)
    fail_five_times(app)  # straight after the first hold: the second lasts 2 minutes
    clock.advance(seconds=65)
    assert attempt(app, PASSWORD)[1].status_code == 429
    clock.advance(seconds=60)
    client, response = attempt(app, PASSWORD)
    assert response.status_code == 302 and signed_in(client)

    fail_five_times(app)  # reset again: 1 minute, not 4
    clock.advance(seconds=65)
    assert attempt(app, PASSWORD)[1].status_code == 302


def test_failures_far_apart_never_hold_the_account(app, clock):
    for n in range(8):  # one mistyped password every 5 minutes: 3 in any 15 minutes
        assert attempt(app, f"mistyped {n}")[1].status_code == 401
        clock.advance(minutes=5, seconds=1)
    assert attempt(app, PASSWORD)[1].status_code == 302


def test_a_hold_applies_on_every_node_sharing_the_database(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    one = editor_app(tmp_path / "one", DATABASE_URL=url, EDITOR_SIGNIN_LIMIT="1000 per minute")
    two = editor_app(tmp_path / "two", DATABASE_URL=url, EDITOR_SIGNIN_LIMIT="1000 per minute")
    fail_five_times(one)
    client, response = attempt(two, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    for application in (one, two):
        application.extensions["kb_records"].dispose()


def test_attempts_at_the_same_moment_are_all_counted(engine):
    """Workers counting at once: only the first 5 attempts are checked, the rest are held."""
    from concurrent.futures import ThreadPoolExecutor

    from kb.editorial import SignIn, sign_in_editor

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(lambda n: sign_in_editor(engine, "suzuki", f"guess {n}"), range(24)))
    assert outcomes.count(SignIn.REFUSED) == 5 and outcomes.count(SignIn.HELD) == 19


# 3. Sessions can be ended

def test_a_copied_cookie_stops_working_after_sign_out(app):
    client = app.test_client()
    sign_in(client)
    thief = copy_session(app, client)
    assert signed_in(thief)
    sign_out(client)
    assert not signed_in(client) and not signed_in(thief)


def test_signing_out_ends_only_that_session(app):
    office, home = app.test_client(), app.test_client()
    sign_in(office)
    sign_in(home)
    sign_out(office)
    assert not signed_in(office) and signed_in(home)


def test_a_password_change_ends_every_session(app):
    client = app.test_client()
    sign_in(client)
    thief = copy_session(app, client)
    set_editor_password(app.extensions["kb_records"].engine, "suzuki", "a brand new password")
    assert not signed_in(client) and not signed_in(thief)
    assert sign_in(client, password="a brand new password").status_code == 302 and signed_in(client)


def test_an_idle_session_ends(app, clock):
    client = app.test_client()
    sign_in(client)
    for _ in range(3):  # in use: a page every 29 minutes keeps it
        clock.advance(minutes=29)
        assert signed_in(client)
    clock.advance(minutes=31)  # left alone past KB_EDITOR_IDLE_MINUTES (30)
    assert not signed_in(client)


def test_the_idle_timeout_is_a_setting(tmp_path, clock):
    application = editor_app(tmp_path, EDITOR_IDLE_MINUTES="5")
    client = application.test_client()
    sign_in(client)
    clock.advance(minutes=4)
    assert signed_in(client)
    clock.advance(minutes=6)
    assert not signed_in(client)
    application.extensions["kb_records"].dispose()


def test_a_session_in_use_still_ends_after_twelve_hours(app, clock):
    client = app.test_client()
    sign_in(client)
    for _ in range(35):  # a page every 20 minutes, up to 11 h 40 min
        clock.advance(minutes=20)
        assert signed_in(client)
    clock.advance(minutes=25)
    assert not signed_in(client)


def test_sessions_end_as_they_should_on_either_database(engine):
    from kb.editorial import end_session, remove_editor, session_editor, start_session

    now, idle, lifetime = datetime.now(timezone.utc), timedelta(minutes=30), timedelta(hours=12)
    first, second = (start_session(engine, "suzuki", lifetime, now) for _ in range(2))
    assert session_editor(engine, first, idle, now + timedelta(minutes=29)) == "suzuki"
    assert session_editor(engine, first, idle, now + timedelta(minutes=58)) == "suzuki"  # in use
    assert session_editor(engine, second, idle, now + timedelta(minutes=58)) is None  # idle
    assert session_editor(engine, second, idle, now) is None  # ended for good, not just late
    end_session(engine, first)
    assert session_editor(engine, first, idle, now) is None
    third = start_session(engine, "suzuki", lifetime, now)
    assert session_editor(engine, third, idle, now + lifetime) is None  # too old
    fourth = start_session(engine, "suzuki", lifetime, now)
    assert remove_editor(engine, "suzuki") and not remove_editor(engine, "suzuki")
    assert session_editor(engine, fourth, idle, now) is None


def test_the_new_tables_are_added_to_an_existing_database(tmp_path):
    """A database made by the previous release (editors and edits only) keeps working."""
    from kb.records import Records

    url = f"sqlite:///{tmp_path / 'kb.sqlite3'}"
    old = MetaData()
    Table("editors", old, Column("name", String(80), primary_key=True),
          Column("password_hash", String(255), nullable=False),
          Column("created_at", DateTime(timezone=True), nullable=False))
    Table("edits", old, Column("id", Integer, primary_key=True), Column("created_at", DateTime(timezone=True)),
          Column("editor", String(80)), Column("action", String(40)), Column("entry_id", String(200)),
          Column("detail", Text), Column("status", String(16)), Column("message", Text),
          Column("index_version", String(80)))
    records = Records(url)
    old.create_all(records.engine)
    records.dispose()

    application = editor_app(tmp_path, DATABASE_URL=url)
    tables = set(inspect(application.extensions["kb_records"].engine).get_table_names())
    assert tables >= {"editors", "edits", "editor_sessions", "editor_sign_in_attempts"}
    client = application.test_client()
    sign_in(client)
    thief = copy_session(application, client)
    sign_out(client)
    assert not signed_in(thief)
    application.extensions["kb_records"].dispose()


# 4. kb editor remove

def test_kb_editor_remove_deletes_the_account_and_ends_its_sessions(app):
    url = str(app.extensions["kb_records"].engine.url)
    client = app.test_client()
    sign_in(client)
    result = CliRunner().invoke(main, ["editor", "remove", "suzuki", "--database", url])
    assert result.exit_code == 0 and "removed editor suzuki" in result.output
    assert not signed_in(client)
    assert sign_in(client).status_code == 401 and not signed_in(client)
    again = CliRunner().invoke(main, ["editor", "remove", "suzuki", "--database", url])
    assert again.exit_code == 1 and "no editor named suzuki" in again.output
