"""Where personal data sits in a text: numbers, e-mail addresses, insurance 記号・番号.

Fail closed: the detector works on the folded text (see `folding`: every numeral system,
format marks dropped), treats every character that is not a letter or a digit as a
separator between digit groups, and masks every run of digits long enough to identify
someone unless it is positively harmless: a date, a year, a time, an amount or quantity
with its unit, a decimal, an IP address, a postcode or a house number in an address.

Two strengths: `mask_personal_data` (what is searched and shown) masks runs of 6 digits
or more, and of 4 or more after a number word; `mask_for_record` (what is stored and
logged) masks every run of 4 or more, so a number typed in pieces over several questions
leaves nothing that can be joined. Spans returned are offsets into the original text.
"""
from __future__ import annotations

import re
from typing import Iterator

from .checkdigits import is_valid_corporate_number, is_valid_my_number
from .folding import fold, fold_char

# Between two digit groups, any run of characters that are neither letters nor digits
# (punctuation, symbols, spaces, arrows, stars…) joins them into one number.
_SEP = r"[\W_]"
_SEPARATORS = re.compile(f"{_SEP}{{1,8}}")
# …or a short spoken phrase between the parts of a number read out (「で、次が」「えーと」).
# Folded text: ー is already a hyphen.
_CONTINUATION = ("次|つぎ|最後|さいご|続き|つづき|残り|のこり|後半|こうはん|あと|それから|その後|下|後ろ"
                 "|そして|それと|それで|え-と|えっと|え-|あの")
_PHRASE = re.compile(f"(?:{_SEP}|[ぁ-ゖ]|{_CONTINUATION})+")
_HAS_CONTINUATION = re.compile(_CONTINUATION)
# …or, between longer groups, one particle or filler (「1234の5678の9012」「1234で5678ね9012」).
_PARTICLE = re.compile(f"{_SEP}?(?:の|と|や|か|で|ね|かな|よ|は){_SEP}?")
_LETTER_JOINT = re.compile(r"[A-Za-z]")  # 1234a5678b9012
_ASCII_LETTER = _LETTER_JOINT
PHRASE_WINDOW = 12  # folded characters a connecting phrase may span
LOOSE_GROUP = 3  # groups joined by a phrase or a letter have at least this many digits…
LOOSE_DIGITS = 8  # …and together this many, else they are read apart (「100と200の違い」)
CONTEXT_WINDOW = 12  # folded characters before a number searched for a keyword

SHOWN_DIGITS = 6  # what is searched and shown: runs this long are masked
NAMED_DIGITS = 4  # …and runs this long after a number word (会員No. 1234)
RECORD_DIGITS = 4  # what is stored and logged

_GROUP = re.compile(r"[0-9]+")
# Dates, times and years (ranges included) are not about a person. No capture groups: a
# capture inside a possessive repeat made CPython's `re` raise SystemError on date ranges.
_DAY = (r"(?:(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])"
        r"|(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]))")
_TIME = r"(?:[01]?\d|2[0-4]):[0-5]\d(?::[0-5]\d(?:[.,]\d{1,6})?)?"
_WHEN = re.compile(f"(?:{_DAY}|{_TIME}|(?:19|20)\\d\\d)(?![0-9])")
_ZONE = re.compile(r"\s?[+-][01]\d[0-5]\d(?![0-9])")  # … 14:22:04 +0900
_GAP = re.compile(r"[^0-9]+")
_ERA_DATE = re.compile(r"\d{1,2}(?:[-/.]\d{1,2}){1,2}")  # 平成29.4.12, R6/4/1
_ERA_BEFORE = re.compile(r"(?:令和|平成|昭和|大正|[RHS])$", re.IGNORECASE)
_ISO_DATE_T = re.compile(r"(?:19|20)\d\d-\d\d-\d\dT$")  # …T142204.123456: a timestamp's time
_VERSION_TAIL = re.compile(r"(?:19|20)\d\d-\d\d-\d\dT\d{6}\.\d{6}_[0-9a-f]{0,5}$")  # an index version's hex
_MONEY = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,9}(?:\.\d{1,3})?")  # 12,000,000円, 123456円
# The units that make a number an amount or a quantity (the allow list's amounts).
UNIT_AFTER = re.compile(
    r"\s?(?:円|万|千|億|兆|ドル|yen|歳|才|人|件|個|回|枚|通|%|か月|ヶ月|カ月|箇月|週|時間|時|分|秒|世帯|台|年|月|日"
    r"|点|名|倍|割|桁|けた|文字|字|ペ-ジ|頁|行|本|冊|戸|社|か所|ヵ所|カ所|箇所|ポイント|歩"
    r"|km|kg|mg|cm|mm|ml|cc|kcal|KB|MB|GB|bytes|ms)")
_MONEY_BEFORE = re.compile(r"[¥$€]\s?$")
_DECIMAL = re.compile(r"\d{1,3}\.\d{1,3}|0\.\d{1,6}")  # 1.5, 123.456, 0.012345 (not 011.211211)
_IP_ADDRESS = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?")
_PID_AFTER_ADDRESS = re.compile(r" \(\d{1,7}\)")
_VERSION = re.compile(r"\d{1,2}\.\d{1,2}\.\d{1,2}")
_HTTP_VERSION = re.compile(r"\d(?:\.\d)?")
_POSTCODE = re.compile(r"\d{3}-\d{4}")
_POSTAL_MARK = re.compile(r"(?:〒|郵便番号|住所|所在地)(?:は|が|:)?\s?$")
_HOUSE_NUMBER = re.compile(r"\d{1,4}(?:-\d{1,3}){1,2}")  # 東七松町1-23-1
_ADDRESS_BEFORE = re.compile(r"(?:町|丁目|丁|番地|区|村|字|条|通|線)$")
_LOG_KEY = re.compile(r"(?:status|bytes|time|pid|workers?|threads|port|line)[=:]? ?$")  # log fields, traceback lines
_PHONE_WORDS = re.compile(r"電話|TEL|携帯|FAX|ファ[ッ]?クス|連絡先|でんわ|けいたい|自宅", re.IGNORECASE)
# A phone word right after a short number: 「123-4567に電話」 (a postal code is not phoned).
_PHONE_AFTER = re.compile(r"\s?(?:に|へ|まで|から|で)?\s?(?:お?電話|TEL|携帯|でんわ|FAX|ファ[ッ]?クス)", re.IGNORECASE)
_NUMBER_WORDS = re.compile(
    r"(?<!郵便)番号|記号|ナンバ|ID|No|口座|ばんごう|コ-ド|code|会員|受給者|証|パスポ-ト|暗証|PIN|パスワ-ド"
    r"|下\d|最初の|はじめの|残りの|自宅|けた|桁", re.IGNORECASE)

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])(?:[A-Za-z0-9._%+\-]++ ?@ ?[A-Za-z0-9\-]+(?: ?[.,] ?[A-Za-z0-9\-]+)+"  # a@b.jp, a@b、jp
    r"|[A-Za-z0-9._%+\-]{2,} ?@ ?[A-Za-z][A-Za-z0-9\-]{2,})")  # no dot at all: taro@gmail
# Insurance card 記号・番号, 保険者番号, 枝番: the value after the word, however short.
_INSURANCE = re.compile(
    r"(?<!郵便)(?P<key>(?:被保険者|保険者)?(?:記号|番号)|枝番)"
    r"(?:\s|[:=はがをの]|です|[「『【\[(])*"
    r"(?P<value>[0-9A-Za-z]+(?:[ \-.,/_:;()\[\]<>{}|*#=+「」『』【】〔〕〈〉《》]{1,3}[0-9A-Za-z]+)*)"
)
_QUANTITY_UNIT = re.compile(
    r"\s?(?:桁|けた|文字|年|月|日|円|歳|才|人|件|個|回|枚|通|号|番(?!号)|条|項|%|か月|ヶ月|カ月|週|時|分|秒|万|千|百|十|億|世帯|台|つ)"
)
# When finds overlap, the more specific kind names the marker.
_PRIORITY = {"email": 0, "my_number": 1, "corporate_number": 1, "phone": 1, "insurance": 2, "number": 3}


def find_personal_data(text: str, record: bool = False) -> list[tuple[int, int, str]]:
    """(start, end, kind) of each piece of personal data in `text`, merged, in order.
    `record`: the stricter rule for what is stored and logged."""
    folded = fold(text)
    spans = [*_emails(folded.text), *_numbers(folded.text, record), *_insurance_values(folded.text)]
    return [(start, _past_invisible(text, end), kind)
            for start, end, kind in ((*folded.original_span(s, e), k) for s, e, k in _merge(spans))]


def _past_invisible(text: str, end: int) -> int:
    """Take in the marks that followed the last digit (1️⃣: a variation selector and a keycap)."""
    while end < len(text) and not fold_char(text[end]):
        end += 1
    return end


def _emails(text: str) -> Iterator[tuple[int, int, str]]:
    for match in _EMAIL.finditer(text):
        yield match.start(), match.end(), "email"


def _numbers(text: str, record: bool) -> Iterator[tuple[int, int, str]]:
    for chain in _chains(text):
        if (token := _log_token(text, chain[0].start())) and token.end() < chain[-1].end():
            chain = [g for g in chain if g.start() >= token.end()]  # 127.0.0.1:8000 (pid): read apart
            if len(chain) == 1 and _PID_AFTER_ADDRESS.fullmatch(text, token.end(), chain[0].end() + 1):
                continue  # gunicorn's "Listening at: http://0.0.0.0:8000 (1234)": its pid
        start, end = chain[0].start(), chain[-1].end()
        kind = _kind_of_chain(text, start, end, "".join(g.group() for g in chain), record)
        if kind:
            yield _widened(text, start, end), end, kind


def _chains(text: str) -> Iterator[list[re.Match]]:
    """Digit groups joined into numbers. Groups joined by a phrase or a letter stay one
    number only when it is long (a number read out in parts); else they are read apart."""
    pieces: list[list[re.Match]] = []  # strictly joined runs of the current chain
    for group in _GROUP.finditer(text):
        if pieces:
            last = pieces[-1][-1]
            between = text[last.end():group.start()]
            if _SEPARATORS.fullmatch(between) or _continued(between):
                pieces[-1].append(group)
                continue
            if min(len(last.group()), len(group.group())) >= LOOSE_GROUP and _loosely_joined(between):
                pieces.append([group])
                continue
            yield from _settled(pieces)
        pieces = [[group]]
    if pieces:
        yield from _settled(pieces)


def _continued(between: str) -> bool:
    return (len(between) <= PHRASE_WINDOW and _PHRASE.fullmatch(between) is not None
            and _HAS_CONTINUATION.search(between) is not None)


def _loosely_joined(between: str) -> bool:
    return _LETTER_JOINT.fullmatch(between) is not None or _PARTICLE.fullmatch(between) is not None


def _settled(pieces: list[list[re.Match]]) -> Iterator[list[re.Match]]:
    if len(pieces) == 1 or sum(len(g.group()) for piece in pieces for g in piece) >= LOOSE_DIGITS:
        yield [g for piece in pieces for g in piece]
    else:
        yield from pieces


def _log_token(text: str, start: int) -> re.Match | None:
    """An HTTP version, or an IP address where a server's log writes one: after `://`, or
    opening a dev-server access line. Elsewhere 123.45.67.89 could be a number in groups."""
    if text[max(0, start - 5):start].upper() == "HTTP/":
        return _HTTP_VERSION.match(text, start)
    match = _IP_ADDRESS.match(text, start)
    if not match or any(int(octet) > 255 for octet in match.group().split(":")[0].split(".")):
        return None
    if text[max(0, start - 3):start] == "://" or (start == 0 and text.startswith(" - - ", match.end())):
        return match
    return None


def dates_only(chain: str) -> bool:
    """The chain is dates, times and years only, with anything but digits between them."""
    match = _WHEN.match(chain)
    if not match:
        return False
    position = match.end()
    while position < len(chain):
        if zone := _ZONE.match(chain, position):
            position = zone.end()
            continue
        gap = _GAP.match(chain, position)
        match = _WHEN.match(chain, gap.end()) if gap else None
        if not match:
            return False
        position = match.end()
    return True


def _harmless(text: str, start: int, end: int, record: bool) -> bool:
    """A date, time, amount, quantity, decimal, IP address, postcode or house number."""
    chain, before = text[start:end], text[max(0, start - CONTEXT_WINDOW):start]
    if _VERSION_TAIL.search(text, 0, start) and _GROUP.fullmatch(chain) and len(chain) <= 6:
        return True
    if record and len(chain) <= 5 and _GROUP.fullmatch(chain) and (
            _ASCII_LETTER.match(text, end) or (start and _ASCII_LETTER.match(text, start - 1))):
        return True  # in a token such as c12884 or v1234b: an id or a hash, not a number typed alone
    if dates_only(chain) or _ISO_DATE_T.search(before) or (
            (token := _log_token(text, start)) and token.end() == end):
        return True
    if _ERA_DATE.fullmatch(chain) and _ERA_BEFORE.search(before):
        return True
    if _MONEY.fullmatch(chain) and (UNIT_AFTER.match(text, end) or _MONEY_BEFORE.search(before)):
        return True
    if _DECIMAL.fullmatch(chain):
        return True
    if _POSTCODE.fullmatch(chain) and _POSTAL_MARK.search(before):
        return True
    if _HOUSE_NUMBER.fullmatch(chain) and _ADDRESS_BEFORE.search(before):
        return True
    if record and _VERSION.fullmatch(chain) and sum(c.isdigit() for c in chain) <= 5:
        return True  # a release in a log line: gunicorn 27.0.1
    return record and _LOG_KEY.search(before) is not None


def _kind_of_chain(text: str, start: int, end: int, digits: str, record: bool) -> str | None:
    if len(digits) < min(NAMED_DIGITS, RECORD_DIGITS) or _harmless(text, start, end, record):
        return None
    before = text[max(0, start - CONTEXT_WINDOW):start]
    international = text[max(0, start - 1):start] == "+"
    if len(digits) == 12 and not international:
        return "my_number" if is_valid_my_number(digits) else "number"
    if len(digits) == 13:
        return "corporate_number" if is_valid_corporate_number(digits) else "number"
    phone_word = _PHONE_WORDS.search(before) or _PHONE_AFTER.match(text, end)
    if (international and len(digits) >= 9) or (digits[0] == "0" and len(digits) in (10, 11)) or (
            phone_word and len(digits) >= 6):
        return "phone"
    if len(digits) >= SHOWN_DIGITS:
        return "number"
    if _NUMBER_WORDS.search(before) or phone_word:
        return "number"
    return "number" if record else None


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
    while (group := _GROUP.search(text, end)) and (_SEPARATORS.fullmatch(between := text[end:group.start()])
                                                   or _continued(between)):
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
