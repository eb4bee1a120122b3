"""The Whoosh schema: the record of every entry's fields (id, document, topics) with its
question and alternates indexed. Ranking reads the term matrices (kb/lexical.py), built
from the same analysis: a build hands Whoosh the terms it already has (kb/entryanalysis.py),
so no text is analysed twice, and the answers are not indexed twice. No positions are
kept (phrase=False): a word and its sub-units share a position, nothing asks for phrases."""
from __future__ import annotations

from whoosh.fields import ID, KEYWORD, TEXT, Schema

from .analysis import JapaneseTokenizer
from .entryanalysis import split_terms


def build_schema() -> Schema:
    """A fresh schema (analyzers are pickled into the index with it)."""
    japanese = JapaneseTokenizer()
    return Schema(
        id=ID(stored=True, unique=True),
        document=ID(stored=True),
        topics=KEYWORD(commas=True, stored=True),
        question=TEXT(analyzer=japanese, stored=False, phrase=False),
        alternates=TEXT(analyzer=japanese, phrase=False),
    )


def document_fields(entry, terms: dict[str, str]) -> dict:
    """The indexed fields of one entry; question and alternates (the editors' wordings and
    heading, kb/entryanalysis.py) as the lists of their analysed `terms` (Whoosh indexes a
    list as given, no analyzer)."""
    return {
        "id": entry.id,
        "document": entry.source.document_id,
        "topics": ",".join(entry.topics),
        "question": split_terms(terms["question"]),
        "alternates": split_terms(terms["alternates"]),
    }
