"""The knowledge base's records: frozen dataclasses that serialise to plain dicts."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Document:
    """A published document: where entries come from and whom to ask."""

    id: str
    title: str
    path: str
    kind: str  # "public_comment" | "faq_table"
    publisher: str | None = None  # e.g. 札幌市
    department: str | None = None  # the office residents should ask
    url: str | None = None
    date: str | None = None  # ISO date shown in citations
    period_start: str | None = None  # 募集期間 (ISO)
    period_end: str | None = None
    counts: dict = field(default_factory=dict)  # 提出者数, 意見総数 …
    contact: dict = field(default_factory=dict)  # editors' お問い合わせ先: department, phone, hours, url

    def to_dict(self) -> dict:
        """Plain-dict form (JSON-ready)."""
        return asdict(self)


@dataclass(frozen=True)
class Source:
    """Where an entry was published: document, item number as published, date, URL."""

    document_id: str
    title: str
    item: str  # the No. column, "overview", or a FAQ table's id
    url: str | None = None
    date: str | None = None
    publisher: str | None = None
    department: str | None = None


@dataclass(frozen=True)
class Related:
    """A link to another entry (or a title the source listed that we could not resolve)."""

    title: str
    entry_id: str | None = None


@dataclass(frozen=True)
class Entry:
    """One question and the city's answer, verbatim, in paragraphs."""

    id: str
    question: str
    answer: tuple[str, ...]
    source: Source
    category: str | None = None
    alternates: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    related: tuple[Related, ...] = ()
    contact: tuple[str, ...] = ()  # お問い合わせ lines kept apart from the answer
    heading: str | None = None  # an editor's short neutral title (the question may be an opinion)

    @property
    def answer_text(self) -> str:
        """The answer as one plain text, paragraphs separated by blank lines."""
        return "\n\n".join(self.answer)

    def to_dict(self) -> dict:
        """Plain-dict form (JSON-ready), lists instead of tuples."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Entry":
        """Inverse of `to_dict`."""
        return cls(
            id=data["id"],
            question=data["question"],
            answer=tuple(data["answer"]),
            source=Source(**data["source"]),
            category=data.get("category"),
            alternates=tuple(data.get("alternates", ())),
            topics=tuple(data.get("topics", ())),
            related=tuple(Related(**r) for r in data.get("related", ())),
            contact=tuple(data.get("contact", ())),
            heading=data.get("heading"),
        )
