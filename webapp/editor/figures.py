"""The dashboard's figures as data: each a title, table columns and rows over a period,
drawn as a chart, shown as a table and downloadable as CSV from the same rows."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from kb import KnowledgeBase
from kb import Period, daily_outcomes, most_asked_entries, most_unhelpful_entries


@dataclass(frozen=True)
class Source:
    """Where figures are computed from."""

    engine: object
    kb: KnowledgeBase
    period: Period


@dataclass(frozen=True)
class Figure:
    """One figure: its title, columns, how its rows are computed, and its chart kind."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: Callable[[Source], list[tuple]]
    chart: str  # see charts.CHARTS
    series: tuple[int, ...] = (1,)  # columns drawn as series (the first column labels them)


def _daily(source: Source) -> list[tuple]:
    return [(d["date"].isoformat(), d["questions"], d["answer"], d["close"], d["no_answer"], d["too_short"], d["other"])
            for d in daily_outcomes(source.engine, source.period)]


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _shares(source: Source) -> list[tuple]:
    return [(day, _percent(answer, total), _percent(close, total), _percent(no_answer, total), _percent(too_short, total))
            for day, total, answer, close, no_answer, too_short, _ in _daily(source)]


def _question(kb: KnowledgeBase, entry_id: str) -> str:
    entry = kb.entries.get(entry_id)
    return entry.question.splitlines()[0][:80] if entry else "（現在の索引にない項目）"


def _entries(source: Source) -> list[tuple]:
    return [(entry_id, _question(source.kb, entry_id), times)
            for entry_id, times in most_asked_entries(source.engine, source.period)]


def _unhelpful(source: Source) -> list[tuple]:
    return [(entry_id, _question(source.kb, entry_id), no, total)
            for entry_id, no, total in most_unhelpful_entries(source.engine, source.period)]


def _topics(source: Source) -> list[tuple]:
    counts: Counter = Counter()
    for entry_id, times in most_asked_entries(source.engine, source.period, limit=None):
        entry = source.kb.entries.get(entry_id)
        for topic in (entry.topics if entry and entry.topics else ("（分類なし）",)):
            counts[topic] += times
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


FIGURES = {
    figure.name: figure for figure in (
        Figure("questions", "1日あたりの質問数", ("日付", "質問数", "回答した", "近い資料のみ", "回答なし", "短すぎる入力", "その他"),
               _daily, "bar"),
        Figure("outcomes", "回答できた割合（1日ごと、%）", ("日付", "回答した（%）", "近い資料のみ（%）", "回答なし（%）", "短すぎる入力（%）"),
               _shares, "stacked", series=(1, 2, 3, 4)),
        Figure("entries", "よく回答に使われた項目", ("項目ID", "質問", "回答した回数"), _entries, "horizontal", series=(2,)),
        Figure("unhelpful", "「いいえ」（解決しなかった）が多い項目", ("項目ID", "質問", "「いいえ」の数", "評価の数"),
               _unhelpful, "horizontal", series=(2,)),
        Figure("topics", "質問された分類", ("分類", "回答した回数"), _topics, "horizontal"),
    )
}
