"""Figures for editors over a period, read from the question and feedback records:
questions per day and their outcomes, most asked entries, entries marked unhelpful."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import case, func, select
from sqlalchemy.engine import Engine

from .records import NOT_ANSWERED, feedback, questions

# Outcomes shown per day, in this order; anything else (help, not_japanese) counts as other.
DAILY_OUTCOMES = ("answer", "close", "no_answer", "too_short")


@dataclass(frozen=True)
class Period:
    """The last `days` days up to and including `until` (UTC dates)."""

    days: int
    until: date

    @property
    def start(self) -> datetime:
        """First instant of the period."""
        first = self.until - timedelta(days=self.days - 1)
        return datetime(first.year, first.month, first.day, tzinfo=timezone.utc)

    @property
    def dates(self) -> list[date]:
        """Every day of the period, oldest first."""
        return [self.until - timedelta(days=n) for n in reversed(range(self.days))]


def last_days(days: int) -> Period:
    """The period of the last `days` days, today included."""
    return Period(days, datetime.now(timezone.utc).date())


def _day(moment: datetime) -> date:
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc).date()


def daily_outcomes(engine: Engine, period: Period) -> list[dict]:
    """Per day: questions asked and how many were answered, shown only the nearest
    entries (close), not answered, too short."""
    query = select(questions.c.created_at, questions.c.outcome).where(questions.c.created_at >= period.start)
    counts: dict[date, Counter] = {day: Counter() for day in period.dates}
    with engine.connect() as conn:
        for moment, outcome in conn.execute(query):
            day = _day(moment)
            if day in counts:
                counts[day][outcome if outcome in DAILY_OUTCOMES else "other"] += 1
    return [{"date": day, "questions": sum(c.values()), **{o: c[o] for o in (*DAILY_OUTCOMES, "other")}}
            for day, c in counts.items()]


def most_asked_entries(engine: Engine, period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """(entry id, times given as the answer), most first."""
    query = (select(questions.c.entry_id, func.count().label("n"))
             .where(questions.c.created_at >= period.start, questions.c.outcome == "answer",
                    questions.c.entry_id.is_not(None))
             .group_by(questions.c.entry_id).order_by(func.count().desc(), questions.c.entry_id).limit(limit))
    with engine.connect() as conn:
        return [(row.entry_id, row.n) for row in conn.execute(query)]


def most_unhelpful_entries(engine: Engine, period: Period, limit: int = 10) -> list[tuple[str, int, int]]:
    """(entry id, 「いいえ」 count, all feedback count), most 「いいえ」 first."""
    no = func.sum(case((feedback.c.helpful.is_(False), 1), else_=0))
    query = (select(feedback.c.entry_id, no.label("no"), func.count().label("n"))
             .where(feedback.c.created_at >= period.start)
             .group_by(feedback.c.entry_id).having(no > 0)
             .order_by(no.desc(), feedback.c.entry_id).limit(limit))
    with engine.connect() as conn:
        return [(row.entry_id, int(row.no), row.n) for row in conn.execute(query)]


def unanswered_questions(engine: Engine, period: Period) -> list[tuple[str, datetime]]:
    """(masked question, when) of every question that got no answer in the period (only
    the nearest entries, or nothing)."""
    query = (select(questions.c.question, questions.c.created_at)
             .where(questions.c.created_at >= period.start, questions.c.outcome.in_(NOT_ANSWERED)))
    with engine.connect() as conn:
        return [(row.question, row.created_at) for row in conn.execute(query)]
