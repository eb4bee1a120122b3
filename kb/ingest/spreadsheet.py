"""Excel FAQ tables (.xlsx, openpyxl): the same columns as a CSV, on the first sheet or on
the one named by `sheet` in curated.toml ([documents."FILE-STEM"] sheet = "FAQ")."""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

from openpyxl import load_workbook

from ..errors import ContentError
from ..models import Document, Entry
from .faq_table import REQUIRED, parse_faq_rows


def parse_faq_workbook(path: Path, doc_id: str, meta: dict, notes: list[str]) -> tuple[Document, list[Entry]]:
    """Parse one sheet of an .xlsx FAQ table; lines in errors are the sheet's row numbers."""
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ContentError(path, None, f"not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        sheet_name = meta.get("sheet") or workbook.sheetnames[0]
        if sheet_name not in workbook.sheetnames:
            raise ContentError(path, None, f"no sheet named {sheet_name!r}; the sheets are: {', '.join(workbook.sheetnames)}")
        rows = list(_sheet_rows(path, workbook[sheet_name]))
    finally:
        workbook.close()
    notes.append(f"{path}: read sheet {sheet_name!r}")
    document_meta = {key: value for key, value in meta.items() if key != "sheet"}
    return parse_faq_rows(path, doc_id, rows, document_meta, notes)


def _sheet_rows(path: Path, sheet):
    header = None
    for number, cells in enumerate(sheet.iter_rows(values_only=True), 1):
        values = [_cell_text(value) for value in cells]
        if not any(values):
            continue
        if header is None:
            header = [v.strip() for v in values]
            missing = [name for name in REQUIRED if name not in header]
            if missing:
                raise ContentError(path, number, f"the header row lacks the column(s): {', '.join(missing)}")
            continue
        yield number, {name: value for name, value in zip(header, values) if name}
    if header is None:
        raise ContentError(path, None, "the sheet is empty; its first row must name the columns: id,question,answer")


def _cell_text(value) -> str:
    """A cell as the text a person sees: dates as ISO dates, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
