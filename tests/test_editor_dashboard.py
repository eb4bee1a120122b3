"""The dashboard's figures equal counts computed from the records the test writes."""
from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from kb.records import feedback, questions

from .conftest import entry_id
from .editor_helpers import HTTPS, editor_app, sign_in

NOW = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
# (days ago, outcome, entry item): two days in the 7-day period and one day outside it.
ASKED = [
    (0, "answer", "7"), (0, "answer", "7"), (0, "answer", "4"), (0, "close", None), (0, "no_answer", None),
    (0, "no_answer", None), (0, "too_short", None),
    (2, "answer", "4"), (2, "close", None), (2, "close", None), (2, "no_answer", None), (2, "help", None),
    (20, "answer", "1"), (20, "close", None), (20, "no_answer", None),
]
FEEDBACK = [(0, "7", False), (0, "7", False), (1, "4", False), (1, "4", True), (0, "1", True), (20, "1", False)]


@pytest.fixture
def client(tmp_path):
    app = editor_app(tmp_path)
    with app.extensions["kb_records"].engine.begin() as conn:
        conn.execute(insert(questions), [
            dict(created_at=NOW - timedelta(days=ago), question=f"質問{n}", outcome=outcome,
                 entry_id=entry_id(item) if item else None, confidence=0.5, index_version="v")
            for n, (ago, outcome, item) in enumerate(ASKED)])
        conn.execute(insert(feedback), [
            dict(created_at=NOW - timedelta(days=ago), entry_id=entry_id(item), helpful=helpful)
            for ago, item, helpful in FEEDBACK])
    test_client = app.test_client()
    sign_in(test_client)
    yield test_client
    app.extensions["kb_records"].dispose()


def figure_rows(client, name, days):
    response = client.get(f"/editor/figures/{name}.csv?days={days}", base_url=HTTPS)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def in_period(days):
    return [row for row in ASKED if row[0] < days]


def test_questions_per_day(client):
    rows = figure_rows(client, "questions", 7)
    assert rows[0] == ["日付", "質問数", "回答した", "近い資料のみ", "回答なし", "短すぎる入力", "その他"]
    assert len(rows) == 1 + 7
    for ago in range(7):
        day = (NOW - timedelta(days=ago)).date().isoformat()
        outcomes = Counter(outcome for a, outcome, _ in ASKED if a == ago)
        expected = [day, sum(outcomes.values()), outcomes["answer"], outcomes["close"], outcomes["no_answer"],
                    outcomes["too_short"], outcomes["help"]]
        assert next(r for r in rows if r[0] == day) == [str(v) for v in expected]


def test_outcome_shares_per_day(client):
    today = NOW.date().isoformat()
    row = next(r for r in figure_rows(client, "outcomes", 7) if r[0] == today)
    outcomes = Counter(outcome for a, outcome, _ in ASKED if a == 0)
    total = sum(outcomes.values())
    assert row[1:] == [str(round(100 * outcomes[o] / total, 1)) for o in ("answer", "close", "no_answer", "too_short")]


@pytest.mark.parametrize("days", [7, 30])
def test_most_asked_entries(client, days):
    counts = Counter(entry_id(item) for _, outcome, item in in_period(days) if outcome == "answer")
    rows = figure_rows(client, "entries", days)[1:]
    assert [(r[0], int(r[2])) for r in rows] == sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def test_entries_with_most_no(client):
    rows = figure_rows(client, "unhelpful", 7)[1:]
    recent = [(item, helpful) for ago, item, helpful in FEEDBACK if ago < 7]
    expected = sorted(((entry_id(item), sum(1 for i, h in recent if i == item and not h),
                        sum(1 for i, _ in recent if i == item)) for item in {i for i, h in recent if not h}),
                      key=lambda t: (-t[1], t[0]))
    assert [(r[0], int(r[2]), int(r[3])) for r in rows] == expected


def test_topics_asked(client, kb):
    counts = Counter()
    for _, outcome, item in in_period(7):
        if outcome == "answer":
            for topic in kb.entries[entry_id(item)].topics:
                counts[topic] += 1
    rows = figure_rows(client, "topics", 7)[1:]
    assert {r[0]: int(r[1]) for r in rows} == dict(counts)


def test_dashboard_shows_each_figure_as_chart_table_and_csv(client):
    page = client.get("/editor/?days=7", base_url=HTTPS).get_data(as_text=True)
    for name in ("questions", "outcomes", "entries", "unhelpful", "topics"):
        assert f"/editor/figures/{name}.svg?days=7" in page and f"/editor/figures/{name}.csv?days=7" in page
        assert f'data-figure="{name}"' in page
    svg = client.get("/editor/figures/questions.svg?days=7", base_url=HTTPS)
    assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<?xml")
    assert svg.headers["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.parametrize("days", ["0", "400", "x", "-1"])
def test_bad_period_is_refused(client, days):
    assert client.get(f"/editor/?days={days}", base_url=HTTPS).status_code == 400
