"""The Whoosh schema: the record of every entry's fields (id, document, topics) with its
question and alternates indexed. Ranking reads the term matrices (kb/lexical.py), built
from the same analysis; the answers are not indexed twice."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from .analysis import JapaneseTokenizer


def build_schema() -> Schema:
    """A fresh schema (analyzers are pickled into the index with it)."""
    japanese = JapaneseTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        document=ID(stored=True),
        topics=KEYWORD(commas=True, stored=True),
        question=TEXT(analyzer=japanese, stored=False),
        alternates=TEXT(analyzer=japanese),
    )


def document_fields(entry) -> dict:
    """The indexed fields of one entry. An editor's heading counts as one more wording of
    the question: the widget offers headings as suggestions and related links, and picking
    one must find its entry by words too, not only by meaning."""
    alternates = "\n".join(text for text in dict.fromkeys((*entry.alternates, entry.heading or "")) if text)
    return {
        "id": entry.id,
        "document": entry.source.document_id,
        "topics": ",".join(entry.topics),
        "question": entry.question,
        "alternates": alternates,
    }
