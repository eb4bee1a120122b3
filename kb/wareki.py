"""Japanese dates (和暦 and 西暦) to ISO dates.

Handles every modern era, 元年, full-width and kanji numerals, abbreviations such as
R2.6.15 / 平成29.4.12, and dates that omit the year after a full one
(令和2年6月15日～7月14日).
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date

# era → (first day of the era); year N of the era is first_day.year + N - 1.
ERAS = {
    "明治": date(1868, 10, 23),
    "大正": date(1912, 7, 30),
    "昭和": date(1926, 12, 25),
    "平成": date(1989, 1, 8),
    "令和": date(2019, 5, 1),
}
ERA_ABBREVIATIONS = {"m": "明治", "t": "大正", "s": "昭和", "h": "平成", "r": "令和"}
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
                 "六": 6, "七": 7, "八": 8, "九": 9}
_NUM = r"(?:\d{1,4}|[〇零一二三四五六七八九十]{1,4})"
_DATE_RE = re.compile(
    rf"(?:(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])\s*(?P<eyear>元|{_NUM})\s*[年.．/-]"
    rf"|(?P<year>\d{{4}})\s*[年.．/-])?"
    rf"\s*(?P<month>{_NUM})\s*[月.．/-]\s*(?P<day>{_NUM})\s*日?"
)


def _number(text: str) -> int:
    """Arabic or kanji numeral (up to 99) → int."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_KANJI_DIGITS[tens] if tens else 1) * 10 + (_KANJI_DIGITS[ones] if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + _KANJI_DIGITS[ch]
    return value


def _gregorian_year(era: str, era_year: str) -> int:
    era = ERA_ABBREVIATIONS.get(era.lower(), era)
    number = 1 if era_year == "元" else _number(era_year)
    if number < 1:
        raise ValueError(f"{era}{era_year}年 is not a year")
    return ERAS[era].year + number - 1


def find_dates(text: str) -> list[date]:
    """Every date in `text`, in order; a date without a year takes the previous one's."""
    text = unicodedata.normalize("NFKC", text)
    found: list[date] = []
    year: int | None = None
    for match in _DATE_RE.finditer(text):
        if match["era"]:
            year = _gregorian_year(match["era"], match["eyear"])
        elif match["year"]:
            year = int(match["year"])
        elif year is None:
            continue  # "6月15日" with no year anywhere before it: not a full date
        try:
            found.append(date(year, _number(match["month"]), _number(match["day"])))
        except ValueError:
            continue  # 2月30日 and the like: not a date
    return found


def parse_date(text: str) -> date:
    """The first date in `text`; ValueError when there is none."""
    dates = find_dates(text)
    if not dates:
        raise ValueError(f"no date in {text!r}")
    return dates[0]


def parse_period(text: str) -> tuple[date, date]:
    """A period 'A～B' → (A, B); ValueError unless it holds two dates in order."""
    dates = find_dates(text)
    if len(dates) < 2 or dates[1] < dates[0]:
        raise ValueError(f"no period (start～end) in {text!r}")
    return dates[0], dates[1]
