"""Public-comment results (意見募集結果) as the city publishes them, as plain text.

Layout: a title line, an overview of numbered sections (募集期間, 公表場所, 受付方法,
意見数等 …), then a table `No.<TAB>寄せられたご意見<TAB>〇〇市の考え方` whose cells hold
<p> paragraphs. At each page break the header row repeats and the row goes on in a
line whose first cell is empty; a paragraph cut by the break goes on there too.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import ContentError
from ..models import Document, Entry, Source
from ..wareki import parse_period

HEADER_FIRST_CELLS = {"No.", "No", "NO.", "番号", "№"}
# Overview count labels as published → the key we store them under.
COUNT_LABELS = {"提出者数": "submitters", "意見総数": "opinions", "意見数": "opinions"}
# Lines that may follow the table without being part of it.
_TRAILER_RE = re.compile(r"^(以上|[-－‐―]\s*\d+\s*[-－‐―]|\d+\s*/\s*\d+|\d+)$")
_SECTION_RE = re.compile(r"^(\d+)[\s　]+(\S.*)$")
_SUBSECTION_RE = re.compile(r"^[（(](\d+)[）)][\s　]*(\S.*)$")
_COUNT_RE = re.compile(r"^(\d+)\s*[名人件者]$")
_DEPARTMENT_RE = re.compile(r"^(?:[ア-ン][\s　]+)?([^\s（(]+?(?:課|係|室|センター))(?:[（(].*[）)])?$")
_URL_RE = re.compile(r"https?://[^\s<>\"）)]+")
_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.S)
_BR_RE = re.compile(r"<br\s*/?>", re.I)
_INLINE_TAG_RE = re.compile(r"</?(?:span|b|strong|em|i|u|font)(?:\s[^>]*)?>", re.I)
_SENTENCE_END = tuple("。．.！？!?」』）)")

OVERVIEW_QUESTION = "意見募集の概要（募集期間・公表場所・意見の受付方法・意見数）"


@dataclass
class _Row:
    number: str
    line: int
    opinion: list[str] = field(default_factory=list)
    view: list[str] = field(default_factory=list)


def parse_public_comment(path: Path, doc_id: str, text: str, meta: dict) -> tuple[Document, list[Entry]]:
    """Parse one results document into its Document and entries (overview first)."""
    lines = text.splitlines()
    header_index = _find_header(path, lines)
    title_index = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_index is None or title_index >= header_index:
        raise ContentError(path, 1, "the document has no title line before the table")
    overview = [(i + 1, line.strip()) for i, line in enumerate(lines[title_index + 1 : header_index], title_index + 1) if line.strip()]
    rows = _parse_table(path, lines, header_index)
    document = _document(path, doc_id, lines[title_index].strip(), overview, lines[header_index])
    document = replace(document, **meta)  # an editor's metadata wins over what we read
    source_of = lambda item: Source(  # noqa: E731 - tiny local constructor
        document_id=doc_id, title=document.title, item=item, url=document.url,
        date=document.date, publisher=document.publisher, department=document.department,
    )
    entries = [
        Entry(
            id=f"{doc_id}.overview",
            question=OVERVIEW_QUESTION,
            answer=tuple(text for _, text in overview),
            source=source_of("overview"),
            alternates=(document.title,),
        )
    ]
    for row in rows:
        entries.append(
            Entry(
                id=f"{doc_id}.{row.number}",
                question="\n".join(row.opinion),
                answer=tuple(row.view),
                source=source_of(row.number),
            )
        )
    return document, entries


def _find_header(path: Path, lines: list[str]) -> int:
    for index, line in enumerate(lines):
        if _is_header(line):
            return index
    raise ContentError(
        path, None, "no opinions table: expected a header row 'No.<TAB>寄せられたご意見<TAB>…の考え方'"
    )


def _is_header(line: str) -> bool:
    cells = line.split("\t")
    return len(cells) == 3 and cells[0].strip() in HEADER_FIRST_CELLS


def _parse_table(path: Path, lines: list[str], header_index: int) -> list[_Row]:
    rows: list[_Row] = []
    for index in range(header_index + 1, len(lines)):
        number, line = index + 1, lines[index]
        if not line.strip() or _is_header(line):
            continue  # blank lines, and the header repeated after a page break
        cells = line.split("\t")
        if len(cells) == 1 and _TRAILER_RE.match(line.strip()):
            continue
        if len(cells) != 3:
            raise ContentError(path, number, f"expected 3 tab-separated cells (No., ご意見, 考え方), found {len(cells)}")
        item = cells[0].strip()
        opinion, view = _paragraphs(path, number, cells[1]), _paragraphs(path, number, cells[2])
        if not item:
            if not rows:
                raise ContentError(path, number, "a continuation row (empty No.) before any numbered row")
            _continue_cell(rows[-1].opinion, opinion)
            _continue_cell(rows[-1].view, view)
            continue
        if not item.isdigit():
            raise ContentError(path, number, f"the No. cell must be a number, found {item!r}")
        if any(row.number == item for row in rows):
            raise ContentError(path, number, f"No. {item} appears twice")
        rows.append(_Row(item, number, opinion, view))
    if not rows:
        raise ContentError(path, header_index + 1, "the opinions table has no rows")
    for row in rows:
        if not row.opinion or not row.view:
            raise ContentError(path, row.line, f"No. {row.number} lacks an opinion or the city's view")
    return rows


def _paragraphs(path: Path, line: int, cell: str) -> list[str]:
    """The <p> paragraphs of a cell, tags removed and entities decoded, text as published."""
    cell = _INLINE_TAG_RE.sub("", _BR_RE.sub("\n", cell))
    if "<p>" not in cell and "</p>" not in cell:
        return [html.unescape(cell.strip())] if cell.strip() else []
    outside = _PARAGRAPH_RE.sub("", cell)
    if outside.strip():
        raise ContentError(path, line, f"text outside <p>…</p> or an unclosed tag: {outside.strip()[:40]!r}")
    return [html.unescape(p) for p in _PARAGRAPH_RE.findall(cell)]


def _continue_cell(paragraphs: list[str], more: list[str]) -> None:
    """Append a page-break continuation; rejoin a paragraph the break cut in two."""
    if not more:
        return
    if paragraphs and not paragraphs[-1].rstrip().endswith(_SENTENCE_END):
        paragraphs[-1] = paragraphs[-1] + more[0]
        more = more[1:]
    paragraphs.extend(more)


def _document(path: Path, doc_id: str, title: str, overview, header: str) -> Document:
    sections = _sections(overview)
    period = _period(path, sections)
    return Document(
        id=doc_id,
        title=title,
        path=str(path),
        kind="public_comment",
        publisher=_publisher(header, overview),
        department=_department(overview),
        url=next((m.group() for _, text in overview for m in [_URL_RE.search(text)] if m), None),
        date=period[1] if period else None,
        period_start=period[0] if period else None,
        period_end=period[1] if period else None,
        counts=_counts(overview),
    )


def _sections(overview) -> dict[str, list[tuple[int, str]]]:
    """Numbered overview sections: heading text → its (line, text) lines."""
    sections: dict[str, list[tuple[int, str]]] = {}
    current = None
    for line, text in overview:
        match = _SECTION_RE.match(text)
        if match:
            current = sections.setdefault(match.group(2).strip(), [])
        elif current is not None:
            current.append((line, text))
    return sections


def _period(path: Path, sections) -> tuple[str, str] | None:
    for heading, body in sections.items():
        if "期間" in heading and body:
            line, text = body[0]
            try:
                start, end = parse_period(text)
            except ValueError as error:
                raise ContentError(path, line, f"募集期間 is not a period of two dates: {error}") from None
            return start.isoformat(), end.isoformat()
    return None


def _publisher(header: str, overview) -> str | None:
    match = re.match(r"^(.+?)の考え方$", header.split("\t")[2].strip())
    if match:
        return match.group(1)
    for _, text in overview:
        found = re.search(r"(\S+?[都道府県市区町村])公式", text)
        if found:
            return found.group(1)
    return None


def _department(overview) -> str | None:
    for _, text in overview:
        match = _DEPARTMENT_RE.match(text)
        if match and ("局" in match.group(1) or "部" in match.group(1)):
            return match.group(1)
    return None


def _counts(overview) -> dict:
    counts: dict = {}
    label = None
    previous_cells: list[str] | None = None
    for _, text in overview:
        sub = _SUBSECTION_RE.match(text)
        number = _COUNT_RE.match(text)
        cells = text.split("\t")
        if sub:
            label = sub.group(2).strip()
        elif number and label:
            counts[COUNT_LABELS.get(label, label)] = int(number.group(1))
            label = None
        elif len(cells) > 2 and previous_cells and len(previous_cells) == len(cells):
            counts["breakdown"] = {
                head.strip(): int(m.group(1))
                for head, cell in zip(previous_cells[1:], cells[1:])
                for m in [_COUNT_RE.match(cell.strip())] if m
            }
        previous_cells = cells if len(cells) > 2 else None
    return counts
