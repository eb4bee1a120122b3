"""The /api/ask reply sent from its pre-cut JSON text is byte for byte what jsonify sends."""
from __future__ import annotations

import pytest
from flask import jsonify
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import Masked
from webapp.replyjson import reply_response, split_reply

QUESTIONS = ("カードをなくしても保険の情報は漏れないの", "住民票の写しはどこで取れますか", "こんにちは", "hello", "保険")


@pytest.fixture
def views(app, client):
    """Real replies as the cache keeps them (the echoed values are filled in per request)."""
    for question in QUESTIONS:
        assert client.post("/api/ask", json={"question": question}).status_code == 200
    kept = list(app.extensions["kb_answers"]._replies.values())
    assert len(kept) == len(QUESTIONS)
    return [reply.view for reply in kept]


def _jsonify_bytes(view: dict, masked: Masked) -> bytes:
    return jsonify({**view, "question": masked.text, "privacy_notice": masked.notice}).get_data()


KINDS = ("email", "my_number", "corporate_number", "phone", "insurance", "number")


@given(text=st.text(max_size=60), found=st.lists(st.sampled_from(KINDS), max_size=3))
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_pre_cut_reply_is_what_jsonify_sends(app, views, text, found):
    masked = Masked(text=text, found=tuple(found))
    with app.test_request_context():
        for view in views:
            parts = split_reply(view)
            assert parts is not None
            response = reply_response(view, parts, masked)
            assert response.get_data() == _jsonify_bytes(view, masked)
            assert response.mimetype == "application/json"


def test_the_reply_over_http_is_unchanged_when_it_comes_from_the_cache(client):
    first = client.post("/api/ask", json={"question": QUESTIONS[0]})
    again = client.post("/api/ask", json={"question": QUESTIONS[0]})
    assert first.get_data() == again.get_data() and first.headers["Content-Type"] == again.headers["Content-Type"]


def test_debug_mode_replies_are_indented_as_jsonify_indents_them(app, views):
    masked = Masked(text="質問", found=())
    app.debug = True
    try:
        with app.test_request_context():
            assert split_reply(views[0]) is None
            parts = None
            response = reply_response(views[0], parts, masked)
            assert response.get_data() == _jsonify_bytes(views[0], masked) and b"\n  " in response.get_data()
    finally:
        app.debug = False


def test_a_view_that_cannot_be_cut_is_sent_whole(app, views):
    odd = {**views[0], "message": "\x00kb-echo-question\x00"}  # holds the placeholder itself
    masked = Masked(text="質問", found=("phone",))
    with app.test_request_context():
        assert split_reply(odd) is None
        assert split_reply({"kind": "help"}) is None  # nothing to echo into
        assert reply_response(odd, None, masked).get_data() == _jsonify_bytes(odd, masked)
