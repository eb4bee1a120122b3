"""The web app's settings: the knowledge base's own plus the web's, one table.

Validated at start-up: a bad value stops the app with a sentence naming the setting."""
from __future__ import annotations

import os
import re
from dataclasses import replace

from kb.config import SETTINGS as KB_SETTINGS
from kb.config import Setting, positive_int, read_settings


def _origins(value: str) -> list[str]:
    origins = [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
            raise ValueError(f"{origin!r} is not an origin like https://www.city.example.jp")
    return origins


def _public_url(value: str) -> str:
    value = value.strip().rstrip("/")
    if value and (not value.startswith(("http://", "https://")) or "?" in value or "#" in value):
        raise ValueError(f"{value!r} is not a URL like https://kb.city.example.jp")
    return value


_HOST = re.compile(r"\.?[a-z0-9_-]+(?:\.[a-z0-9_-]+)*|\[[0-9a-f:.]+\]")


def _hosts(value: str) -> tuple[str, ...]:
    hosts = []
    for item in (part.strip().lower() for part in value.split(",")):
        if item.count(":") > 1 and not item.startswith("["):
            item = f"[{item}]"  # a bare IPv6 address, as the Host header brackets it
        try:
            item = item.encode("idna").decode("ascii") if not item.isascii() else item  # 日本語.jp → xn--…
        except UnicodeError:
            pass
        if item and item != "*" and not _HOST.fullmatch(item):
            raise ValueError(f"{item!r} is not a host name like kb.city.example.jp (no scheme, port or path; "
                             "a leading dot allows subdomains, * any host)")
        hosts += [item] if item else []
    return tuple(hosts)


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError("must be 0 or a positive whole number")
    return number


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in {"1", "true", "yes", "on", "0", "false", "no", "off"}:
        raise ValueError("must be 1/true/on or 0/false/off")
    return lowered in {"1", "true", "yes", "on"}


_SHARED = {s.name: s for s in KB_SETTINGS}
SETTINGS = (
    _SHARED["INDEX_DIR"],
    _SHARED["CONTENT_DIR"],  # the editors' one-step fix writes curated.toml there and rebuilds
    _SHARED["ANSWER_THRESHOLD"],
    _SHARED["RETENTION_DAYS"],
    # No default URL here: the app puts its SQLite file in its instance folder.
    replace(_SHARED["DATABASE_URL"], default=None),
    Setting("SPOOL_DIR", "", "folder where feedback the API acknowledged waits, fsync'd, until the database has it "
            "(default: instance/spool/<one folder per database URL>); keep it on local disk"),
    Setting("ALLOWED_ORIGINS", "", "comma-separated origins whose pages may call the API (CORS)", _origins),
    Setting("MAX_QUESTION_CHARS", "200", "longest question accepted", positive_int),
    Setting("MAX_BODY_BYTES", "16384", "largest request body accepted", positive_int),
    Setting("ANSWER_CACHE", "1000", "replies kept per worker for questions asked again (least recently used "
            "dropped first; 0 = off); keyed by the masked question, emptied when a new index version is served",
            _count),
    Setting("RATE_LIMIT", "60 per minute", "questions and feedback allowed per client (Flask-Limiter syntax)"),
    Setting("RATE_LIMIT_LOOKUP", "600 per minute", "search, suggest and entry look-ups allowed per client "
            "(higher: the staff page searches as you type)"),
    Setting("RATE_LIMIT_STORAGE", "memory://", "where rate-limit counters live (memory:// or redis://…)"),
    Setting("STALE_YEARS", "5", "answers published this many years ago or more are marked as possibly out of date",
            positive_int),
    Setting("PUBLIC_URL", "", "public base URL of this service, e.g. https://kb.city.example.jp (canonical links, "
            "sitemap, the widget's embed snippet; never taken from the Host header)", _public_url),
    Setting("ALLOWED_HOSTS", "", "comma-separated host names this service answers to (the Host header; "
            ".city.example.jp allows its subdomains too, * any host); others get 400. Default: the host of "
            "KB_PUBLIC_URL, and localhost, 127.0.0.1 and ::1", _hosts),
    Setting("SECRET_KEY", None, "key signing the editors' session cookie and forms "
            "(default: a random key kept in the instance folder, instance/secret_key)"),
    Setting("TRUST_REMOTE_USER", "0", "1 = an editor signed in by the city's SSO proxy (REMOTE_USER) "
            "needs no password here; only behind a proxy that sets it", _flag),
    Setting("EDITOR_COOKIE_SECURE", "1", "0 = send the editors' session cookie over plain http too "
            "(local development only; behind TLS keep 1)", _flag),
    Setting("EDITOR_SIGNIN_LIMIT", "5 per minute", "sign-in attempts allowed per client (Flask-Limiter syntax)"),
    Setting("EDITOR_IDLE_MINUTES", "30", "an editor's session ends after this many minutes without a request",
            positive_int),
    Setting("EDITOR_SESSION_HOURS", "12", "an editor's session ends this many hours after signing in, "
            "however busy", positive_int),
    Setting("PROXY_COUNT", "0", "reverse proxies in front of the app whose X-Forwarded-For to trust "
            "(rate limits then count the resident's address, not the proxy's)", int),
)


def load_settings(environ=os.environ, overrides: dict | None = None) -> dict:
    """Every web setting, parsed; SystemExit with the reason when one is bad."""
    try:
        return read_settings(SETTINGS, environ, overrides)
    except ValueError as error:
        raise SystemExit(str(error)) from None
