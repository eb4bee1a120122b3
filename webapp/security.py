"""Security headers, CORS for the configured origins only, and per-client rate limits."""
from __future__ import annotations

from flask import Flask, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script anywhere: pages and widget load their code from /static.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
])
# Endpoints that do work per call and write records get the stricter limit.
WRITE_ENDPOINTS = ("api.ask", "api.feedback")
# Files other sites may load into their pages (the widget).
EMBEDDABLE = ("/static/widget.js",)



def init_security(app: Flask) -> None:
    """Wire headers, CORS and the rate limiter into `app`."""
    if app.config["PROXY_COUNT"] > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=app.config["PROXY_COUNT"])
    CORS(
        app,
        resources={r"/api/*": {"origins": app.config["ALLOWED_ORIGINS"]}},
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type"],
        supports_credentials=False,
        max_age=600,
    )
    # One limiter per app (tests build many); only the API is limited, per client address.
    app.extensions["limiter"] = Limiter(
        get_remote_address,
        app=app,
        default_limits=[lambda: app.config["RATE_LIMIT"] if request.endpoint in WRITE_ENDPOINTS
                        else app.config["RATE_LIMIT_LOOKUP"]],
        default_limits_exempt_when=lambda: not request.path.startswith("/api/") or request.method == "OPTIONS",
        storage_uri=app.config["RATE_LIMIT_STORAGE"],
        headers_enabled=True,
    )
    app.after_request(_headers)


def _headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    if request.path in EMBEDDABLE:
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if request.path.startswith("/api/"):
        response.headers.setdefault("Cache-Control", "no-store")
    return response
