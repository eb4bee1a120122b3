"""Security headers, CORS for the configured origins only, and per-client rate limits.

Rate-limit counters kept in memory (the default) are per worker process; gunicorn's
post_fork hook tells us how many workers there are, and each enforces its share of the
configured limit, so the total a client gets is what is configured. With a shared
storage (redis://…) every worker enforces the whole limit."""
from __future__ import annotations

import logging
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, abort, current_app, request
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import parse_many
from werkzeug.middleware.proxy_fix import ProxyFix

from .ratestore import storage_uri

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
# Never limited: the proxy's probes and static files.
UNLIMITED_PREFIXES = ("/static/", "/healthz", "/readyz")
_workers = 1  # processes sharing the limit, each counting in its own memory
# Always answered on the loopback names unless KB_ALLOWED_HOSTS says otherwise (the README's
# first command serves http://127.0.0.1:8000/).
LOOPBACK = ("localhost", "127.0.0.1", "[::1]")
# Probes address the container by its IP and answer nothing taken from the Host header.
ANY_HOST_PATHS = ("/healthz", "/readyz")
log = logging.getLogger(__name__)
_warned = False


def share_limits_between(workers: int) -> None:
    """Called in each gunicorn worker: `workers` processes split every limit."""
    global _workers
    _workers = max(1, workers)


def worker_share(limit: str, storage: str) -> str:
    """This worker's part of `limit` (rounded down: together never more than configured)."""
    return _share(limit, storage, _workers)


@lru_cache(maxsize=32)
def _share(limit: str, storage: str, workers: int) -> str:
    """Parsed once per setting, not on every request (the limiter asks on each one)."""
    if workers == 1 or not storage.startswith("memory://"):
        return limit
    return "; ".join(f"{max(1, item.amount // workers)} per {item.multiples} {item.GRANULARITY.name}"
                     for item in parse_many(limit))



def hostname(host: str) -> str:
    """`host:port` of a Host header → the host, lower-cased; IPv6 keeps its brackets."""
    host = host.strip().lower()
    return host[: host.find("]") + 1] if host.startswith("[") else host.partition(":")[0]


def allowed_hosts(config) -> tuple[str, ...]:
    """KB_ALLOWED_HOSTS, or else KB_PUBLIC_URL's host and the loopback names."""
    if config.get("ALLOWED_HOSTS"):
        return tuple(config["ALLOWED_HOSTS"])
    public = config.get("PUBLIC_URL")
    return ((hostname(urlsplit(public).netloc.rpartition("@")[2]),) if public else ()) + LOOPBACK


def host_allowed(host: str, allowed) -> bool:
    name = hostname(host)
    return any(ref == "*" or name == ref or (ref.startswith(".") and (name == ref[1:] or name.endswith(ref)))
               for ref in allowed)


def _check_host():
    """The Host header names this service, or the request gets 400: with KB_PUBLIC_URL unset,
    canonical links, JSON-LD, the sitemap and robots.txt are made from it."""
    global _warned
    if request.path in ANY_HOST_PATHS or host_allowed(request.host, allowed_hosts(current_app.config)):
        return None
    if not _warned:  # once per process: the operator learns what to set, a flood does not fill the log
        _warned = True
        log.warning("refused a request for host %r (and will refuse others quietly): set KB_PUBLIC_URL or "
                    "KB_ALLOWED_HOSTS to the names this service answers to", hostname(request.host)[:100])
    abort(400)


def init_security(app: Flask) -> None:
    """Wire the Host check, headers, CORS and the rate limiter into `app`."""
    app.before_request(_check_host)  # first: nothing else runs for a host that is not ours
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
    # One limiter per app (tests build many); API and pages are limited per client address.
    # Questions and feedback: KB_RATE_LIMIT per endpoint. Every look-up (search, suggest,
    # entries, topics, pages) draws on ONE budget per client, KB_RATE_LIMIT_LOOKUP: five
    # endpoints once gave a client five times the promised rate.
    storage = app.config["RATE_LIMIT_STORAGE"]
    unlimited = lambda: request.path.startswith(UNLIMITED_PREFIXES) or request.method == "OPTIONS"  # noqa: E731
    app.extensions["limiter"] = Limiter(
        get_remote_address,
        app=app,
        default_limits=[lambda: worker_share(app.config["RATE_LIMIT"], storage)],
        default_limits_exempt_when=lambda: unlimited() or request.endpoint not in WRITE_ENDPOINTS,
        application_limits=[lambda: worker_share(app.config["RATE_LIMIT_LOOKUP"], storage)],
        application_limits_exempt_when=lambda: unlimited() or request.endpoint in WRITE_ENDPOINTS,
        storage_uri=storage_uri(storage),
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
