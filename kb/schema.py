"""The Whoosh schema: which views of an entry are indexed, and how."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from .analysis import BigramTokenizer, JapaneseTokenizer, ReadingTokenizer

# Field → weight in ranking. The question (and editors' alternate phrasings) says what
# an entry is about; the answer says much else besides, so it counts for less.
FIELD_BOOSTS = {"question": 3.0, "alternates": 2.5, "answer": 1.0}
BIGRAM_FIELDS = {"question_bigram": 0.6, "answer_bigram": 0.2}
READING_FIELD = "reading"


def build_schema() -> Schema:
    """A fresh schema (analyzers are pickled into the index with it)."""
    japanese = JapaneseTokenizer()
    bigram = BigramTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        document=ID(stored=True),
        topics=KEYWORD(commas=True, stored=True),
        question=TEXT(analyzer=japanese, stored=False),
        alternates=TEXT(analyzer=japanese),
        answer=TEXT(analyzer=japanese),
        question_bigram=TEXT(analyzer=bigram),
        answer_bigram=TEXT(analyzer=bigram),
        reading=TEXT(analyzer=ReadingTokenizer()),
    )


def document_fields(entry) -> dict:
    """The indexed fields of one entry."""
    alternates = "\n".join(entry.alternates)
    answer = entry.answer_text
    return {
        "id": entry.id,
        "document": entry.source.document_id,
        "topics": ",".join(entry.topics),
        "question": entry.question,
        "alternates": alternates,
        "answer": answer,
        "question_bigram": entry.question + "\n" + alternates,
        "answer_bigram": answer,
        "reading": entry.question + "\n" + alternates + "\n" + answer,
    }
