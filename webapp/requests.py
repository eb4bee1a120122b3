"""Reading what clients send: JSON bodies and question text, checked before use."""
from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import replace

from flask import current_app, request
from werkzeug.exceptions import HTTPException

from kb import Masked, mask_personal_data

from .errors import APIError

# C0/C1 control characters (but tab and newline) and lone surrogates become spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def json_object() -> dict:
    """The request body as a JSON object, or the right 4xx."""
    if not request.is_json:
        raise APIError(415)
    try:
        raw = request.get_data(cache=True)
    except HTTPException:
        raise
    except Exception:  # noqa: BLE001 — the server could not decode the body, e.g. a bad chunk size
        raise APIError(400, "送信された内容を読み取れませんでした。", "unreadable_body") from None
    if request.content_length is None and len(raw) >= current_app.config["MAX_CONTENT_LENGTH"]:
        raise APIError(413)  # a chunked body is cut at the limit: there was more
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise APIError(400, "文字コードは UTF-8 で送ってください。", "invalid_utf8") from None
    try:
        body = json.loads(text)
    except (ValueError, RecursionError):
        raise APIError(400, "JSON として読み取れませんでした。", "invalid_json") from None
    if not isinstance(body, dict):
        raise APIError(422, "JSON オブジェクト（{…}）で送ってください。")
    return body


def clean_text(value: str) -> str:
    """Control characters out, surrounding space off."""
    return _CONTROL.sub(" ", value).strip()


def checked_text(value, field: str = "question", required: bool = True, limit: int | None = None) -> Masked:
    """A question, query or comment checked for type and length, personal data masked."""
    if value is None and not required:
        return mask_personal_data("")
    if not isinstance(value, str):
        raise APIError(422, f"{field} は文字列で送ってください。")
    text = clean_text(value)
    if required and not text:
        raise APIError(400, "質問を入力してください。", "empty_question")
    limit = limit or current_app.config["MAX_QUESTION_CHARS"]
    if len(text) > limit:
        raise APIError(400, f"{limit}文字以内で入力してください。", "too_long")
    return mask_personal_data(text)


def masked_param(name: str, known: Container[str] = ()) -> str | None:
    """A query parameter other than the text (a filter value): as sent when it names
    something the index holds (ids such as faq_20240401 are no one's number), else masked,
    since it is echoed and may be logged."""
    value = request.args.get(name)
    if not value:
        return None
    return value if value in known else mask_personal_data(clean_text(value)).text or None


def masked_path_value(value: str, known: Container[str] = ()) -> str:
    """A path parameter: as sent when it is a known id (an export id like 202404010001 must
    still open), else masked before it is used, echoed or logged."""
    return value if value in known else mask_personal_data(value).text


def truncated_text(value: str) -> Masked:
    """Query text cut to the question limit only after it is masked (a number across
    the cut must not leave its first digits behind)."""
    masked = mask_personal_data(clean_text(value))
    return replace(masked, text=masked.text[: current_app.config["MAX_QUESTION_CHARS"]])
