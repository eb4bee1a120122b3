"""A saved FAQ web page (.html) as the city publishes it, read with a real HTML parser
(BeautifulSoup on Python's own html.parser).

The common shapes, tried in this order (a page uses one):
1. 「Q．…」/「A．…」 paragraphs (Q1．, Ｑ：, 問 …), the answer running to the next question;
2. `<dl>` lists, `<dt>` the question and the `<dd>`s after it the answer;
3. headings that ask something (end in ？ or か) followed by paragraphs and lists.
Page title, `<link rel=canonical>` and the update date (meta tags, `<time>`, or 「更新日」
in the text, 和暦 too) become the document's citation; curated.toml overrides them.
"""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bs4 import BeautifulSoup, Tag

from ..errors import ContentError
from ..links import link_problem
from ..models import Document, Entry, Source
from ..wareki import parse_date
from .faq_table import note_missing_metadata, split_furniture
from .textfile import read_utf8

QUESTION_MARK = re.compile(r"^(?:Q|Ｑ|問)\s*[0-9０-９]*\s*[．.:：、）)]\s*")
ANSWER_MARK = re.compile(r"^(?:A|Ａ|答)\s*[0-9０-９]*\s*[．.:：、）)]\s*")
ASKING = re.compile(r"(?:[？?]|か[。．]?)$")
HEADINGS = ["h2", "h3", "h4", "h5"]
BLOCKS = [*HEADINGS, "p", "li", "dt", "dd"]
DATE_METAS = ({"name": "date"}, {"name": "last-modified"}, {"name": "dcterms.modified"},
              {"property": "article:modified_time"})
UPDATED_TEXT = re.compile(r"(?:最終)?更新日?\s*[:：]?\s*((?:令和|平成|\d{4}).{2,16}?日)")


def parse_faq_page(path: Path, doc_id: str, meta: dict, notes: list[str]) -> tuple[Document, list[Entry]]:
    """Parse a saved FAQ page into its Document and one entry per question."""
    soup = BeautifulSoup(read_utf8(path), "html.parser")
    for useless in soup(["script", "style", "noscript", "template"]):
        useless.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all([*BLOCKS, "div", "tr", "h1", "h6"]):
        block.append("\n")  # a block ends a line of text: <dd><p>a</p><p>b</p></dd> is two paragraphs
    stated, canonical_line = _page_metadata(soup)
    problem = stated["url"] and "url" not in meta and link_problem(stated["url"])
    if problem:  # the page's own canonical link would be used (curated.toml's url wins over it)
        raise ContentError(path, canonical_line, f"<link rel=canonical>: {problem}")
    note_missing_metadata(path, doc_id, meta, notes, stated={k for k, v in stated.items() if v})
    document = Document(id=doc_id, path=str(path), kind="faq_page",
                        **{**stated, "title": stated.get("title") or doc_id, **_document_keys(meta)})
    pairs = _qa_paragraphs(soup) or _definition_lists(soup) or _asking_headings(soup)
    if not pairs:
        raise ContentError(path, None, "no questions found: expected Q．/A． paragraphs, <dl><dt><dd>, "
                                       "or headings ending in ？ followed by paragraphs")
    notes.append(f"{path}: {len(pairs)} question(s) read from the page")
    return document, [_entry(document, number, q, a) for number, (q, a) in enumerate(pairs, 1)]


def _document_keys(meta: dict) -> dict:
    return {k: meta[k] for k in ("title", "publisher", "department", "url", "date") if k in meta}


def _lines(element: Tag) -> list[str]:
    return [re.sub(r"\s+", " ", line).strip() for line in element.get_text("").split("\n") if line.strip()]


def _text(element: Tag) -> str:
    return " ".join(_lines(element))


def _qa_paragraphs(soup) -> list[tuple[str, list[str]]]:
    pairs: list[tuple[str, list[str]]] = []
    answering = False
    for block in soup.find_all(BLOCKS):
        if block.find(BLOCKS):  # a container: its own blocks are visited
            continue
        text = _text(block)
        if QUESTION_MARK.match(text):
            pairs.append((QUESTION_MARK.sub("", text), []))
            answering = False
        elif pairs and ANSWER_MARK.match(text):
            pairs[-1][1].extend([ANSWER_MARK.sub("", text)] if len(_lines(block)) == 1
                                else [ANSWER_MARK.sub("", _lines(block)[0]), *_lines(block)[1:]])
            answering = True
        elif answering and block.name in HEADINGS:
            answering = False
        elif answering and text:
            pairs[-1][1].extend(_lines(block))
    return [(q, a) for q, a in pairs if q and a]


def _definition_lists(soup) -> list[tuple[str, list[str]]]:
    pairs = []
    for term in soup.find_all("dt"):
        answer = []
        for sibling in term.find_next_siblings():
            if sibling.name != "dd":
                break
            answer += _lines(sibling)
        if _text(term) and answer:
            pairs.append((_text(term), answer))
    return pairs


def _asking_headings(soup) -> list[tuple[str, list[str]]]:
    pairs = []
    for heading in soup.find_all(HEADINGS):
        question = _text(heading)
        if not ASKING.search(question):
            continue
        answer = []
        for sibling in heading.find_next_siblings():
            if sibling.name in HEADINGS:
                break
            answer += _lines(sibling)
        if answer:
            pairs.append((question, answer))
    return pairs


def _page_metadata(soup) -> tuple[dict, int | None]:
    """(citation fields the page states, the line of its canonical link)."""
    title = soup.title.get_text().strip() if soup.title else ""
    if not title and soup.h1:
        title = _text(soup.h1)
    canonical = soup.find("link", rel="canonical")
    site = soup.find("meta", property="og:site_name")
    return {
        "title": title or None,
        "url": ((canonical.get("href") or "").strip() or None) if canonical else None,
        "publisher": site.get("content") if site else None,
        "date": _page_date(soup),
    }, canonical.sourceline if canonical else None


def _page_date(soup) -> str | None:
    candidates = [tag.get("content", "") for attrs in DATE_METAS for tag in soup.find_all("meta", attrs=attrs)]
    candidates += [tag.get("datetime", "") for tag in soup.find_all("time")]
    found = UPDATED_TEXT.search(soup.get_text(""))
    candidates += [found.group(1)] if found else []
    for text in candidates:
        try:
            return date.fromisoformat(text.strip()[:10]).isoformat()
        except ValueError:
            try:
                return parse_date(text).isoformat()
            except ValueError:
                continue
    return None


def _entry(document: Document, number: int, question: str, answer: list[str]) -> Entry:
    paragraphs, _related, contact = split_furniture("＜改＞".join(answer))
    return Entry(
        id=f"{document.id}.{number}",
        question=question,
        answer=tuple(paragraphs) or tuple(answer),
        source=Source(document_id=document.id, title=document.title, item=str(number), url=document.url,
                      date=document.date, publisher=document.publisher, department=document.department),
        contact=tuple(contact),
    )
