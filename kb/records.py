"""Question and feedback records (SQLAlchemy Core: SQLite by default, PostgreSQL by URL).

Only masked text is ever written, and never who asked. When the database is down or
read-only the records are dropped with a warning: residents still get answers.
"""
from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import (Boolean, Column, DateTime, Float, Integer, MetaData, String, Table, Text,
                        create_engine, delete, func, select)
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)
DEFAULT_DATABASE_URL = "sqlite:///instance/kb.sqlite3"
NOT_ANSWERED = ("close", "no_answer")  # outcomes that leave a question for editors to answer

metadata = MetaData()
feedback = Table(
    "feedback", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("entry_id", String(200), nullable=False),
    Column("helpful", Boolean, nullable=False),
    Column("comment", Text),  # masked
    Column("index_version", String(80)),
)
questions = Table(
    "questions", metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("question", Text, nullable=False),  # masked
    Column("outcome", String(16), nullable=False),  # answer | close | no_answer | help …
    Column("entry_id", String(200)),
    Column("confidence", Float),
    Column("index_version", String(80)),
)


TIMEOUT_SECONDS = 3  # connect, lock wait (SQLite busy timeout) and statement time
WARN_EVERY_SECONDS = 60.0


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _timeouts(url: str) -> dict:
    """Driver arguments that bound how long one write can wait for the database."""
    if url.startswith("sqlite"):
        return {"timeout": TIMEOUT_SECONDS}
    if url.startswith("postgresql"):
        return {"connect_timeout": TIMEOUT_SECONDS, "options": f"-c statement_timeout={TIMEOUT_SECONDS * 1000}"}
    return {}


class Records:
    """Writes and purges records; every failure is logged and swallowed."""

    def __init__(self, url: str):
        self.url = url
        self._last_warning = float("-inf")
        pooled = {} if url.startswith("sqlite") else {"pool_timeout": TIMEOUT_SECONDS}
        self.engine = create_engine(url, pool_pre_ping=True, hide_parameters=True, connect_args=_timeouts(url),
                                    **pooled)

    now = staticmethod(_now)

    def create_tables(self) -> bool:
        """Create missing tables; False (and a warning) when the database is unusable."""
        return self._run("create tables", lambda conn: metadata.create_all(conn))

    def add_question(self, question: str, outcome: str, entry_id: str | None,
                     confidence: float | None, index_version: str | None) -> bool:
        """Record a (masked) question and what the resident got."""
        row = dict(created_at=_now(), question=question, outcome=outcome, entry_id=entry_id,
                   confidence=confidence, index_version=index_version)
        return self._run("record a question", lambda conn: conn.execute(questions.insert(), row))

    def add_feedback(self, entry_id: str, helpful: bool, comment: str | None, index_version: str | None) -> bool:
        """Record 解決しましたか？ feedback (comment already masked)."""
        row = dict(created_at=_now(), entry_id=entry_id, helpful=helpful, comment=comment,
                   index_version=index_version)
        return self._run("record feedback", lambda conn: conn.execute(feedback.insert(), row))

    def add_rows(self, question_rows: list[dict], feedback_rows: list[dict]) -> bool:
        """Write a batch of question and feedback rows in one transaction."""
        def write(conn):
            for table, rows in ((questions, question_rows), (feedback, feedback_rows)):
                if rows:
                    conn.execute(table.insert(), rows)
        return self._run(f"record {len(question_rows)} question(s) and {len(feedback_rows)} feedback", write)

    def try_purge(self, days: int) -> bool:
        """purge(), with a database failure logged instead of raised."""
        return self._run("purge old records", lambda conn: self._purge_in(conn, days))

    def purge(self, days: int) -> dict[str, int]:
        """Delete records older than `days`; returns how many per table."""
        with self.engine.begin() as conn:
            return self._purge_in(conn, days)

    @staticmethod
    def _purge_in(conn, days: int) -> dict[str, int]:
        cutoff = _now() - timedelta(days=days)
        return {table.name: conn.execute(delete(table).where(table.c.created_at < cutoff)).rowcount
                for table in (questions, feedback)}

    def unanswered(self, days: int, limit: int) -> list[tuple[str, int, datetime]]:
        """(masked question, times asked, last asked) of recent questions that got no
        answer (only the nearest entries, or nothing), most asked first: what editors should find a published answer for."""
        since = _now() - timedelta(days=days)
        query = (
            select(questions.c.question, func.count().label("times"), func.max(questions.c.created_at).label("last"))
            .where(questions.c.outcome.in_(NOT_ANSWERED), questions.c.created_at >= since)
            .group_by(questions.c.question)
            .order_by(func.count().desc(), func.max(questions.c.created_at).desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [(row.question, row.times, row.last) for row in conn.execute(query)]

    def count(self, table: Table) -> int:
        """Rows in `table` (for reports and tests)."""
        with self.engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(table)).scalar_one()

    def _run(self, what: str, action) -> bool:
        try:
            with self.engine.begin() as conn:
                action(conn)
            return True
        except SQLAlchemyError as error:
            # The error text never holds the row values we tried to write: hide_parameters.
            if time.monotonic() - self._last_warning >= WARN_EVERY_SECONDS:  # an outage is one warning a minute
                self._last_warning = time.monotonic()
                log.warning("database unavailable, could not %s: %s", what, type(error).__name__)
            return False

    def dispose(self) -> None:
        """Close pooled connections."""
        self.engine.dispose()
