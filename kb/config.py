"""Settings of the knowledge base, each declared once with its default and help.

Read from the environment as KB_<NAME>; the web app adds its own on top."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    """One setting: name (without KB_), default, parser, help text."""

    name: str
    default: str
    help: str
    parse: type = str


SETTINGS = (
    Setting("INDEX_DIR", "index", "folder of the built index (kb build writes, the app reads)"),
    Setting("CONTENT_DIR", "content", "folder of source documents, synonyms.txt and curated.toml"),
    Setting("ANSWER_THRESHOLD", "0.6", "coverage (0–1) the best entry needs to be given as the answer", float),
    Setting("DATABASE_URL", "sqlite:///instance/kb.sqlite3",
            "SQLAlchemy URL of the question/feedback records (the web app's default file)"),
    Setting("RETENTION_DAYS", "90", "days question and feedback records are kept", int),
)


def setting(name: str, environ=os.environ):
    """The value of KB_<name> from `environ`, or its default; ValueError names a bad one."""
    spec = next(s for s in SETTINGS if s.name == name)
    raw = environ.get(f"KB_{name}", spec.default)
    try:
        return spec.parse(raw)
    except ValueError:
        raise ValueError(f"KB_{name}={raw!r} is not valid: {spec.help}") from None
