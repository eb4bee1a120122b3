"""Unanswered questions grouped into near-duplicates, with what the current index says now.

Two questions are near-duplicates when they hold the same content words once synonyms and
readings are taken into account (our own analysis: KnowledgeBase.parse): 「保険証をなくした」
and 「保険証を紛失しました」 fall into one group when synonyms.txt makes なくす ⇔ 紛失."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from .answer import ask
from .query import QueryWord
from .search import KnowledgeBase
from .textnorm import normalize


@dataclass(frozen=True)
class Gap:
    """One group of near-duplicate unanswered questions."""

    key: tuple[str, ...]  # the group's content words (canonical forms)
    questions: tuple[tuple[str, int], ...]  # (question as asked, masked; times), most asked first
    count: int
    last: datetime
    answered_by: str | None  # entry the current index now answers with, if any

    @property
    def question(self) -> str:
        """The most asked wording: the one to add as an alternate phrasing."""
        return self.questions[0][0]


def _canonical(word: QueryWord) -> str:
    """One name for a word and all its synonyms: the smallest of them, by reading when kana."""
    forms = {word.reading if word.kana else word.term, *(" ".join(group) for group in word.expansions)}
    return min(forms)


def group_key(kb: KnowledgeBase, question: str) -> tuple[str, ...]:
    """The question's content words after synonyms and readings, order and repeats ignored."""
    words = kb.parse(question).words
    return tuple(sorted({_canonical(w) for w in words})) or (normalize(question),)


def group_unanswered(kb: KnowledgeBase, asked: list[tuple[str, datetime]], threshold: float) -> list[Gap]:
    """Groups of (question, when) pairs, most asked first, each checked against the index."""
    members: dict[tuple[str, ...], Counter] = {}
    last: dict[tuple[str, ...], datetime] = {}
    for question, when in asked:
        key = group_key(kb, question)
        members.setdefault(key, Counter())[question] += 1
        last[key] = max(last.get(key, when), when)
    gaps = []
    for key, counter in members.items():
        wordings = tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))
        result = ask(kb, wordings[0][0], threshold)
        gaps.append(Gap(key, wordings, sum(counter.values()), last[key],
                        result.entry.id if result.answered else None))
    gaps.sort(key=lambda g: (-g.count, -g.last.timestamp(), g.key))
    return gaps
