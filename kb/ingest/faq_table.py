"""FAQ tables, the open-data format municipalities publish: CSV or JSONL rows with
`id, question, answer` and optional `category, alternates, url, updated`.

Real exports carry page furniture inside the answer text: `■` bullets, `＜改＞`
line-break marks, a trailing `【関連するＦＡＱ】` list of other questions' titles and an
`【お問い合わせ】` block. We turn it into structure (paragraphs, related links, contact)
instead of indexing it as answer text.
"""
from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from pathlib import Path

from ..errors import ContentError
from ..links import id_problem, link_problem
from ..models import Document, Entry, Related, Source
from ..textnorm import normalize
from ..wareki import parse_date
from .textfile import read_table_text, read_utf8

REQUIRED = ("id", "question", "answer")
COLUMNS = REQUIRED + ("category", "alternates", "url", "updated")
LINE_BREAK_MARK = "＜改＞"
RELATED_MARK = re.compile(r"^【関連(?:する)?(?:ＦＡＱ|FAQ|よくある質問)】")
CONTACT_MARK = re.compile(r"^【(?:お問い?合わせ|問い合わせ先?)】")
# Blocks end at a ＜改＞ mark, and also where a related-FAQ or contact block starts
# without one (the exports are not consistent).
_BLOCK_SPLIT = re.compile(
    rf"{LINE_BREAK_MARK}|(?=【関連(?:する)?(?:ＦＡＱ|FAQ|よくある質問)】)|(?=【(?:お問い?合わせ|問い合わせ先?)】)"
)
_BULLET_SPLIT = re.compile(r"■")
# Inside a block, "。" followed by a list marker was a line break in the original.
_LIST_SPLIT = re.compile(r"(?<=。)(?=・|＊|※|（[０-９\d]+）|[０-９\d]+．)")
_TAG_PREFIX = re.compile(r"^【[^】]*】")


def parse_faq_table(path: Path, doc_id: str, meta: dict, notes: list[str]) -> tuple[Document, list[Entry]]:
    """Parse a CSV (UTF-8 or Shift_JIS) or JSONL FAQ table into its Document and entries."""
    if path.suffix == ".jsonl":
        rows = _jsonl_rows(path, read_utf8(path))
    else:
        rows = csv_rows(path, read_table_text(path, notes), notes)
    return parse_faq_rows(path, doc_id, rows, meta, notes)


def parse_faq_rows(path: Path, doc_id: str, rows, meta: dict, notes: list[str]) -> tuple[Document, list[Entry]]:
    """(line, row dict) pairs of any table format → the Document and its entries."""
    document = Document(
        id=doc_id,
        title=meta.get("title", doc_id),
        path=str(path),
        kind="faq_table",
        publisher=meta.get("publisher"),
        department=meta.get("department"),
        url=meta.get("url"),
        date=meta.get("date"),
    )
    note_missing_metadata(path, doc_id, meta, notes)
    seen: dict[str, int] = {}
    parsed = []
    unknown: dict[str, None] = {}
    for line, row in rows:
        _check_row(path, line, row, seen)
        unknown.update(dict.fromkeys(k for k in row if k not in COLUMNS))
        parsed.append((line, row, *split_furniture(str(row["answer"]))))
    if unknown:
        notes.append(f"{path}: column(s) not read: {', '.join(unknown)} (known: {', '.join(COLUMNS)})")
    by_title = {_title_key(str(row["question"])): f"{doc_id}.{row['id']}" for _, row, *_ in parsed}
    entries = [
        _entry(path, line, row, document, paragraphs, related, contact, by_title)
        for line, row, paragraphs, related, contact in parsed
    ]
    return document, entries


def note_missing_metadata(path: Path, doc_id: str, meta: dict, notes: list[str], stated=()) -> None:
    """A warning per citation field the file does not state and curated.toml does not set."""
    for key in ("title", "publisher"):
        if key not in meta and key not in stated:
            notes.append(f'{path}: warning: no {key}; set it in curated.toml: [documents."{doc_id}"] {key} = "…"')


def _jsonl_rows(path: Path, text: str):
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise ContentError(path, number, f"not valid JSON: {error.msg}") from None
        if not isinstance(row, dict):
            raise ContentError(path, number, "each line must be a JSON object")
        yield number, row


def csv_rows(path: Path, text: str, notes: list[str]):
    """(first line, row) of each CSV record. Strict about quotes: an unclosed quote would
    otherwise swallow the rows after it into one answer."""
    reader = csv.reader(io.StringIO(text), strict=True)
    header = _csv_record(path, reader)
    if header is None:
        raise ContentError(path, 1, "empty file; the first line must name the columns: id,question,answer")
    header = [name.strip() for name in header]
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise ContentError(path, 1, f"the header lacks the column(s): {', '.join(missing)}")
    while True:
        start = reader.line_num + 1
        values = _csv_record(path, reader, start)
        if values is None:
            return
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
            raise ContentError(path, start, f"{len(values)} fields but the header names {len(header)}; "
                                            "quote answers that contain a comma")
        yield start, dict(zip(header, values))


def _csv_record(path: Path, reader, start: int = 1):
    try:
        return next(reader, None)
    except csv.Error as error:
        if "expected after" in str(error) or "end of data" in str(error):
            raise ContentError(path, start, f"unclosed quote: the quoted field opened on this line runs on "
                                            f"to line {reader.line_num} ({error})") from None
        raise ContentError(path, reader.line_num, f"not valid CSV: {error}") from None


def _check_row(path: Path, line: int, row: dict, seen: dict[str, int]) -> None:
    for name in REQUIRED:
        value = row.get(name)
        if value is None or not str(value).strip():
            raise ContentError(path, line, f"the '{name}' field is missing or empty")
    key = str(row["id"]).strip()
    problem = id_problem(key)
    if problem:
        raise ContentError(path, line, problem)
    url = str(row.get("url") or "").strip()
    problem = url and link_problem(url)
    if problem:
        raise ContentError(path, line, f"'url': {problem}")
    if key in seen:
        raise ContentError(path, line, f"id {key!r} already used on line {seen[key]}")
    seen[key] = line


def split_furniture(answer: str) -> tuple[list[str], list[str], list[str]]:
    """Answer text → (paragraphs, related question titles, contact lines)."""
    paragraphs: list[str] = []
    related: list[str] = []
    contact: list[str] = []
    for block in _BLOCK_SPLIT.split(answer):
        block = block.strip().lstrip("。").strip()
        if not block:
            continue
        if RELATED_MARK.match(block):
            related += _sentences(RELATED_MARK.sub("", block))
        elif CONTACT_MARK.match(block):
            contact += _sentences(CONTACT_MARK.sub("", block))
        else:
            for bullet in _BULLET_SPLIT.split(block):
                paragraphs += [p for p in _LIST_SPLIT.split(bullet.strip()) if p.strip()]
    return paragraphs, related, contact


def _sentences(block: str) -> list[str]:
    return [part.strip() for part in block.split("。") if part.strip()]


def _title_key(title: str) -> str:
    return normalize(_TAG_PREFIX.sub("", title)).rstrip("。.？?")


def _alternates(value) -> tuple[str, ...]:
    if not value:
        return ()
    items = value if isinstance(value, list) else re.split(r"[|\n]", str(value))
    return tuple(str(item).strip() for item in items if str(item).strip())


def _updated(path: Path, line: int, value) -> str | None:
    if not value:
        return None
    text = str(value).strip()
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    try:
        return parse_date(text).isoformat()
    except ValueError:
        raise ContentError(path, line, f"'updated' is not a date: {text!r}") from None


def _entry(path, line, row, document, paragraphs, related, contact, by_title) -> Entry:
    item = str(row["id"]).strip()
    own_id = f"{document.id}.{item}"
    links = tuple(
        Related(title=title, entry_id=target if target != own_id else None)
        for title in related
        for target in [by_title.get(_title_key(title))]
    )
    category = (row.get("category") or "").strip() or None
    return Entry(
        id=own_id,
        question=str(row["question"]).strip(),
        answer=tuple(paragraphs) or (str(row["answer"]).strip(),),
        source=Source(
            document_id=document.id,
            title=document.title,
            item=item,
            url=(row.get("url") or "").strip() or document.url,
            date=_updated(path, line, row.get("updated")) or document.date,
            publisher=document.publisher,
            department=document.department,
        ),
        category=category,
        alternates=_alternates(row.get("alternates")),
        topics=(category,) if category else (),
        related=links,
        contact=tuple(contact),
    )
