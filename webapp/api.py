"""The JSON API (/api): ask, search, suggest, entries, topics, feedback, OpenAPI."""
from __future__ import annotations

import logging
from datetime import date
from importlib import resources

from flask import Blueprint, current_app, jsonify, request

from kb import ask as decide
from kb import mask_for_record
from kb import semantic_status

from . import present
from .answercache import CachedReply
from .errors import APIError
from .replyjson import reply_response, split_reply
from .requests import checked_text, json_object, masked_param, masked_path_value

log = logging.getLogger(__name__)
bp = Blueprint("api", __name__, url_prefix="/api")
COMMENT_CHARS = 1000


def knowledge_base():
    """This process's current index (503 JSON if none can be served)."""
    return current_app.extensions["kb_index"].get()


def records():
    """Where records go: a queue written by a background thread, never waited for."""
    return current_app.extensions["kb_record_queue"]


@bp.post("/ask")
def ask():
    """The chatbot decision for one question (a question asked before: the kept reply)."""
    body = json_object()
    masked = checked_text(body.get("question"))
    kb = knowledge_base()
    reply = _reply(kb, masked)
    # Stored text keeps no run of 4 digits or more: a number typed over several questions
    # leaves nothing to join.
    records().add_question(mask_for_record(masked.text).text, reply.kind, reply.entry_id, reply.confidence, kb.version)
    log.debug("ask outcome=%s entry=%s", reply.kind, reply.entry_id or "-")  # the record holds it too
    return reply_response(reply.view, reply.parts, masked)


def _reply(kb, masked) -> CachedReply:
    """The reply to `masked` in this version: kept from before, or decided now and kept."""
    threshold = current_app.config["ANSWER_THRESHOLD"]
    options = (threshold, semantic_status(), date.today())
    replies = current_app.extensions["kb_answers"]
    reply = replies.get(kb.version, masked, options)
    if reply is None:
        with current_app.extensions["kb_index"].ranking:
            result = decide(kb, masked.search_text, threshold)
        view = present.answer_view(kb, result, masked)
        reply = CachedReply(result.kind, result.entry.id if result.entry else None, result.confidence,
                            view, split_reply(view))
        replies.put(kb.version, masked, options, reply)
    return reply


def _page() -> int:
    raw = request.args.get("page", "1")
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 10_000:  # not ² or ①
        raise APIError(400, "page は 1 以上の整数で指定してください。", "bad_page")
    return int(raw)


@bp.get("/search")
def search():
    """Ranked entries with highlighted snippets, total count and paging."""
    masked = checked_text(request.args.get("q", ""), "q", required=False)
    kb = knowledge_base()
    topic, document = masked_param("topic", kb.topics()), masked_param("document", kb.documents)
    page = _page()
    with current_app.extensions["kb_index"].ranking:
        view = present.search_view(kb, masked, topic, document, page)
    return jsonify(view)


@bp.post("/suggest")
def suggest():
    """Questions to pick while typing (prefix and kana input); the text travels in the
    body, so no proxy or server log ever holds it."""
    typed = json_object().get("q")
    if not isinstance(typed, str):
        raise APIError(422, "q は文字列で送ってください。")
    if len(typed) > current_app.config["MAX_QUESTION_CHARS"]:  # as sent, control characters included
        raise APIError(400, f"{current_app.config['MAX_QUESTION_CHARS']}文字以内で入力してください。", "too_long")
    return _suggestions(checked_text(typed, "q", required=False))


@bp.get("/suggest")
def suggest_by_query_string():
    """The same for the staff page, whose text is masked in our logs (not a proxy's)."""
    return _suggestions(checked_text(request.args.get("q", ""), "q", required=False))


def _suggestions(masked):
    kb = knowledge_base()
    found = kb.suggest(masked.search_text) if masked.search_text.strip() else []
    return jsonify({"query": masked.text, "suggestions": present.related_view(found)})


@bp.get("/starters")
def starters():
    """What the widget offers before any question: starter questions and whom to ask."""
    kb = knowledge_base()
    return jsonify({"starters": list(kb.city.get("starters", ())), "contact_info": present.contact_view(kb, None)})


@bp.get("/entries/<path:entry_id>")
def entry(entry_id: str):
    """One entry, verbatim, with its citation (and ふりがな readings with ?furigana=1)."""
    kb = knowledge_base()
    found = kb.entries.get(masked_path_value(entry_id, kb.entries))
    if found is None:
        raise APIError(404, "その項目は見つかりませんでした。")
    return jsonify(present.entry_view(kb, found, ruby=request.args.get("furigana") == "1"))


@bp.get("/topics")
def topics():
    """Topic tags and source documents, with entry counts, for filters."""
    kb = knowledge_base()
    per_document: dict[str, int] = {}
    for e in kb.entries.values():
        per_document[e.source.document_id] = per_document.get(e.source.document_id, 0) + 1
    return jsonify({
        "topics": [{"name": name, "count": count} for name, count in kb.topics().items()],
        "documents": [{"id": d.id, "title": d.title, "count": per_document.get(d.id, 0)} for d in kb.documents.values()],
    })


@bp.post("/feedback")
def feedback():
    """解決しましたか？ — stored without anything that identifies the resident."""
    body = json_object()
    entry_id, helpful = body.get("entry_id"), body.get("helpful")
    if not isinstance(entry_id, str) or not isinstance(helpful, bool):
        raise APIError(422, "entry_id（文字列）と helpful（true/false）を送ってください。")
    kb = knowledge_base()
    if entry_id not in kb.entries:
        raise APIError(404, "その項目は見つかりませんでした。", "unknown_entry")
    comment = checked_text(body.get("comment"), "comment", required=False, limit=COMMENT_CHARS)
    stored = records().add_feedback(entry_id, helpful, mask_for_record(comment.text).text or None, kb.version)
    return jsonify({"stored": stored, "privacy_notice": comment.notice}), 201 if stored else 202


@bp.get("/openapi.json")
def openapi():
    """The API described for people and for schemathesis."""
    text = resources.files("webapp").joinpath("openapi.json").read_text("utf-8")
    return current_app.response_class(text, mimetype="application/json")
