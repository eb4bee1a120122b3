"""A personal number typed into the product is never stored, logged or sent back."""
from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy import select

from kb.records import feedback, questions

from .conftest import entry_id
from .webapp_helpers import app_over_table

NUMBER = "1234 5678 9018"  # a valid individual number (check digit 8)
FORMS = [NUMBER, "123456789018", "１２３４－５６７８－９０１８"]
DIGITS = "123456789018"


def leaked(text: str) -> bool:
    folded = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    return DIGITS in "".join(ch for ch in folded if ch.isdigit() or ch in "［］")


def stored_text(records) -> str:
    with records.engine.connect() as conn:
        rows = list(conn.execute(select(questions))) + list(conn.execute(select(feedback)))
    return json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)


@pytest.mark.parametrize("number", FORMS)
def test_number_in_a_question_is_masked_everywhere(client, records, caplog, number):
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/ask", json={"question": f"私のマイナンバーは{number}ですが、カードをなくしても保険の情報は漏れないの？"})
    body = response.get_data(as_text=True)
    data = response.get_json()
    assert data["answered"] and data["answer"]["source"]["item"] == "7"  # the rest is still answered
    assert "入力しないでください" in data["privacy_notice"]
    assert not leaked(body) and not leaked(caplog.text) and not leaked(stored_text(records))
    assert "［個人番号］" in data["question"]


def test_number_in_a_feedback_comment_is_masked(client, records, caplog):
    with caplog.at_level(logging.DEBUG):
        response = client.post("/api/feedback", json={"entry_id": entry_id("7"), "helpful": False,
                                                       "comment": f"電話 011-211-2111 番号{NUMBER}"})
    assert response.status_code == 201 and response.get_json()["privacy_notice"]
    text = stored_text(records)
    with records.engine.connect() as conn:  # the comment alone: a timestamp may hold 2111 by chance
        comments = " ".join(str(c) for c in conn.execute(select(feedback.c.comment)).scalars())
    assert not leaked(text) and "2111" not in comments and "［電話番号］" in comments
    assert not leaked(caplog.text) and "011-211-2111" not in caplog.text


@pytest.mark.parametrize("path", ["/api/search?q=", "/api/suggest?q=", "/?q="])
def test_number_in_search_and_suggest_is_not_echoed(client, caplog, path):
    with caplog.at_level(logging.DEBUG):
        response = client.get(path + NUMBER.replace(" ", "%20") + "%20保険証")
    assert response.status_code == 200
    assert not leaked(response.get_data(as_text=True)) and not leaked(caplog.text)


def test_log_filter_masks_access_log_lines():
    from webapp.logmask import PersonalDataFilter

    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '"GET /api/search?q=%s HTTP/1.1" 200', ("1234%205678%209018",), None)
    PersonalDataFilter().filter(record)
    assert "9018" not in record.getMessage()


def test_a_number_split_over_several_questions_leaves_nothing_to_join(client, records):
    for part in ("1234", "5678", "9018"):
        assert client.post("/api/ask", json={"question": f"番号の続きは{part}です"}).status_code == 200
    with records.engine.connect() as conn:
        stored = " ".join(conn.execute(select(questions.c.question)).scalars())
    assert not any(part in stored for part in ("1234", "5678", "9018")) and stored.count("［番号］") == 3


def test_ids_and_filters_holding_long_numbers_still_open(tmp_path):
    """Export ids such as 202404010001 were masked before the look-up: dead links."""
    app = app_over_table(tmp_path, "faq_20240401.csv",
                         "id,question,answer\n202404010001,保険証をなくしたときは,窓口で再交付を申請してください。\n")
    client = app.test_client()
    entry = "faq_20240401.202404010001"
    assert client.get(f"/api/entries/{entry}").get_json()["id"] == entry
    assert client.get(f"/entries/{entry}").status_code == 200
    assert entry in client.get("/sitemap.xml").get_data(as_text=True)
    found = client.get("/api/search", query_string={"q": "保険証", "document": "faq_20240401"}).get_json()
    assert [hit["id"] for hit in found["results"]] == [entry]
    unknown = client.get("/api/entries/faq.123456789018").get_data(as_text=True)  # not ours: never echoed
    assert "123456789018" not in unknown
