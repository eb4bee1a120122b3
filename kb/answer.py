"""The chatbot decision: a confident answer (the city's own text) or an honest "no answer".

An answer is given only when the best entry covers enough of the question
(`answer_threshold`, calibrated on the development questions: see README) and holds
at least one of its nouns. Otherwise the resident gets the fallback reply naming the
office to ask, and up to three entries that may still help.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .analysis import entry_terms
from .models import Entry
from .query import ParsedQuery
from .search import Hit, KnowledgeBase
from .textnorm import normalize

DEFAULT_THRESHOLD = 0.6
RELATED_LIMIT = 3
RELATED_MIN_COVERAGE = 0.3
# Greetings and thanks get a short help reply instead of a search.
GREETINGS = ("こんにちは", "こんにちわ", "こんばんは", "おはよう", "はじめまして", "ありがとう",
             "どうも", "もしもし", "よろしく", "すみません", "hello", "hi", "hey")
HELP_TEXT = ("国民健康保険やマイナンバーカード（マイナ保険証）について、市が公表した回答をお探しします。"
             "「マイナンバーカードをなくしたら保険の情報はもれる？」のように、文章で質問してください。"
             "個人番号（マイナンバー）や電話番号などの個人情報は入力しないでください。")
FALLBACK_TEXT = "申し訳ありません。このご質問にお答えできる公表資料が見つかりませんでした。"
_SENTENCE_RE = re.compile(r"[^。！？!?]+[。！？!?」』）)]*")
_PUNCT_RE = re.compile(r"[\s!！?？。、,.・ー〜~]+")


@dataclass(frozen=True)
class SentenceMark:
    """The sentence of an answer that best matches the question, for highlighting."""

    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Answer:
    """What the chatbot says: an entry, or no answer with a fallback, or help."""

    kind: str  # "answer" | "no_answer" | "help"
    question: str
    entry: Entry | None = None
    confidence: float = 0.0
    best_sentence: SentenceMark | None = None
    related: tuple[Entry, ...] = ()
    hits: tuple[Hit, ...] = ()
    message: str | None = None
    contact: str | None = None  # the office to ask when there is no answer
    extra: dict = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        """True when an entry is given as the answer."""
        return self.kind == "answer"


def is_greeting(question: str) -> bool:
    """A greeting or thanks with nothing else in it."""
    stripped = _PUNCT_RE.sub("", normalize(question))
    return any(stripped.startswith(g) for g in GREETINGS) and len(stripped) <= 12


def ask(kb: KnowledgeBase, question: str, threshold: float = DEFAULT_THRESHOLD) -> Answer:
    """Decide how to reply to `question`."""
    parsed = kb.parse(question)
    if is_greeting(question) or parsed.is_empty:
        return Answer(kind="help", question=question, message=HELP_TEXT)
    hits = kb.search(parsed, limit=10)
    best = hits[0] if hits else None
    if best and best.coverage >= threshold and best.noun_matches > 0:
        return Answer(
            kind="answer",
            question=question,
            entry=best.entry,
            confidence=round(best.coverage, 3),
            best_sentence=best_sentence(best.entry, parsed, kb.word_weight),
            related=_related(hits[1:]),
            hits=tuple(hits),
        )
    contact = _contact(kb, best)
    return Answer(
        kind="no_answer",
        question=question,
        confidence=round(best.coverage, 3) if best else 0.0,
        related=_related(hits),
        hits=tuple(hits),
        message=FALLBACK_TEXT + (f"{contact}にお問い合わせください。" if contact else ""),
        contact=contact,
    )


def _related(hits: list[Hit]) -> tuple[Entry, ...]:
    return tuple(h.entry for h in hits if h.coverage >= RELATED_MIN_COVERAGE)[:RELATED_LIMIT]


def _contact(kb: KnowledgeBase, best: Hit | None) -> str | None:
    """The office named by the best hit's document, else by any document."""
    documents = list(kb.documents.values())
    if best:
        documents.insert(0, kb.documents.get(best.entry.source.document_id))
    for document in documents:
        if document and document.department:
            return f"{document.publisher or ''}{document.department}"
    return None


def best_sentence(entry: Entry, parsed: ParsedQuery, weight=lambda word: word.weight) -> SentenceMark | None:
    """The answer sentence holding the most question words (weighted by `weight`,
    rare words counting more); the first one on ties."""
    best, best_score = None, 0.0
    for index, paragraph in enumerate(entry.answer):
        for match in _SENTENCE_RE.finditer(paragraph):
            terms = entry_terms(match.group())
            score = sum(
                weight(w) for w in parsed.words
                if w.term in terms or any(all(t in terms for t in g) for g in w.expansions)
                or any(t in terms for t in w.subterms)
            )
            if score > best_score:
                best_score = score
                best = SentenceMark(index, match.start(), match.end(), match.group())
    return best
