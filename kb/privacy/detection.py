"""Where personal data sits in a text: numbers, e-mail addresses, insurance 記号・番号.

Works on the folded text (see `folding`), so ０１２, 〇一二 and 012 are the same digits
and every space, dash and dot variant is one separator. Digit groups joined by separators
(「080.5319.0931」「(011)135-4178」) or by a short connecting phrase (「7427で、次が3695」)
are one number; dates, times, years and money written with thousands commas are not
personal. Spans returned are offsets into the original text.
"""
from __future__ import annotations

import re
from typing import Iterator

from .checkdigits import is_valid_corporate_number, is_valid_my_number
from .folding import fold

# Between two digit groups: a run of these joins them into one number.
_SEP = r"[ \-.,/_:;()\[\]<>{}|*#=+「」『』【】〔〕〈〉《》]"
_SEPARATORS = re.compile(f"{_SEP}{{1,8}}")
# …or a short phrase that continues a number read out in parts (「で、次が」「、最後は」).
_CONTINUATION = "次|つぎ|最後|さいご|続き|つづき|残り|のこり|後半|こうはん|あと|それから|その後|下|後ろ"
_PHRASE = re.compile(f"(?:{_SEP}|[ぁ-ゖ]|{_CONTINUATION})+")
_HAS_CONTINUATION = re.compile(_CONTINUATION)
# …or one particle between groups of three digits or more, a number read out in parts
# (「1234の5678の9012」「1234と5678と9012」); shorter groups stay apart (「1と2と3の違い」).
_PARTICLE = re.compile(r" ?[のとやか][ ,]?")
PARTICLE_GROUP = 3
PHRASE_WINDOW = 12  # folded characters a connecting phrase may span
CONTEXT_WINDOW = 12  # folded characters before a number searched for a keyword

_GROUP = re.compile(r"[0-9]+")
# A chain made only of dates, times and years (ranges included) is not about a person.
_DAY = r"(?:(?:19|20)\d\d([-/.])(?:0?[1-9]|1[0-2])\1(?:0?[1-9]|[12]\d|3[01])|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))"
_TIME = r"(?:[01]?\d|2[0-4]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,6})?)?"
# Atomic: each part is read one way only, so a long chain cannot make the match backtrack.
_WHEN = f"(?>(?:{_DAY}|{_TIME}|(?:19|20)\\d\\d)(?![0-9]))"
_DATES_ONLY = re.compile(f"{_WHEN}(?>[^0-9]+{_WHEN}|\\s?[+-][01]\\d[0-5]\\d(?![0-9]))*+")  # … 14:22:04 +0900
_ISO_DATE_T = re.compile(r"(?:19|20)\d\d-\d\d-\d\dT$")  # …T142204.123456: a timestamp's time
_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+")
_MONEY_UNIT = re.compile(r"\s?(?:円|万|千|億|ドル|yen)", re.IGNORECASE)
_POSTAL_MARK = re.compile(r"(?:〒|郵便番号(?:は|が|:)?)\s?$")
_PHONE_WORDS = re.compile(r"電話|TEL|携帯|FAX|ファ[ッ]?クス|連絡先|でんわ|けいたい", re.IGNORECASE)
# A phone word right after a short number: 「123-4567に電話」 (a postal code is not phoned).
_PHONE_AFTER = re.compile(r"\s?(?:に|へ|まで|から|で)?\s?(?:お?電話|TEL|携帯|でんわ|FAX|ファ[ッ]?クス)", re.IGNORECASE)
_NUMBER_WORDS = re.compile(r"(?<!郵便)番号|記号|ナンバ|ID|口座|ばんごう", re.IGNORECASE)

_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]++ ?@ ?[A-Za-z0-9\-]+(?: ?\. ?[A-Za-z0-9\-]+)+")
# Insurance card 記号・番号, 保険者番号, 枝番: the value after the word, however short.
_INSURANCE = re.compile(
    r"(?<!郵便)(?P<key>(?:被保険者|保険者)?(?:記号|番号)|枝番)"
    r"(?:\s|[:=はがをの]|です|[「『【\[(])*"
    f"(?P<value>[0-9A-Za-z]+(?:{_SEP}{{1,3}}[0-9A-Za-z]+)*)"
)
_QUANTITY_UNIT = re.compile(
    r"\s?(?:桁|けた|文字|年|月|日|円|歳|才|人|件|個|回|枚|通|号|番(?!号)|条|項|%|か月|ヶ月|カ月|週|時|分|秒|万|千|百|十|億|世帯|台|つ)"
)
# When finds overlap, the more specific kind names the marker.
_PRIORITY = {"email": 0, "my_number": 1, "corporate_number": 1, "phone": 1, "insurance": 2, "number": 3}


def find_personal_data(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each piece of personal data in `text`, merged, in order."""
    folded = fold(text)
    spans = [*_emails(folded.text), *_numbers(folded.text), *_insurance_values(folded.text)]
    return [(*folded.original_span(start, end), kind) for start, end, kind in _merge(spans)]


def _emails(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _EMAIL.finditer(text):
        yield match.start(), match.end(), "email"


def _numbers(text: str) -> Iterator[tuple[int, int, str]]:
    for chain in _chains(text):
        start, end = chain[0].start(), chain[-1].end()
        kind = _kind_of_chain(text, start, end, "".join(g.group() for g in chain))
        if kind:
            yield _widened(text, start, end), end, kind


def _chains(text: str) -> Iterator[list[re.Match]]:
    """Digit groups joined by separators or a continuation phrase, as lists of groups."""
    chain: list[re.Match] = []
    for group in _GROUP.finditer(text):
        if chain and _joins(text[chain[-1].end():group.start()], chain[-1], group):
            chain.append(group)
            continue
        if chain:
            yield chain
        chain = [group]
    if chain:
        yield chain


def _joins(between: str, left: re.Match | None = None, right: re.Match | None = None) -> bool:
    if _SEPARATORS.fullmatch(between):
        return True
    if left and right and min(len(left.group()), len(right.group())) >= PARTICLE_GROUP and _PARTICLE.fullmatch(between):
        return True
    return (len(between) <= PHRASE_WINDOW and _PHRASE.fullmatch(between) is not None
            and _HAS_CONTINUATION.search(between) is not None)


def _kind_of_chain(text: str, start: int, end: int, digits: str) -> str | None:
    chain, before = text[start:end], text[max(0, start - CONTEXT_WINDOW):start]
    if _DATES_ONLY.fullmatch(chain) or _ISO_DATE_T.search(before):
        return None
    if _MONEY.fullmatch(chain) and _MONEY_UNIT.match(text, end):
        return None
    international = text[max(0, start - 1):start] == "+"
    if len(digits) == 12 and not international:
        return "my_number" if is_valid_my_number(digits) else "number"
    if len(digits) == 13:
        return "corporate_number" if is_valid_corporate_number(digits) else "number"
    if international or (digits[0] == "0" and len(digits) in (10, 11)):
        return "phone" if len(digits) >= 9 else None
    if len(digits) >= 8:
        return "number"
    if len(digits) >= 6 and not _POSTAL_MARK.search(before):
        if _PHONE_WORDS.search(before) or _PHONE_AFTER.match(text, end):
            return "phone"
        if _NUMBER_WORDS.search(before):
            return "number"
    return None


def _widened(text: str, start: int, end: int) -> int:
    """Take in a leading + or an opening bracket closed inside the number: (011)135-4178."""
    if start and text[start - 1] == "+":
        return start - 1
    if start and text[start - 1] == "(" and ")" in text[start:end]:
        return start - 1
    return start


def _insurance_values(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _INSURANCE.finditer(text):
        end = _chain_end(text, match.end("value"))
        needed = 2 if match["key"] == "枝番" else 3
        if sum(c.isdigit() for c in text[match.start("value"):end]) >= needed and not _QUANTITY_UNIT.match(text, end):
            yield match.start("value"), end, "insurance"


def _chain_end(text: str, end: int) -> int:
    """Where the number ending at `end` really ends, once joined groups are followed."""
    while (group := _GROUP.search(text, end)) and _joins(text[end:group.start()]):
        end = group.end()
    return end


def _merge(spans) -> list[list]:
    """Overlapping finds become one, the earliest-starting kind winning."""
    merged: list[list] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], _PRIORITY[s[2]], -s[1])):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, kind])
    return merged
