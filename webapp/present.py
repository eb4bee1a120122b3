"""What entries and answers look like to clients: shared by the API and the pages."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from datetime import date

from flask import current_app
from markupsafe import Markup, escape

from kb import (Answer, Entry, KnowledgeBase, Masked, answer_record, answer_snippet, entry_record, furigana_phrases,
                highlighted, safe_link)

PER_PAGE = 10
RELATIVE_SCORE_FLOOR = 0.25  # hits scoring under this share of the best are noise
SEMANTIC_ONLY_FLOOR = 0.88  # cosine an entry holding no word of the query needs to be a result
NEAR_MATCHES = 3  # entries offered when a staff search finds nothing
STALE_NOTICE = "公表から{years}年以上経っています。最新の情報は担当課にご確認ください。"
CONTACT_FIELDS = ("department", "phone", "hours", "url")


def japanese_date(iso: str | None) -> str | None:
    """2020-07-14 → 2020年7月14日."""
    if not iso:
        return None
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月{day.day}日"


def published_text(iso: str | None) -> str | None:
    """2020-07-14 → 2020年7月公表."""
    if not iso:
        return None
    day = date.fromisoformat(iso)
    return f"{day.year}年{day.month}月公表"


def is_stale(iso: str | None, years: int, today: date | None = None) -> bool:
    """Published `years` years ago or more (29 February counts from 28 February)."""
    if not iso:
        return False
    published, today = date.fromisoformat(iso), today or date.today()
    try:
        anniversary = published.replace(year=published.year + years)
    except ValueError:
        anniversary = published.replace(year=published.year + years, day=28)
    return today >= anniversary


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


def contact_view(kb: KnowledgeBase, document_id: str | None, lines: tuple[str, ...] = ()) -> dict | None:
    """Whom to ask: the entry's own お問い合わせ lines, then the document's contact (editors'
    or the department it names, with its page), else the city-wide default. Never mixed."""
    document = kb.documents.get(document_id) if document_id else None
    fields = {}
    if document and document.contact:
        fields = document.contact
    elif document and document.department:
        fields = {"department": f"{document.publisher or ''}{document.department}", "url": document.url}
    elif kb.city.get("contact"):
        fields = kb.city["contact"]
    if not fields and not lines:
        return None
    view = {**{key: fields.get(key) for key in CONTACT_FIELDS}, "lines": list(lines)}
    view["url"] = safe_link(view["url"])  # an index built without ingest's check: no javascript: link
    return view


def related_view(entries) -> list[dict]:
    """Related questions as buttons and links: id, question, editor's heading."""
    return [{"id": e.id, "question": e.question, "heading": e.heading} for e in entries]


def entry_view(kb: KnowledgeBase, entry: Entry, ruby: bool = False) -> dict:
    """ENTRY plus citation, readable dates, age, contact and a plain-text answer to copy."""
    record = entry_record(entry)
    years = current_app.config["STALE_YEARS"]
    record["citation"] = citation(kb, entry)
    record["source"]["url"] = safe_link(entry.source.url)  # as for contact_view's url
    record["source"]["date_text"] = japanese_date(entry.source.date)
    record["answer_text"] = entry.answer_text
    record["related"] = [r for r in record["related"] if r["entry_id"]]
    record["is_overview"] = entry.source.item == "overview"
    record["published_text"] = published_text(entry.source.date)
    record["stale_notice"] = STALE_NOTICE.format(years=years) if is_stale(entry.source.date, years) else None
    record["contact_info"] = contact_view(kb, entry.source.document_id, entry.contact)
    if ruby:
        record["answer_ruby"] = [_ruby_pieces(p) for p in entry.answer]
        record["text_ruby"] = {field: _ruby_pieces(record[field])
                               for field in ("heading", "question", "published_text", "stale_notice") if record.get(field)}
    return record


def _ruby_pieces(text: str) -> list[dict]:
    return [{"text": piece, "ruby": reading, "phrase": starts} for piece, reading, starts in furigana_phrases(text)]


def answer_view(kb: KnowledgeBase, result: Answer, masked: Masked) -> dict:
    """The /api/ask reply: the CLI's decision record, with the entry's citation, the way
    forward (contact, starter questions) added. The question is echoed masked, never as typed."""
    best = result.entry or (result.hits[0].entry if result.hits else None)
    return {
        **answer_record(replace(result, entry=None)),  # its "answer" is replaced below: not built twice
        "question": masked.text,
        "answer": entry_view(kb, result.entry) if result.entry else None,
        "related": related_view(result.related),
        "contact_info": contact_view(kb, best.source.document_id if best else None,
                                     result.entry.contact if result.entry else ()),
        "starters": list(kb.city.get("starters", ())),
        "privacy_notice": masked.notice,
        "index_version": kb.version,
    }


def answer_blocks(paragraphs) -> list[dict]:
    """Paragraphs for a page: runs of tab-separated lines become one table."""
    blocks: list[dict] = []
    for text in paragraphs:
        if "\t" not in text:
            blocks.append({"text": text})
        elif blocks and "rows" in blocks[-1]:
            blocks[-1]["rows"].append(text.split("\t"))
        else:
            blocks.append({"rows": [text.split("\t")]})
    return blocks


def matched_words_only(parsed):
    """The question with only its own words and whole one-word synonyms to mark: no parts
    of longer words (確認 in 資格確認) lit up everywhere."""
    words = [replace(w, subterms=(), expansions=[g for g in w.expansions if len(g) == 1]) for w in parsed.words]
    return replace(parsed, words=words)


def search_view(kb: KnowledgeBase, masked: Masked, topic: str | None, document: str | None, page: int) -> dict:
    """A page of ranked entries, compact (heading or question, best sentence, matched words
    marked) with the full text to expand; near matches and a contact when nothing is found."""
    text = masked.search_text.strip()
    parsed = kb.parse(text) if text else None
    if parsed is not None:
        hits = kb.search(parsed, limit=None, topic=topic, document=document)
        # found by meaning alone, an entry must come very close to count: e5 puts any
        # Japanese text within ~0.8 of any other («xyz», 「引っ越し」 against the seed)
        found = [h for h in hits if h.has_words or (h.similarity or 0.0) >= SEMANTIC_ONLY_FLOOR]
        floor = found[0].score * RELATIVE_SCORE_FLOOR if found else 0
        entries = [h.entry for h in found if h.score >= floor]
    else:
        entries = [e for e in kb.entries.values()
                   if (not topic or topic in e.topics) and (not document or e.source.document_id == document)]
    total = len(entries)
    shown = entries[(page - 1) * PER_PAGE : page * PER_PAGE]
    marked = matched_words_only(parsed) if parsed is not None else None
    results = [_result(kb, entry, marked, parsed) for entry in shown]
    if results and parsed is not None and page == 1:
        results[0]["best"] = True
    empty = parsed is not None and not total
    return {
        "query": masked.text,
        "topic": topic,
        "document": document,
        "total": total,
        "page": page,
        "per_page": PER_PAGE,
        "pages": max(1, -(-total // PER_PAGE)),
        "results": results,
        "near": related_view(_near_matches(kb, text, topic or document)) if empty else [],
        "contact_info": contact_view(kb, document) if empty else None,
        "privacy_notice": masked.notice,
    }


def _near_matches(kb: KnowledgeBase, text: str, filtered: bool) -> list[Entry]:
    """What comes closest when a search finds nothing: the same search over every entry
    (if a filter was set), then suggestions for the text or its first half."""
    found = [h.entry for h in kb.search(text, limit=NEAR_MATCHES) if h.has_words] if filtered else []
    for typed in (text, text[: max(2, len(text) // 2)]):
        found += [e for e in kb.suggest(typed, limit=NEAR_MATCHES) if e not in found]
    return found[:NEAR_MATCHES]


def _result(kb: KnowledgeBase, entry: Entry, marked, parsed) -> dict:
    view = entry_view(kb, entry)
    view["best"] = False
    if parsed is None:
        view["question_segments"] = [{"text": entry.question, "hit": False}]
        view["snippet"] = [{"text": entry.answer[0][:120], "hit": False}]
        view["answer_segments"] = [[{"text": p, "hit": False}] for p in entry.answer]
    else:
        view["question_segments"] = highlighted(kb, entry.question, marked)
        view["snippet"] = _snippet(kb, entry, marked, parsed)
        view["answer_segments"] = [highlighted(kb, p, marked) for p in entry.answer]
    return view


def _snippet(kb: KnowledgeBase, entry: Entry, marked, parsed) -> list[dict]:
    """The best sentence (chosen with every synonym) marked with the matched words only."""
    text = "".join(part["text"] for part in answer_snippet(kb, entry, parsed))
    return highlighted(kb, text, marked)


_PHONE_IN_LINE = re.compile(r"[0-9０-９]{2,5}[-－‐ー][0-9０-９]{1,4}[-－‐ー][0-9０-９]{3,4}")


def tel_links(line: str) -> Markup:
    """A contact line with its phone numbers as tel: links (the rest escaped as text)."""
    out, position = [], 0
    for match in _PHONE_IN_LINE.finditer(line):
        digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", match.group()))
        out += [escape(line[position:match.start()]),
                Markup('<a href="tel:{}">{}</a>').format(digits, match.group())]
        position = match.end()
    out.append(escape(line[position:]))
    return Markup("").join(out)
