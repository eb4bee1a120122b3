"""The web app's settings: each declared once with default and help, read from KB_*.

Validated at start-up: a bad value stops the app with a sentence naming the setting."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable


def _origins(value: str) -> list[str]:
    origins = [o.strip().rstrip("/") for o in value.split(",") if o.strip()]
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or origin.count("/") != 2:
            raise ValueError(f"{origin!r} is not an origin like https://www.city.example.jp")
    return origins


def _positive_int(value: str) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive whole number")
    return number


def _fraction(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError("must be between 0 and 1")
    return number


@dataclass(frozen=True)
class Setting:
    """Name (Flask config key and KB_ + name in the environment), default, parser, help."""

    name: str
    default: str | None
    parse: Callable
    help: str


SETTINGS = (
    Setting("INDEX_DIR", "index", str, "folder of the built index (kb build --index)"),
    Setting("DATABASE_URL", None, str, "SQLAlchemy URL for feedback and question records; "
            "default a SQLite file in the instance folder"),
    Setting("ALLOWED_ORIGINS", "", _origins, "comma-separated origins whose pages may call the API (CORS)"),
    Setting("ANSWER_THRESHOLD", "0.6", _fraction, "coverage the best entry needs to be given as the answer"),
    Setting("MAX_QUESTION_CHARS", "200", _positive_int, "longest question accepted"),
    Setting("MAX_BODY_BYTES", "16384", _positive_int, "largest request body accepted"),
    Setting("RETENTION_DAYS", "90", _positive_int, "days question and feedback records are kept"),
    Setting("RATE_LIMIT", "60 per minute", str, "API requests allowed per client (Flask-Limiter syntax)"),
    Setting("RATE_LIMIT_STORAGE", "memory://", str, "where rate-limit counters live (memory:// or redis://…)"),
)


def load_settings(environ=os.environ, overrides: dict | None = None) -> dict:
    """Every setting parsed from `overrides`, else KB_<NAME>, else its default."""
    overrides = overrides or {}
    values = {}
    for spec in SETTINGS:
        raw = overrides.get(spec.name, environ.get(f"KB_{spec.name}", spec.default))
        if raw is None or not isinstance(raw, str):
            values[spec.name] = raw
            continue
        try:
            values[spec.name] = spec.parse(raw)
        except ValueError as error:
            raise SystemExit(f"KB_{spec.name}={raw!r} is not valid ({error}): {spec.help}") from None
    return values
