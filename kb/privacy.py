"""Personal data in what residents type: find it and mask it before anything else.

Under the My Number Act a city may not collect or keep personal numbers outside its
legal purposes, so every question and comment goes through `mask_personal_data`
before it is searched, logged, stored or sent back. Detected:
- 個人番号 (12 digits, official check digit), and any other 12-digit run as a precaution;
- 法人番号 (13 digits), phone numbers, e-mail addresses;
- health-insurance 記号・番号 and 保険者番号 (8 digits), and any run of 8+ digits.
Digits may be full-width and split by spaces or hyphens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

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
# 1:1 character folds so that match offsets stay offsets into the original text.
_FOLD = str.maketrans(
    "０１２３４５６７８９＠．＋－ー―‐−–—　（）",
    "0123456789@.+------- ()",
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_INSURANCE = re.compile(
    r"(?:被保険者証?の?|保険証の?)?(?:記号|番号|保険者番号|被保険者番号)\s*[:：は]?\s*"
    r"(?P<value>[0-9A-Za-z](?:[\s-]?[0-9A-Za-z]){1,19})"
)
_DIGIT_RUN = re.compile(r"(?<![0-9])\+?[0-9](?:[ -]?[0-9]){5,}(?![0-9])")
_PHONE_START = re.compile(r"^(?:\+81|0)")
_DATE = re.compile(r"^(?:19|20)\d\d-\d{1,2}-\d{1,2}$")
# When finds overlap, the more specific kind names the marker.
_PRIORITY = {"my_number": 0, "corporate_number": 0, "phone": 0, "email": 0, "insurance": 1, "number": 2}


def is_valid_my_number(digits: str) -> bool:
    """The official check-digit rule for 12-digit individual numbers (個人番号)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = [int(d) for d in reversed(digits[:11])]  # P1 is the digit just left of the check
    total = sum(p * (n + 1 if n <= 6 else n - 5) for n, p in enumerate(body, 1))
    remainder = total % 11
    return int(digits[11]) == (0 if remainder <= 1 else 11 - remainder)


def is_valid_corporate_number(digits: str) -> bool:
    """Check digit of 13-digit corporate numbers (法人番号): the first digit."""
    if len(digits) != 13 or not digits.isdigit():
        return False
    body = [int(d) for d in reversed(digits[1:])]
    total = sum(p * (1 if n % 2 else 2) for n, p in enumerate(body, 1))
    return int(digits[0]) == 9 - total % 9


def _kind_of_run(run: str) -> str | None:
    if _DATE.match(run):
        return None  # 2024-12-02 is a date, not a number about a person
    digits = re.sub(r"\D", "", run)
    if len(digits) == 12:
        return "my_number" if is_valid_my_number(digits) else "number"
    if len(digits) == 13:
        return "corporate_number" if is_valid_corporate_number(digits) else "number"
    if _PHONE_START.match(run) and len(digits) in (10, 11, 12):
        return "phone"
    if len(digits) >= 8:
        return "number"
    return None


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
    """Replace personal numbers, phones, e-mails and insurance numbers by markers."""
    folded = text.translate(_FOLD)
    spans: list[tuple[int, int, str]] = []
    for match in _EMAIL.finditer(folded):
        spans.append((match.start(), match.end(), "email"))
    for match in _DIGIT_RUN.finditer(folded):
        kind = _kind_of_run(match.group())
        if kind:
            spans.append((match.start(), match.end(), kind))
    for match in _INSURANCE.finditer(folded):
        if sum(c.isdigit() for c in match["value"]) >= 2:
            spans.append((match.start("value"), match.end("value"), "insurance"))
    return _apply(text, _merge(spans))


def _merge(spans):
    """Overlapping finds become one, the earliest-starting kind winning."""
    merged: list[list] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], _PRIORITY[s[2]], -s[1])):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, kind])
    return merged


def _apply(text: str, spans) -> Masked:
    pieces, found, position = [], [], 0
    for start, end, kind in spans:
        pieces += [text[position:start], MARKERS[kind]]
        found.append(kind)
        position = end
    pieces.append(text[position:])
    return Masked("".join(pieces), tuple(found))
