"""Settings, each declared once with its default, parser and help; read as KB_<NAME>.

The knowledge base's own settings are here; the web app adds its own to the same table
shape (webapp/settings.py), so every setting is validated the same way."""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Callable


def positive_int(value: str) -> int:
    """A whole number above zero."""
    number = int(value)
    if number <= 0:
        raise ValueError("must be a positive whole number")
    return number


def fraction(value: str) -> float:
    """A number from 0 to 1."""
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError("must be between 0 and 1")
    return number


def parse_semantic(value: str) -> str:
    """A KB_SEMANTIC value: off, on, e5, use, or dir:/path/to/model."""
    value = value.strip()
    if value in ("off", "on", "e5", "use") or (value.startswith("dir:") and len(value) > 4):
        return value
    raise ValueError("must be off, on, e5, use or dir:/path/to/model")


def worker_count(value: str) -> int:
    """A number of processes, or auto: one per CPU core this process may use, at most 4."""
    if value.strip() == "auto":
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
        return max(1, min(cores, 4))
    return positive_int(value)


@dataclass(frozen=True)
class Setting:
    """One setting: name (KB_ + name in the environment), default, parser, help text."""

    name: str
    default: str | None
    help: str
    parse: Callable = str


SETTINGS = (
    Setting("INDEX_DIR", "index", "folder of the built index (kb build writes, the app reads)"),
    Setting("CONTENT_DIR", "content", "folder of source documents, synonyms.txt and curated.toml"),
    Setting("ANSWER_THRESHOLD", None,
            "probability (0–1) the decision model needs to give the best entry as the answer "
            "[default: the fitted threshold in kb/data/decision.json]", fraction),
    Setting("DATABASE_URL", "sqlite:///instance/kb.sqlite3",
            "SQLAlchemy URL of the question/feedback records (the web app's default file)"),
    Setting("SEMANTIC", "on", "semantic signal: off (lexical only), on (the packaged model), e5, use, "
            "or dir:/path (an ONNX model folder, see docs/deployment.md)", parse_semantic),
    Setting("RETENTION_DAYS", "90", "days question and feedback records are kept", positive_int),
    Setting("BUILD_WORKERS", "auto", "processes that analyse the entries in `kb build`: a number, or auto "
            "(one per CPU core, at most 4; small contents use fewer)", worker_count),
)


def read_settings(specs, environ=os.environ, overrides: dict | None = None) -> dict:
    """Each spec's value from `overrides`, else KB_<NAME>, else its default.

    Raises ValueError with a sentence naming the variable, its value and what it must be."""
    overrides = overrides or {}
    values = {}
    for spec in specs:
        raw = overrides.get(spec.name, environ.get(f"KB_{spec.name}", spec.default))
        if raw is None or not isinstance(raw, str):
            values[spec.name] = raw
            continue
        try:
            values[spec.name] = spec.parse(raw)
        except ValueError as error:
            raise ValueError(f"KB_{spec.name}={raw!r} is not valid ({error}): {spec.help}") from None
    return values


def setting(name: str, environ=os.environ):
    """The value of one knowledge-base setting."""
    return read_settings([s for s in SETTINGS if s.name == name], environ)[name]
