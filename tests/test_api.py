"""The JSON API through Flask's test client, good requests and bad."""
from __future__ import annotations

import json

import pytest

from kb import last_days, unanswered_questions
from kb.records import feedback, questions

from .conftest import entry_id
from .webapp_helpers import assert_api_error


def ask(client, question):
    return client.post("/api/ask", json={"question": question})


def test_ask_answers_with_verbatim_text_source_and_best_sentence(client):
    data = ask(client, "カードをなくしても保険の情報は漏れないの").get_json()
    assert data["kind"] == "answer" and data["answered"] is True
    entry = data["answer"]
    assert entry["id"] == entry_id("7") and entry["source"]["item"] == "7"
    assert entry["source"]["title"].startswith("国民健康保険事務") and entry["source"]["url"]
    assert entry["source"]["date"] == "2020-07-14" and "No.7" in entry["citation"]
    best = data["best_sentence"]
    assert entry["answer"][best["paragraph"]][best["start"]:best["end"]] == best["text"]
    assert len(data["related"]) <= 3 and data["privacy_notice"] is None


def test_ask_without_answer_says_where_to_ask(client):
    data = ask(client, "住民票の写しはどこで取れますか").get_json()
    assert data["kind"] == "no_answer" and data["answer"] is None
    assert "保険企画課" in data["message"] and "保険企画課" in data["contact"]


# Applying for the card: the seed speaks of the card's security, never of how to apply.
CLOSE_QUESTION = "マイナ保険証の利用登録のやり方"


@pytest.fixture(params=["seed_index", "semantic_seed_index"])
def either_client(request, tmp_path):
    """The API over the seed index without vectors, then over the one a default install builds (e5)."""
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(request.getfixturevalue(request.param)),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}", "RATE_LIMIT": "1000 per minute"})
    yield app.test_client()
    app.extensions["kb_record_queue"].close()
    app.extensions["kb_records"].dispose()


def test_ask_close_gives_the_nearest_entries_as_related_text_not_as_the_answer(either_client):
    data = ask(either_client, CLOSE_QUESTION).get_json()
    assert data["kind"] == "close" and data["answered"] is False
    assert data["answer"] is None and data["best_sentence"] is None
    assert data["message"].startswith("ご質問に直接お答えする回答は見つかりませんでした")
    assert "保険企画課" in data["message"] and "保険企画課" in data["contact"]
    assert 1 <= len(data["related"]) <= 3
    assert all(r["id"].startswith("000_54ca3830d61bfcef.") and r["question"] and r["heading"] for r in data["related"])
    assert data["contact_info"]["department"].endswith("保険企画課")


def test_a_close_question_is_recorded_as_close_and_listed_for_editors(client, records):
    ask(client, CLOSE_QUESTION)
    ask(client, "ＨＤＤはどうやって処分していますか")
    with records.engine.connect() as conn:
        rows = [(r.question, r.outcome, r.entry_id) for r in conn.execute(questions.select().order_by(questions.c.id))]
    assert rows == [(CLOSE_QUESTION, "close", None), ("ＨＤＤはどうやって処分していますか", "answer", entry_id("4"))]
    assert [question for question, _, _ in records.unanswered(7, 10)] == [CLOSE_QUESTION]
    assert [question for question, _ in unanswered_questions(records.engine, last_days(7))] == [CLOSE_QUESTION]


def test_greeting_gets_help(client):
    data = ask(client, "こんにちは").get_json()
    assert data["kind"] == "help" and data["message"]


@pytest.mark.parametrize("body, status", [
    ({"question": ""}, 400),
    ({"question": "   "}, 400),
    ({"question": "あ" * 201}, 400),
    ({"question": 12}, 422),
    ({"q": "保険証"}, 422),
    (["保険証"], 422),
])
def test_ask_rejects_bad_questions(client, body, status):
    assert_api_error(client.post("/api/ask", json=body), status)


@pytest.mark.parametrize("data, content_type, status", [
    ("question=保険証", "application/x-www-form-urlencoded", 415),
    ("{not json", "application/json", 400),
    (b"\xff\xfe{}", "application/json", 400),
    ("[" * 5000 + "]" * 5000, "application/json", 400),
    (json.dumps({"question": "x" * 20000}), "application/json", 413),
])
def test_ask_rejects_bad_bodies(client, data, content_type, status):
    assert_api_error(client.post("/api/ask", data=data, content_type=content_type), status)


@pytest.mark.parametrize("question", [
    "<script>alert(1)</script>保険証",
    "保険証\x00\x07\x1bの紛失",
    "保険証🙂をなくした👍",
    "ほけんしょう\u0301\u0308",
    "\ud800",
])
def test_odd_text_never_breaks_the_api(client, question):
    response = client.post("/api/ask", data=json.dumps({"question": question}), content_type="application/json")
    assert response.status_code in (200, 400)
    assert "\x00" not in response.get_data(as_text=True)


def test_search_ranks_highlights_and_pages(client):
    data = client.get("/api/search?q=記憶装置").get_json()
    assert data["total"] >= 1 and data["page"] == 1 and data["per_page"] == 10
    first = data["results"][0]
    assert first["id"] == entry_id("4")
    assert any(seg["hit"] and seg["text"] == "記憶装置" for seg in first["snippet"])
    assert "".join(s["text"] for s in first["question_segments"]) == first["question"]


def test_search_filters_by_topic_and_lists_without_query(client):
    data = client.get("/api/search?topic=委託").get_json()
    assert {r["id"] for r in data["results"]} == {entry_id("3"), entry_id("5")}
    assert client.get("/api/search").get_json()["total"] == 9


@pytest.mark.parametrize("page", ["0", "x", "-1", "99999999"])
def test_search_rejects_bad_pages(client, page):
    assert_api_error(client.get(f"/api/search?q=保険&page={page}"), 400)


def test_suggest_completes_kana(client):
    data = client.get("/api/suggest?q=まいな").get_json()
    assert any("マイナンバー" in s["question"] for s in data["suggestions"])
    assert client.get("/api/suggest?q=").get_json()["suggestions"] == []


def test_entry_and_unknown_entry(client):
    data = client.get(f"/api/entries/{entry_id('4')}").get_json()
    assert "ハンマー、ドリル等による物理的な破碎" in data["answer_text"]
    assert_api_error(client.get("/api/entries/nosuch.1"), 404)


def test_topics_list_tags_and_documents(client):
    data = client.get("/api/topics").get_json()
    assert {"name": "委託", "count": 2} in data["topics"]
    assert data["documents"][0]["count"] == 9


def test_feedback_is_stored_without_identity(client, records):
    response = client.post("/api/feedback", json={"entry_id": entry_id("7"), "helpful": True, "comment": "よくわかりました"})
    assert response.status_code == 201 and response.get_json()["stored"] is True
    with records.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(feedback.select())]
    assert len(rows) == 1 and rows[0]["entry_id"] == entry_id("7") and rows[0]["helpful"] is True
    assert set(rows[0]) == {"id", "created_at", "entry_id", "helpful", "comment", "index_version"}


@pytest.mark.parametrize("body, status", [
    ({"entry_id": entry_id("7")}, 422),
    ({"entry_id": entry_id("7"), "helpful": "yes"}, 422),
    ({"entry_id": "nosuch.1", "helpful": True}, 404),
    ({"entry_id": entry_id("7"), "helpful": True, "comment": "あ" * 1001}, 400),
])
def test_feedback_rejects_bad_bodies(client, body, status):
    assert_api_error(client.post("/api/feedback", json=body), status)


def test_questions_are_recorded_with_outcome(client, records):
    ask(client, "ＨＤＤはどうやって処分していますか")
    ask(client, "粗大ごみの出し方")
    with records.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(questions.select().order_by(questions.c.id))]
    assert [(r["outcome"], r["entry_id"]) for r in rows] == [("answer", entry_id("4")), ("no_answer", None)]


def test_openapi_document_is_served(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.") and "/api/ask" in spec["paths"]


def test_unknown_api_path_is_json_404(client):
    assert_api_error(client.get("/api/nothing"), 404)


def test_wrong_method_is_json_405(client):
    assert_api_error(client.get("/api/ask"), 405)


def test_health_and_readiness(client, app):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["entries"] == 9 and ready["index_version"]
