"""The chatbot decision: the city's own text, or an honest "not sure" or "no answer".

`answer` only when the decision model (kb/decision.py over kb/evidence.py, fitted offline)
is confident that the best entry answers the question and the entry holds one of its
nouns; `close` when it is not sure: the 1–3 nearest entries, shown as related published
text and not as the answer, with the office to ask; `no_answer` with the office to ask
otherwise. Input with nothing to search gets `too_short`, a question with no Japanese in it
`not_japanese`. docs/decision.md has the figures.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import numpy as np

from .analysis import SENTENCE_RE, analyze, entry_terms, sentence_spans
from .blas import matmul
from .decision import load_model
from .evidence import gather
from .models import Entry
from .query import ParsedQuery
from .search import Hit, KnowledgeBase, Signals
from .textnorm import normalize, to_katakana

MIN_LETTERS = 2
KEYWORD_CHARS = 10  # one content word in at most this many letters is a keyword, not a sentence
KEYWORD_ENTRIES, KEYWORD_SHARE = 2, 0.1  # a keyword held by more entries than both is too broad to answer
HOLDS_COVERAGE = 0.6  # the word itself, or as part of a longer one (保険 in 健康保険証)
RELATED_LIMIT = 3
RELATED_MIN_COVERAGE = 0.3
# Greetings and thanks get a short help reply instead of a search.
GREETINGS = ("こんにちは", "こんにちわ", "こんばんは", "おはよう", "はじめまして", "ありがとう",
             "どうも", "もしもし", "よろしく", "すみません", "hello", "hi", "hey")
HELP_TEXT = ("国民健康保険やマイナンバーカード（マイナ保険証）について、市が公表した回答をお探しします。"
             "「マイナンバーカードをなくしたら保険の情報はもれる？」のように、文章で質問してください。"
             "個人番号（マイナンバー）や電話番号などの個人情報は入力しないでください。")
FALLBACK_TEXT = "申し訳ありません。このご質問にお答えできる公表資料が見つかりませんでした。"
# not sure: the nearest published entries are shown as related text, never as the answer
CLOSE_TEXT = "ご質問に直接お答えする回答は見つかりませんでした。近い内容の公表資料を下に示します。"
KEYWORD_TEXT = CLOSE_TEXT + "知りたいことを文章で入力すると、回答を探しやすくなります。"
TOO_SHORT_TEXT = ("もう少し詳しく入力してください。"
                  "「マイナンバーカードをなくしたら保険の情報はもれる？」のように、文章で質問してください。")
NOT_JAPANESE_TEXT = "回答は日本語で公表されています。日本語で質問してください。"
_JAPANESE_RE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
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

    kind: str  # "answer" | "close" | "no_answer" | "help" | "too_short" | "not_japanese"
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


def is_too_short(question: str) -> bool:
    """Nothing to search: under two letters, or only digits and symbols (「a」「1」「？？？」)."""
    letters = [ch for ch in normalize(question) if ch.isalpha()]
    return len(letters) < MIN_LETTERS or (len(letters) < 3 and all(ch.isascii() for ch in letters))


def is_japanese(question: str) -> bool:
    """Does the question hold any kana or kanji?"""
    return bool(_JAPANESE_RE.search(question))


@dataclass
class DecisionInputs:
    """A question read once for the decision: an early reply (help, too_short,
    not_japanese, broad) or the hits and the best one's features."""

    early: str | None
    parsed: ParsedQuery | None = None
    hits: list[Hit] = field(default_factory=list)
    features: dict[str, float] = field(default_factory=dict)

    @property
    def nouns(self) -> bool:
        """Does the best entry hold at least one of the question's nouns?"""
        return bool(self.hits) and self.hits[0].noun_matches > 0


def decide_inputs(kb: KnowledgeBase, question: str) -> DecisionInputs:
    """Everything the decision looks at for `question`."""
    if is_greeting(question):
        return DecisionInputs("help")
    if is_too_short(question):
        return DecisionInputs("too_short")
    if not is_japanese(question):
        return DecisionInputs("not_japanese")
    parsed = kb.parse(question)
    if parsed.is_empty:
        return DecisionInputs("help", parsed)
    signals = Signals()
    hits = kb.search(parsed, limit=10, signals=signals)
    if is_keyword(question, parsed):
        return DecisionInputs("keyword", parsed, hits, gather(kb, parsed, hits, signals))
    return DecisionInputs(None, parsed, hits, gather(kb, parsed, hits, signals))


def ask(kb: KnowledgeBase, question: str, threshold: float | None = None) -> Answer:
    """Decide how to reply to `question`: `answer` when the model is confident the best
    entry answers it, `close` when it is not sure (the nearest entries, shown as related
    text, not as the answer), `no_answer` otherwise."""
    inputs = decide_inputs(kb, question)
    if inputs.early == "help":
        return Answer(kind="help", question=question, message=HELP_TEXT)
    if inputs.early == "too_short":
        return Answer(kind="too_short", question=question, message=TOO_SHORT_TEXT)
    if inputs.early == "not_japanese":
        return Answer(kind="not_japanese", question=question, message=NOT_JAPANESE_TEXT, contact=_contact(kb, None))
    hits, parsed = inputs.hits, inputs.parsed
    best = hits[0] if hits else None
    model = load_model("semantic" if "semantic" in inputs.features else "lexical")
    probability = model.probability(inputs.features) if best else 0.0
    answer_at = model.threshold if threshold is None else threshold
    if inputs.early == "keyword":
        holding = [h for h in hits if h.coverage >= HOLDS_COVERAGE]
        about = [h for h in holding if is_about(h.entry, parsed.words[0])]
        word = parsed.words[0]
        if not holding or word.kana:  # nothing published holds it, or a few kana only sound like it: ask for more
            return Answer(kind="too_short", question=question, hits=tuple(hits), message=TOO_SHORT_TEXT)
        if len(about) == 1 and kb.lexical.doc_freq(word.term) <= max(KEYWORD_ENTRIES, KEYWORD_SHARE * len(kb.entries)):
            # one entry is plainly about a word few entries hold: that entry is the answer
            return Answer(kind="answer", question=question, entry=about[0].entry,
                          confidence=round(max(probability, answer_at), 3),
                          best_sentence=held_best_sentence(kb, about[0].entry, parsed),
                          related=_related([h for h in hits if h is not about[0]]), hits=tuple(hits),
                          extra={"features": _rounded(inputs.features), "keyword": True})
        else:
            return Answer(kind="close", question=question, confidence=round(probability, 3),
                          related=tuple(h.entry for h in (about or holding)[:RELATED_LIMIT]), hits=tuple(hits),
                          message=KEYWORD_TEXT, contact=_contact(kb, best))
    if best and inputs.nouns and probability >= answer_at:
        return Answer(
            kind="answer",
            question=question,
            entry=best.entry,
            confidence=round(probability, 3),
            best_sentence=held_best_sentence(kb, best.entry, parsed),
            related=_related(hits[1:]),
            hits=tuple(hits),
            extra={"features": _rounded(inputs.features)},
        )
    contact = _contact(kb, best)
    nearest = _related(hits)
    # close says "related text is shown below": only with some to show
    close = bool(nearest) and inputs.nouns and probability >= min(model.close_threshold, answer_at)
    return Answer(
        kind="close" if close else "no_answer",
        question=question,
        confidence=round(probability, 3),
        related=nearest if close else (),
        hits=tuple(hits),
        message=(CLOSE_TEXT if close else FALLBACK_TEXT) + (f"{contact}にお問い合わせください。" if contact else ""),
        contact=contact,
        extra={"features": _rounded(inputs.features)},
    )


def is_keyword(question: str, parsed: ParsedQuery) -> bool:
    """A lone keyword (「なりすまし」, 「保険」), not a sentence that happens to have one content
    word (「リスク管理はどうなってるの」)."""
    return len(parsed.words) == 1 and len(_PUNCT_RE.sub("", normalize(question))) <= KEYWORD_CHARS


def is_about(entry: Entry, word) -> bool:
    """Is the entry plainly about the keyword: does its heading (an opinion's own words
    are not the city's) or its question hold it as a whole word (カード in マイナンバーカード
    does not count, nor an alternate wording made for search)?"""
    return word.term in {m.term for m in analyze(entry.heading or entry.question)}


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {name: round(float(v), 3) for name, v in values.items()}


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
        for match in SENTENCE_RE.finditer(paragraph):
            terms = entry_terms(match.group())
            score = sum(
                weight(w) for w in parsed.words
                if w.term in terms or any(all(t in terms for t in g) for g in w.found_by)
                or any(t in terms for t in w.subterms)
            )
            if score > best_score:
                best_score = score
                best = SentenceMark(index, match.start(), match.end(), match.group())
    return best


def held_best_sentence(kb: KnowledgeBase, entry: Entry, parsed: ParsedQuery) -> SentenceMark | None:
    """`best_sentence`'s choice (same words, same weights, first on ties) read from the words
    the index stored for each answer sentence at build time: no Sudachi pass per sentence."""
    text = entry.answer_text
    spans = sentence_spans(text)
    rows, _ = kb.lexical.sentence_rows(np.array([kb.row(entry.id)]))
    if len(rows) != len(spans):  # not the sentences this version stored: read them afresh
        return best_sentence(entry, parsed, kb.word_weight)
    _, matches = kb.word_matches(parsed, rows, kb.lexical.sentences)
    weights = np.array([kb.word_weight(w) for w in parsed.words], np.float64)
    scores = matmul(matches > 0, weights) if len(rows) else np.zeros(0)
    if not len(scores) or scores.max() <= 0:
        return None
    start, end = spans[int(np.argmax(scores))]  # the first of the best
    starts = list(accumulate((len(p) + 2 for p in entry.answer[:-1]), initial=0))  # joined by "\n\n"
    paragraph = bisect_right(starts, start) - 1
    offset = start - starts[paragraph]
    return SentenceMark(paragraph, offset, offset + end - start, text[start:end])
