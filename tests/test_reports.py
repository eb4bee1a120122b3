"""Editors' figures and tables on SQLite and (in CI) PostgreSQL: the same queries, the same counts."""
from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from kb import (create_editorial_tables, daily_outcomes, is_editor_password, last_days, most_asked_entries,
                most_unhelpful_entries, recent_edits, record_edit, set_editor_password, unanswered_questions)
from kb.editorial import BUILD_GIVE_UP, edits, editors, get_edit
from kb.records import Records, feedback, questions

POSTGRES = os.environ.get("KB_TEST_POSTGRES_URL")
NOW = datetime.now(timezone.utc)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    if request.param == "postgresql" and not POSTGRES:
        pytest.skip("KB_TEST_POSTGRES_URL not set (the CI script starts a PostgreSQL and sets it)")
    records = Records(POSTGRES if request.param == "postgresql" else f"sqlite:///{tmp_path / 'r.sqlite3'}")
    records.create_tables()
    create_editorial_tables(records.engine)
    with records.engine.begin() as conn:  # each test starts empty
        for table in (questions, feedback, edits, editors):
            conn.execute(table.delete())
    yield records.engine
    records.dispose()


def write(engine, asked, rated):
    with engine.begin() as conn:
        conn.execute(insert(questions), [dict(created_at=NOW - timedelta(days=ago), question=q, outcome=o, entry_id=e)
                                         for ago, q, o, e in asked])
        conn.execute(insert(feedback), [dict(created_at=NOW - timedelta(days=ago), entry_id=e, helpful=h)
                                        for ago, e, h in rated])


def test_figures_count_what_was_recorded(engine):
    write(engine,
          [(0, "a", "answer", "x.1"), (0, "b", "answer", "x.1"), (0, "c", "no_answer", None), (1, "d", "too_short", None),
           (1, "e", "answer", "x.2"), (10, "f", "answer", "x.2"), (10, "g", "no_answer", None)],
          [(0, "x.1", False), (0, "x.1", False), (0, "x.2", False), (0, "x.2", True), (10, "x.2", False)])
    week = last_days(7)
    days = {row["date"]: row for row in daily_outcomes(engine, week)}
    today, yesterday = NOW.date(), (NOW - timedelta(days=1)).date()
    assert (days[today]["questions"], days[today]["answer"], days[today]["no_answer"]) == (3, 2, 1)
    assert (days[yesterday]["questions"], days[yesterday]["too_short"]) == (2, 1)
    assert sum(row["questions"] for row in days.values()) == 5 and len(days) == 7
    assert most_asked_entries(engine, week) == [("x.1", 2), ("x.2", 1)]
    assert most_asked_entries(engine, last_days(30)) == [("x.1", 2), ("x.2", 2)]
    assert most_unhelpful_entries(engine, week) == [("x.1", 2, 2), ("x.2", 1, 2)]
    assert [q for q, _ in unanswered_questions(engine, week)] == ["c"]


def test_close_is_counted_apart_and_left_for_editors_to_answer(engine):
    write(engine, [(0, "a", "answer", "x.1"), (0, "b", "close", None), (0, "c", "close", None), (0, "d", "no_answer", None),
                   (1, "e", "close", None), (0, "f", "help", None), (10, "g", "close", None)], [(0, "x.1", True)])
    week = last_days(7)
    days = {row["date"]: row for row in daily_outcomes(engine, week)}
    today, yesterday = NOW.date(), (NOW - timedelta(days=1)).date()
    assert [days[today][k] for k in ("questions", "answer", "close", "no_answer", "other")] == [5, 1, 2, 1, 1]
    assert (days[yesterday]["questions"], days[yesterday]["close"]) == (1, 1)
    # close gave only the nearest entries: the question still needs a published answer
    assert sorted(q for q, _ in unanswered_questions(engine, week)) == ["b", "c", "d", "e"]


def test_editor_accounts_and_edit_log(engine):
    assert set_editor_password(engine, "suzuki", "first password") is True
    assert set_editor_password(engine, "suzuki", "second password") is False
    assert is_editor_password(engine, "suzuki", "second password")
    assert not is_editor_password(engine, "suzuki", "first password") and not is_editor_password(engine, "sato", "x")
    with pytest.raises(ValueError, match="at least 10"):
        set_editor_password(engine, "sato", "short")
    record_edit(engine, "suzuki", "add_alternate", "x.1", "保険証をなくした", "v1")
    record_edit(engine, "suzuki", "add_alternate", "x.2", "粗大ごみ", "v2")
    assert [(e["editor"], e["entry_id"], e["detail"]) for e in recent_edits(engine)] == [
        ("suzuki", "x.2", "粗大ごみ"), ("suzuki", "x.1", "保険証をなくした")]


def test_an_edit_building_for_too_long_is_shown_as_interrupted(engine):
    """The process rebuilding it died (a worker killed): nobody will record how it ended."""
    edit_id = record_edit(engine, "suzuki", "add_alternate", "x.1", "保険証をなくした", status="building")
    assert get_edit(engine, edit_id)["status"] == "building"
    later = datetime.now(timezone.utc) + BUILD_GIVE_UP + timedelta(minutes=1)
    assert get_edit(engine, edit_id, now=later)["status"] == "interrupted"
    assert recent_edits(engine, now=later)[0]["status"] == "interrupted"
    finished = record_edit(engine, "suzuki", "add_alternate", "x.2", "粗大ごみ", "v2")  # done edits stay done
    assert get_edit(engine, finished, now=later)["status"] == "done"

