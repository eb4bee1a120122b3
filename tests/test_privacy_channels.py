"""Every channel masks before use: the staff page's cut, filters, path parameters,
suggestions in a POST body, log lines as gunicorn and werkzeug write them."""
from __future__ import annotations

import logging
import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.logmask import PersonalDataFilter, safe_log_text

from .conftest import entry_id
from .privacy_cases import Secret, leaks

SECRET = Secret("my_number", "1234 5678 9018", "123456789018")
FULL_WIDTH = "１２３４５６７８９０１８"


def test_staff_page_masks_before_cutting_to_the_limit(client):
    text = "あ" * 195 + "1234-5678-9018"  # the number straddles the 200-character cut
    page = client.get("/?q=" + quote(text)).get_data(as_text=True)
    assert leaks(page, SECRET) == [] and "1234" not in page


@pytest.mark.parametrize("parameter", ["topic", "document"])
def test_search_filters_are_masked_before_they_are_echoed(client, parameter):
    response = client.get(f"/api/search?q=保険証&{parameter}=" + quote(FULL_WIDTH))
    assert response.status_code == 200
    assert response.get_json()[parameter] == "［個人番号］"


def test_staff_page_filters_are_masked(client):
    page = client.get("/?q=保険証&topic=" + quote(SECRET.typed) + "&document=" + quote(FULL_WIDTH))
    assert leaks(page.get_data(as_text=True), SECRET) == []


@pytest.mark.parametrize("path", ["/api/entries/", "/entries/"])
def test_path_parameters_are_masked_and_real_entries_still_found(client, path):
    assert client.get(path + quote(FULL_WIDTH)).status_code == 404
    assert client.get(path + entry_id("7")).status_code == 200


def test_suggestions_come_from_a_post_body(client):
    data = client.post("/api/suggest", json={"q": "まいな 090-1234-5678"}).get_json()
    assert any("マイナンバー" in s["question"] for s in data["suggestions"])
    assert data["query"] == "まいな ［電話番号］"


@pytest.mark.parametrize("body, status", [({"q": None}, 422), ({}, 422), ({"q": "あ" * 201}, 400)])
def test_suggest_post_rejects_bad_bodies(client, body, status):
    assert client.post("/api/suggest", json=body).status_code == status


def test_the_widget_sends_suggestions_in_a_body_not_a_url():
    from importlib import resources

    widget = resources.files("webapp").joinpath("static/widget.js").read_text("utf-8")
    assert re.search(r"/api/suggest[\"'`]\s*,\s*\{[^}]*method:\s*[\"']POST", widget) and "/api/suggest?" not in widget


@pytest.mark.parametrize("line, expected", [
    ('"GET /api/search?q=1234%205678%209018" status=200', '"GET /api/search?q=［個人番号］" status=200'),
    ('"GET /entries/' + quote(FULL_WIDTH) + '" status=404', '"GET /entries/［個人番号］" status=404'),
    ('"GET /entries/' + FULL_WIDTH.encode().decode("latin-1") + '" status=404', '"GET /entries/［個人番号］" status=404'),
    ('[27/Nov/2026:14:22:04 +0000] "GET /api/topics" status=200 bytes=1234 time=0.012345s',
     '[27/Nov/2026:14:22:04 +0000] "GET /api/topics" status=200 bytes=1234 time=0.012345s'),
    ("Invalid HTTP header name: %r" % "1234\u200b5678\u200b9018".encode().decode("latin-1"),
     "Invalid HTTP header name: '［個人番号］'"),
    ("GET /x%0A127.0.0.1 forged 200", "GET /x\\x0a［番号］ forged 200"),  # an address outside a log field is a number too
    ("GET /api/search?q=C%2B%2B+1%2B1 status=200", "GET /api/search?q=C+++1+1 status=200"),
])
def test_log_lines_are_decoded_masked_and_kept_on_one_line(line, expected):
    assert safe_log_text(line) == expected


def test_log_filter_masks_tracebacks_too():
    try:
        raise ValueError("番号 1234-5678-9018")
    except ValueError:
        import sys
        record = logging.LogRecord("webapp", logging.ERROR, __file__, 1, "failed %s", ("0120-18-6428",), sys.exc_info())
    PersonalDataFilter().filter(record)
    assert "6428" not in record.getMessage() and "9018" not in record.exc_text


@pytest.mark.parametrize("number", [
    "一二三四五六七八九〇一八", "1234.5678.9018", "090-1234-5678", "記号が9058で番号が863",
    "ｔａｒｏ＠ｍａｉｌ．ｅｘａｍｐｌｅ．ｊｐ",
])
def test_a_question_with_masked_data_is_still_answered(client, number):
    question = f"{number}。カードをなくしても保険の情報は漏れないの？"
    data = client.post("/api/ask", json={"question": question}).get_json()
    assert data["answered"] and data["answer"]["source"]["item"] == "7"
    assert data["privacy_notice"] and "1234" not in data["question"] and "taro" not in data["question"]


def _twice(message: str, args=()) -> tuple[logging.LogRecord, int]:
    """A record through the filter twice (logger, then handler), and how often the mask ran."""
    calls = []
    import webapp.logmask as logmask
    real = logmask.mask_for_record

    def counting(text):
        calls.append(text)
        return real(text)

    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, message, args, None)
    logmask.mask_for_record = counting
    try:
        PersonalDataFilter().filter(record)
        PersonalDataFilter().filter(record)
    finally:
        logmask.mask_for_record = real
    return record, len(calls)


# Pieces of log lines that decode, escape or mask differently the second time round.
LOG_PIECES = ["%25", "%2525", "%41", "%0A", "%E3%81%82", "\\x5c", "\\x41", "x41", "\\u0041", "\u00e3\u0081\u0082",
              "\n", "\x85", "090", "-1234-", "5678", "12345678", "番号", "電話", "taro@example.jp", " ", "A", "+", "/"]


@given(st.lists(st.sampled_from(LOG_PIECES), max_size=12).map("".join))
@settings(max_examples=300, deadline=None)
def test_a_second_pass_of_the_log_filter_gives_what_masking_twice_gives(message):
    record, _ = _twice(message)
    assert record.getMessage() == safe_log_text(safe_log_text(message))


def test_an_access_line_with_nothing_to_mask_is_masked_once_not_twice():
    line = '[27/Nov/2026:18:45:00 +0000] "POST /api/ask" status=200 bytes=2756 time=0.012345s'
    record, masked = _twice("%s", (line,))
    assert record.getMessage() == line and masked == 1
    record, masked = _twice('"GET /entries/%25%32%35" status=404 tel 090-1234-5678')  # decoded, masked: twice
    assert masked == 2 and "5678" not in record.getMessage()
