"""One error shape for the whole API: {"error": {"status", "code", "message"}}.

Messages are written for a person. Nothing from the request (which may hold a personal
number) or from an exception is ever echoed back."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from kb import KBError

log = logging.getLogger(__name__)

MESSAGES = {
    400: "リクエストの内容が正しくありません。",
    404: "お探しのページや項目は見つかりませんでした。",
    405: "この方法ではご利用いただけません。",
    413: "送信された内容が大きすぎます。",
    415: "JSON（Content-Type: application/json）で送ってください。",
    422: "送信された内容の形式が正しくありません。",
    429: "短い時間にたくさんの質問が送られました。少し待ってからもう一度お試しください。",
    500: "システムで問題が起きました。しばらくしてからもう一度お試しください。",
    503: "ただいま準備中です。しばらくしてからもう一度お試しください。",
}
KEPT_HEADERS = ("Allow", "Retry-After")


class APIError(Exception):
    """Raised by a view to answer with the one error shape."""

    def __init__(self, status: int, message: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message or MESSAGES.get(status, MESSAGES[400])
        self.code = code or {400: "bad_request", 404: "not_found", 413: "too_large", 415: "unsupported_media_type",
                             422: "invalid", 429: "rate_limited", 503: "unavailable"}.get(status, "error")


def json_error(status: int, message: str | None = None, code: str | None = None):
    """The JSON error response every API failure uses."""
    error = APIError(status, message, code)
    response = jsonify({"error": {"status": status, "code": error.code, "message": error.message}})
    response.status_code = status
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    """JSON errors for the API, plain Japanese pages elsewhere; never a stack trace."""

    @app.errorhandler(APIError)
    def handle_api_error(error: APIError):
        return json_error(error.status, error.message, error.code)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        status = error.code or 500
        if _wants_json():
            response = json_error(status, MESSAGES.get(status))
        else:
            response = app.make_response((render_template(
                "error.html", status=status, message=MESSAGES.get(status, MESSAGES[500])), status))
        for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429
            if name in KEPT_HEADERS:
                response.headers[name] = value
        return response

    @app.errorhandler(KBError)
    def handle_no_index(error: KBError):
        log.error("no index can be served: %s", error)
        if _wants_json():
            return json_error(503)
        return render_template("error.html", status=503, message=MESSAGES[503]), 503

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.error("unexpected error on %s %s: %s", request.method, request.path, type(error).__name__)
        if _wants_json():
            return json_error(500, code="internal")
        return render_template("error.html", status=500, message=MESSAGES[500]), 500
