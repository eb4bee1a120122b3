"""Markers in place of what the detector found, over exactly the characters typed."""
from __future__ import annotations

from dataclasses import dataclass

from .detection import find_personal_data

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
    """Replace personal numbers, phones, e-mails and insurance numbers by markers."""
    pieces, found, position = [], [], 0
    for start, end, kind in find_personal_data(text):
        pieces += [text[position:start], MARKERS[kind]]
        found.append(kind)
        position = end
    pieces.append(text[position:])
    return Masked("".join(pieces), tuple(found))
