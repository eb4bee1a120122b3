"""The /api/ask reply as JSON text, its fixed part serialised once per kept reply.

A kept reply is sent again for every repeat of its question; only the echo of what was
typed ("question", "privacy_notice") differs from one request to the next. Its JSON text
is cut around those two values once, and each request serialises just them: the bytes
sent are the ones `jsonify` would send (a test compares them)."""
from __future__ import annotations

from flask import Response, current_app, jsonify

from kb import Masked

ECHOED = ("question", "privacy_notice")  # filled in per request, in this order in the view
_PLACEHOLDER = "\x00kb-echo-{}\x00"  # what the cut-out values are serialised as


def _compact() -> bool:
    """Does `jsonify` write compact JSON now, keys in the view's order (as configured in
    create_app; not indented, as in debug mode)?"""
    provider = current_app.json
    pretty = (provider.compact is None and current_app.debug) or provider.compact is False
    return not pretty and not provider.sort_keys


def _dumps(value) -> str:
    return current_app.json.dumps(value, separators=(",", ":"))


def split_reply(view: dict) -> tuple[str, str, str] | None:
    """`view`'s compact JSON text cut around the echoed values: (before "question"'s value,
    between it and "privacy_notice"'s, after). None when it cannot be cut that way."""
    if not _compact() or list(k for k in view if k in ECHOED) != list(ECHOED):
        return None
    marks = [_dumps(_PLACEHOLDER.format(key)) for key in ECHOED]
    text = _dumps({**view, **{key: _PLACEHOLDER.format(key) for key in ECHOED}})
    if any(text.count(mark) != 1 for mark in marks):
        return None
    head, rest = text.split(marks[0])
    middle, tail = rest.split(marks[1])
    return head, middle, tail


def reply_response(view: dict, parts: tuple[str, str, str] | None, masked: Masked) -> Response:
    """The reply with the masked question and its notice echoed (what `jsonify` would send)."""
    if parts is None or not _compact():
        return jsonify({**view, "question": masked.text, "privacy_notice": masked.notice})
    head, middle, tail = parts
    return current_app.response_class(f"{head}{_dumps(masked.text)}{middle}{_dumps(masked.notice)}{tail}\n",
                                      mimetype=current_app.json.mimetype)
