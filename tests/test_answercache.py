"""A question asked again gets the reply kept from before: the same reply, still recorded,
never kept under a resident's personal number, forgotten when a new index is served."""
from __future__ import annotations

import pytest

import webapp.api
from kb import build_index, load_content, mask_personal_data
from kb.records import questions
from webapp import create_app
from webapp.answercache import AnswerCache, CachedReply
from webapp.settings import load_settings

from .conftest import CONTENT
from .privacy_cases import my_number_check

QUESTION = "カードをなくしても保険の情報は漏れないの"
MY_NUMBER = my_number_check("12345678901")


@pytest.fixture
def decisions(monkeypatch):
    """The questions the decision was actually run for."""
    asked: list[str] = []
    decide = webapp.api.decide

    def counting(kb, question, threshold):
        asked.append(question)
        return decide(kb, question, threshold)

    monkeypatch.setattr(webapp.api, "decide", counting)
    return asked


def ask(client, question):
    response = client.post("/api/ask", json={"question": question})
    assert response.status_code == 200
    return response.get_json()


def test_a_repeated_question_gets_the_same_reply_without_a_second_decision(client, decisions, records):
    first, second = ask(client, QUESTION), ask(client, QUESTION)
    assert first == second and first["kind"] == "answer"
    assert decisions == [QUESTION]
    assert records.count(questions) == 2  # both askings are recorded


def test_different_questions_are_decided_separately(client, decisions):
    replies = [ask(client, q) for q in (QUESTION, "住民票の写しはどこで取れますか", QUESTION)]
    assert decisions == [QUESTION, "住民票の写しはどこで取れますか"]
    assert replies[0] == replies[2] and replies[0]["kind"] != replies[1]["kind"]


def test_the_cache_holds_masked_text_only(app, client):
    reply = ask(client, f"個人番号は{MY_NUMBER}です。{QUESTION}")
    held = app.extensions["kb_answers"].questions()
    assert held and all(MY_NUMBER not in text and "12345678" not in text for text in held)
    assert MY_NUMBER not in str(reply) and reply["privacy_notice"]


def test_the_echo_and_privacy_notice_are_the_askers_own(client):
    masked = ask(client, f"{QUESTION} {MY_NUMBER}")
    plain = ask(client, QUESTION)
    assert masked["privacy_notice"] and not plain["privacy_notice"]
    assert masked["question"] != plain["question"] and MY_NUMBER not in masked["question"]
    assert {**masked, "question": None, "privacy_notice": None} == {**plain, "question": None, "privacy_notice": None}


def test_a_new_index_version_empties_the_cache(tmp_path, decisions):
    index_dir = tmp_path / "index"
    build_index(load_content([CONTENT]), index_dir)
    app = create_app({"TESTING": True, "INDEX_DIR": str(index_dir),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    client = app.test_client()
    first = ask(client, QUESTION)
    build_index(load_content([CONTENT]), index_dir)  # a new version of the same content
    second = ask(client, QUESTION)
    assert decisions == [QUESTION, QUESTION]
    assert second["index_version"] != first["index_version"] and len(app.extensions["kb_answers"]) == 1
    app.extensions["kb_record_queue"].close()
    app.extensions["kb_records"].dispose()


def test_the_cache_is_bounded_least_recently_used_first():
    cache = AnswerCache(3)
    reply = CachedReply("answer", "e", 0.9, {})
    for text in ("一", "二", "三"):
        cache.put("v1", mask_personal_data(text), (), reply)
    assert cache.get("v1", mask_personal_data("一"), ()) is reply  # 一 is now the most recent
    cache.put("v1", mask_personal_data("四"), (), reply)
    assert len(cache) == 3 and sorted(cache.questions()) == sorted(["一", "三", "四"])
    assert cache.get("v2", mask_personal_data("一"), ()) is None and len(cache) == 0


def test_a_cache_of_size_zero_decides_every_time(seed_index, tmp_path, decisions):
    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "ANSWER_CACHE": "0",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    client = app.test_client()
    assert ask(client, QUESTION) == ask(client, QUESTION)
    assert decisions == [QUESTION, QUESTION] and len(app.extensions["kb_answers"]) == 0
    app.extensions["kb_record_queue"].close()
    app.extensions["kb_records"].dispose()


@pytest.mark.parametrize("value", ["-1", "many", "1.5"])
def test_a_bad_cache_size_stops_start_up_naming_the_setting(value):
    with pytest.raises(SystemExit, match="KB_ANSWER_CACHE"):
        load_settings({"KB_ANSWER_CACHE": value})
