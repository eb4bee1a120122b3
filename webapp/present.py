"""What entries and answers look like to clients: shared by the API and the pages."""
from __future__ import annotations

from datetime import date

from kb import Answer, Entry, KnowledgeBase, Masked, answer_record, answer_snippet, entry_record, highlighted

PER_PAGE = 10
RELATIVE_SCORE_FLOOR = 0.25  # hits scoring under this share of the best are noise


def japanese_date(iso: str | None) -> str | None:
    """2020-07-14 → 2020年7月14日."""
    if not iso:
        return None
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def citation(kb: KnowledgeBase, entry: Entry) -> str:
    """One line a person can read out: who published what, which item, when."""
    source = entry.source
    document = kb.documents.get(source.document_id)
    item = "概要" if source.item == "overview" else f"No.{source.item}"
    parts = [f"{source.publisher or ''}「{source.title}」{item}"]
    if document and document.period_start:
        parts.append(f"（意見募集期間 {japanese_date(document.period_start)}～{japanese_date(document.period_end)}）")
    elif source.date:
        parts.append(f"（{japanese_date(source.date)}）")
    return "".join(parts)


def entry_view(kb: KnowledgeBase, entry: Entry) -> dict:
    """ENTRY plus its citation, readable date and a plain-text answer to copy."""
    record = entry_record(entry)
    record["citation"] = citation(kb, entry)
    record["source"]["date_text"] = japanese_date(entry.source.date)
    record["answer_text"] = entry.answer_text
    record["related"] = [r for r in record["related"] if r["entry_id"]]
    return record


def answer_view(kb: KnowledgeBase, result: Answer, masked: Masked) -> dict:
    """The /api/ask reply: the CLI's decision record, with the entry's citation added.
    The question is echoed masked, never as typed."""
    return {
        **answer_record(result),
        "question": masked.text,
        "answer": entry_view(kb, result.entry) if result.entry else None,
        "privacy_notice": masked.notice,
        "index_version": kb.version,
    }


def search_view(kb: KnowledgeBase, masked: Masked, topic: str | None, document: str | None, page: int) -> dict:
    """A page of ranked entries with highlighted question and snippet."""
    text = masked.search_text.strip()
    if text:
        parsed = kb.parse(text)
        hits = kb.search(parsed, limit=None, topic=topic, document=document)
        floor = hits[0].score * RELATIVE_SCORE_FLOOR if hits else 0
        entries = [h.entry for h in hits if h.score >= floor]
    else:
        parsed = None
        entries = [e for e in kb.entries.values()
                   if (not topic or topic in e.topics) and (not document or e.source.document_id == document)]
    total = len(entries)
    shown = entries[(page - 1) * PER_PAGE : page * PER_PAGE]
    return {
        "query": masked.text,
        "topic": topic,
        "document": document,
        "total": total,
        "page": page,
        "per_page": PER_PAGE,
        "pages": max(1, -(-total // PER_PAGE)),
        "results": [_result(kb, entry, parsed) for entry in shown],
        "privacy_notice": masked.notice,
    }


def _result(kb: KnowledgeBase, entry: Entry, parsed) -> dict:
    view = entry_view(kb, entry)
    if parsed is None:
        view["question_segments"] = [{"text": entry.question, "hit": False}]
        view["snippet"] = [{"text": entry.answer[0][:120], "hit": False}]
        view["answer_segments"] = [[{"text": p, "hit": False}] for p in entry.answer]
    else:
        view["question_segments"] = highlighted(kb, entry.question, parsed)
        view["snippet"] = answer_snippet(kb, entry, parsed)
        view["answer_segments"] = [highlighted(kb, p, parsed) for p in entry.answer]
    return view
