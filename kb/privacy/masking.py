"""Markers in place of what the detector found, over exactly the characters typed."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from .detection import find_personal_data

log = logging.getLogger(__name__)
_reporting = threading.local()  # the failure report is itself masked by the log filter: no loop

# Marker → what it replaces. Markers are shown and stored; they are never searched.
MARKERS = {
    "my_number": "［個人番号］",
    "corporate_number": "［法人番号］",
    "phone": "［電話番号］",
    "email": "［メールアドレス］",
    "insurance": "［保険証の記号・番号］",
    "number": "［番号］",
}
PRIVACY_NOTICE = (
    "個人番号（マイナンバー）や電話番号、保険証の記号・番号などの個人情報は入力しないでください。"
    "入力された番号は伏せ字にして扱い、保存していません。"
)


@dataclass(frozen=True)
class Masked:
    """Text with personal data replaced by markers, and what was found."""

    text: str  # safe to show, log and store
    found: tuple[str, ...]  # kinds, in order of appearance

    @property
    def search_text(self) -> str:
        """The text to search: markers removed, so they never count as words."""
        text = self.text
        for marker in MARKERS.values():
            text = text.replace(marker, " ")
        return text

    @property
    def notice(self) -> str | None:
        """What to tell the resident, when something was masked."""
        return PRIVACY_NOTICE if self.found else None


def mask_personal_data(text: str) -> Masked:
    """Replace personal numbers, phones, e-mails and insurance numbers by markers: runs of
    6 digits or more, 4 after a number word. For what is searched and shown."""
    return _masked(text, record=False)


def mask_for_record(text: str) -> Masked:
    """The same, and every other run of 4 digits or more that is not a date, an amount or
    another harmless number: for what is stored and logged."""
    return _masked(text, record=True)


def _masked(text: str, record: bool) -> Masked:
    try:
        spans = find_personal_data(text, record=record)
    except Exception as error:  # noqa: BLE001 - the mask fails closed, whatever went wrong
        # The text itself is never logged: it is what could not be checked.
        if not getattr(_reporting, "active", False):
            _reporting.active = True
            try:
                log.warning("personal-data mask failed (%s); the whole text was withheld", type(error).__name__)
            finally:
                _reporting.active = False
        return Masked(MARKERS["number"] if text else "", ("number",) if text else ())
    pieces, found, position = [], [], 0
    for start, end, kind in spans:
        pieces += [text[position:start], MARKERS[kind]]
        found.append(kind)
        position = end
    pieces.append(text[position:])
    return Masked("".join(pieces), tuple(found))
