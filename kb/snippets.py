"""Highlighted snippets: text cut into plain and matched segments.

Segments (not HTML) are what we hand out, so every client escapes the text itself and
a `<script>` in an entry can only ever show as text."""
from __future__ import annotations

from .answer import best_sentence
from .models import Entry
from .query import ParsedQuery
from .search import KnowledgeBase

SNIPPET_CHARS = 120


def segments(text: str, spans: list[tuple[int, int]]) -> list[dict]:
    """[{"text", "hit"}] covering `text` in order; hit=True for matched spans."""
    out, position = [], 0
    for start, end in spans:
        if start > position:
            out.append({"text": text[position:start], "hit": False})
        out.append({"text": text[start:end], "hit": True})
        position = end
    if position < len(text):
        out.append({"text": text[position:], "hit": False})
    return out


def highlighted(kb: KnowledgeBase, text: str, parsed: ParsedQuery) -> list[dict]:
    """All of `text`, with the question's words marked."""
    return segments(text, kb.highlight_spans(text, parsed))


def answer_snippet(kb: KnowledgeBase, entry: Entry, parsed: ParsedQuery) -> list[dict]:
    """The answer sentence that best matches (else the opening), words marked."""
    mark = best_sentence(entry, parsed, kb.word_weight)
    text = mark.text if mark else entry.answer[0]
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS] + "…"
    return highlighted(kb, text, parsed)
