"""Reading content files as text: UTF-8 everywhere, Shift_JIS (cp932) where cities use it."""
from __future__ import annotations

from pathlib import Path

from ..errors import ContentError


def read_utf8(path: Path) -> str:
    """The file as UTF-8 text (a byte-order mark is dropped); ContentError with the line if not."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ContentError(path, data[: error.start].count(b"\n") + 1, "not UTF-8 text") from None


def read_table_text(path: Path, notes: list[str]) -> str:
    """A CSV as exported by Excel: UTF-8, or else Shift_JIS/cp932 read as it is (noted in `notes`).

    cp932 is Microsoft's Shift_JIS (with NEC/IBM extensions such as ①, ㈱, 髙), which is what
    Japanese Excel writes; plain shift_jis would reject those characters."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("cp932")
        except UnicodeDecodeError as cp932_error:  # name the line where the kinder reading broke
            line = data[: max(utf8_error.start, cp932_error.start)].count(b"\n") + 1
            raise ContentError(path, line, "neither UTF-8 nor Shift_JIS (cp932) text") from None
    notes.append(f"{path}: read as Shift_JIS (cp932)")
    return text
