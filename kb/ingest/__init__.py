"""Content folders and files → documents and entries, one parser per source format."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..errors import ContentError
from ..links import id_problem
from ..models import Document, Entry
from .curated import CURATED_FILE, Curated, apply_curated, load_curated
from .faq_page import parse_faq_page
from .faq_table import parse_faq_table
from .public_comment import parse_public_comment
from .spreadsheet import parse_faq_workbook
from .textfile import read_utf8

SYNONYMS_FILE = "synonyms.txt"


def _public_comment(path: Path, doc_id: str, meta: dict, notes: list[str]):
    return parse_public_comment(path, doc_id, read_utf8(path), meta)


# File suffix → parser(path, doc_id, curated metadata, notes for the build log).
# Reserved names (synonyms, curated additions) are not documents.
PARSERS = {
    ".txt": _public_comment,
    ".csv": parse_faq_table,
    ".jsonl": parse_faq_table,
    ".xlsx": parse_faq_workbook,
    ".html": parse_faq_page,
    ".htm": parse_faq_page,
}
RESERVED_NAMES = {SYNONYMS_FILE, CURATED_FILE}


@dataclass(frozen=True)
class Content:
    """Everything a build needs: documents, their entries, the synonym rules' text."""

    documents: tuple[Document, ...]
    entries: tuple[Entry, ...]
    synonyms_text: str
    city: dict = field(default_factory=dict)  # curated.toml [city]: default contact, starters
    notes: tuple[str, ...] = ()  # for the build log: encodings read, columns ignored, metadata missing
    paths: tuple[str, ...] = ()  # the folders and files it was read from (absolute), for rebuilds


def _document_files(paths: Iterable[Path]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix in PARSERS and p.name not in RESERVED_NAMES
                and not p.name.startswith(".") and not p.name.upper().startswith("README")
            )
        elif path.is_file():
            if path.name not in RESERVED_NAMES:
                files.append(path)
        else:
            raise ContentError(path, None, "no such file or folder")
    return files


def load_content(paths: Iterable[Path | str]) -> Content:
    """Parse every document under `paths` (folders or files); raises ContentError."""
    paths = [Path(p) for p in paths]
    curated = Curated()
    synonyms = []
    for path in paths:
        folder = path if path.is_dir() else None
        curated_file = folder / CURATED_FILE if folder else path
        synonyms_file = folder / SYNONYMS_FILE if folder else path
        if curated_file.name == CURATED_FILE and curated_file.is_file():
            curated.merge(load_curated(curated_file))
        if synonyms_file.name == SYNONYMS_FILE and synonyms_file.is_file():
            synonyms.append(read_utf8(synonyms_file))
    documents: dict[str, Document] = {}
    entries: list[Entry] = []
    notes: list[str] = []
    for path in _document_files(paths):
        parser = PARSERS.get(path.suffix)
        if parser is None:
            raise ContentError(path, None, f"unknown document format {path.suffix!r}; use {', '.join(PARSERS)}")
        doc_id = path.stem
        problem = id_problem(doc_id, "the file name")
        if problem:  # the document's id, part of every entry's URL
            raise ContentError(path, None, f"{problem}; rename the file")
        if doc_id in documents:
            raise ContentError(path, None, f"a second document named {doc_id!r} ({documents[doc_id].path})")
        document, doc_entries = parser(path, doc_id, curated.documents.get(doc_id, {}), notes)
        documents[doc_id] = document
        entries += doc_entries
    if not entries:
        raise ContentError(paths[0] if paths else Path("."), None, "no documents found")
    return Content(tuple(documents.values()), tuple(apply_curated(entries, curated)), "\n".join(synonyms),
                   curated.city, tuple(notes), tuple(str(p.resolve()) for p in paths))
