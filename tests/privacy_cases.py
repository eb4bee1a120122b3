"""Personal data the way residents type it, as hypothesis strategies, and the leak check.

Shared by the detector's property tests and the gunicorn test that sends the same cases
through every channel."""
from __future__ import annotations

import random
from dataclasses import dataclass

from hypothesis import strategies as st

from kb.privacy import is_valid_corporate_number, is_valid_my_number
from kb.privacy.folding import fold

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
KANJI = str.maketrans("0123456789", "〇一二三四五六七八九")
FORMAL_KANJI = str.maketrans("0123456789", "零壱弐参肆伍陸漆捌玖")
CIRCLED = str.maketrans("0123456789", "⓿❶❷❸❹❺❻❼❽❾")
KEYCAP = str.maketrans({d: d + "\ufe0f\u20e3" for d in "0123456789"})
SEPARATORS = [
    "", " ", "  ", "-", " - ", "\t", "\n", ".", "/", ",", "、", "・", "〜", "_", "\u00a0", "\u200b",
    "\u2009", "ｰ", "﹣", "‒", "－", "ー", "―", "−", "～", "　", "．", "。", ":", "(", ")", "（", "）",
    # round 3: bidi and invisible marks, separators nobody listed
    "\u200e", "\u200f", "\u2066", "\u2069", "\u2062", "\u3164", "\u034f", "'", "!", "?", "&", "→", "★", "※", "♪", "◯",
]
PHRASES = ["で、次が", "、その次は", "で、最後が", "、続きは", "で残りは", "えーと", "、そして", "それと"]
PREFIXES = ["", "私のマイナンバーは", "番号は", "電話：", "連絡先 ", "念のため ", "母の ", "これ→",
            "カードをなくしました。", "保険証について、", "「", "Re: "]
SUFFIXES = ["", "です", "です。", "に電話してください", "まで。", "で、保険証は使えますか？", "」", " よろしく",
            "\n山田", "を入力したら変になった"]


@dataclass(frozen=True)
class Secret:
    """A piece of personal data: what a resident typed and the digits that must not survive."""

    kind: str
    typed: str
    digits: str
    words: tuple[str, ...] = ()  # non-digit parts that must not survive (e-mail names)


def my_number_check(body: str) -> str:
    return next(body + d for d in "0123456789" if is_valid_my_number(body + d))


def corporate_check(body: str) -> str:
    return next(d + body for d in "123456789" if is_valid_corporate_number(d + body))


digits = lambda n: st.text("0123456789", min_size=n, max_size=n)  # noqa: E731

my_numbers = digits(11).map(my_number_check)
corporate_numbers = digits(12).map(corporate_check)
phones = st.one_of(
    st.tuples(st.sampled_from(["070", "080", "090"]), digits(8)).map("".join),
    st.tuples(st.sampled_from(["03", "06", "011", "0120", "0798", "04992"]), digits(10)).map(lambda t: (t[0] + t[1])[:10]),
)


@st.composite
def rendered(draw, number: str) -> str:
    """`number` in random widths and numeral systems, split into random groups."""
    style = draw(st.sampled_from(["ascii", "full", "kanji", "formal", "circled", "keycap", "mixed"]))
    if style == "mixed":
        text = "".join(draw(st.sampled_from([d, d.translate(FULL_WIDTH), d.translate(KANJI)])) for d in number)
    else:
        table = {"ascii": {}, "full": FULL_WIDTH, "kanji": KANJI, "formal": FORMAL_KANJI, "circled": CIRCLED,
                 "keycap": KEYCAP}[style]
        text = number.translate(table)
    cuts = sorted(draw(st.sets(st.integers(1, len(text) - 1), max_size=4)))
    pieces = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)])]
    joiners = st.one_of(st.sampled_from(SEPARATORS), st.sampled_from(PHRASES))
    out = pieces[0]
    for piece in pieces[1:]:
        out += draw(joiners) + piece
    return out


@st.composite
def numbers(draw) -> Secret:
    kind, number = draw(st.one_of(
        my_numbers.map(lambda n: ("my_number", n)),
        corporate_numbers.map(lambda n: ("corporate_number", n)),
        phones.map(lambda n: ("phone", n)),
    ))
    if kind == "phone" and draw(st.booleans()) and draw(st.booleans()):
        return Secret(kind, "+81" + draw(st.sampled_from(["", " ", "-"])) + draw(rendered(number[1:])), number)
    return Secret(kind, draw(rendered(number)), number)


@st.composite
def insurance(draw) -> Secret:
    symbol, number = draw(digits(draw(st.integers(4, 8)))), draw(digits(draw(st.integers(3, 8))))
    a, b = draw(rendered(symbol)), draw(rendered(number))
    template = draw(st.sampled_from([
        "記号{a}番号{b}", "記号が{a}で番号が{b}", "記号「{a}」番号「{b}」", "保険証の記号 {a} 番号 {b}",
        "被保険者証の記号は{a}、番号は{b}", "記号：{a}　番号：{b}",
    ]))
    return Secret("insurance", template.format(a=a, b=b), symbol + number)


@st.composite
def insurer_numbers(draw) -> Secret:
    number = draw(digits(draw(st.sampled_from([6, 8]))))
    template = draw(st.sampled_from(["保険者番号が{n}", "保険者番号は{n}", "保険者番号 {n}", "保険者番号「{n}」"]))
    return Secret("insurance", template.format(n=draw(rendered(number))), number)


_LOCAL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=4, max_size=12).filter(lambda s: s[0].isalpha())


@st.composite
def emails(draw) -> Secret:
    local, host = draw(_LOCAL), draw(st.text("abcdefghijklmnopqrstuvwxyz", min_size=4, max_size=10))
    at = draw(st.sampled_from(["@", "＠", "アットマーク", "あっとまーく", "(at)", " at ", "アット"]))
    dot = draw(st.sampled_from([".", "．", "。", "ドット"]))
    typed = f"{local}{at}{host}{dot}example{dot}jp"
    if draw(st.booleans()):
        typed = typed.translate(str.maketrans(
            "abcdefghijklmnopqrstuvwxyz0123456789", "ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ０１２３４５６７８９"))
    run = "".join(c for c in local if c.isdigit())
    return Secret("email", typed, run if len(run) >= 6 else "", (local, host))


secrets = st.one_of(numbers(), insurance(), insurer_numbers(), emails())


@st.composite
def sentences(draw, secret_strategy=secrets) -> tuple[str, Secret]:
    """A resident's text with one secret at a random place."""
    secret = draw(secret_strategy)
    return draw(st.sampled_from(PREFIXES)) + secret.typed + draw(st.sampled_from(SUFFIXES)), secret


def leaks(output: str, secret: Secret) -> list[str]:
    """Runs of ≥ 6 of the secret's digits (any width or numeral) or its words left in `output`."""
    folded = fold(output).text.lower()
    kept = "".join(c for c in folded if c.isdigit())
    found = [secret.digits[i:i + 6] for i in range(len(secret.digits) - 5) if secret.digits[i:i + 6] in kept]
    return found + [word for word in secret.words if word in folded]


def sample(strategy, count: int, seed: int = 8) -> list:
    """`count` examples of a strategy, reproducibly, outside a @given test (for the server test)."""
    rng = random.Random(seed)
    found: list = []

    from hypothesis import HealthCheck, given, settings

    @settings(max_examples=count, database=None, derandomize=True, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(example):
        found.append(example)

    collect()
    rng.shuffle(found)
    return found[:count]
