"""The folding table: what each character means to the detector, as data.

Residents type the same digit, space, dash or dot in dozens of ways. After NFKC each
character below folds to one canonical character; spelled-out e-mail signs fold to `@`
and `.`. Categories cover the rest: every Unicode space (Zs, Zl, Zp) is a space and every
dash punctuation (Pd) is a hyphen; any decimal digit of any script is its ASCII digit.
"""
from __future__ import annotations

SPACE, DASH, DOT, COMMA = " ", "-", ".", ","

# Characters NFKC leaves alone but that mean nothing between digits (zero width, BOM, tab).
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u180e\u00ad"
SPACES = "\t\n\r\x0b\x0c\u0085" + INVISIBLE
# Dash-likes outside category Pd: long-vowel marks, minus signs, tildes and wave dashes.
DASHES = "\u30fc\uff70\u2212\u2043\u2796\u02d7\u207b\u208b\uff5e~\u223c\u223f\u301c\u3030\u2053\u2e3a\u2e3b"
DOTS = ".\u3002\uff61\u30fb\uff65\u00b7\u2027\u2219\u2022\u2024\u22c5\u0387\u2e31"
COMMAS = ",\u3001\uff64\uff0c\u201a"
# Kanji numerals, with the circle used as zero and the formal 大字.
KANJI_DIGITS = {
    "〇": "0", "○": "0", "◯": "0", "零": "0", "一": "1", "二": "2", "三": "3", "四": "4", "五": "5",
    "六": "6", "七": "7", "八": "8", "九": "9", "壱": "1", "壹": "1", "弐": "2", "貳": "2",
    "参": "3", "參": "3", "肆": "4", "伍": "5", "陸": "6", "漆": "7", "柒": "7", "捌": "8", "玖": "9",
}
# Positional kanji: 千二百三十四 is 1234. Read only in runs that hold one of these.
KANJI_UNITS = {"十": 10, "拾": 10, "百": 100, "陌": 100, "佰": 100, "千": 1000, "阡": 1000, "仟": 1000}
KANJI_MYRIADS = {"万": 10_000, "萬": 10_000, "億": 100_000_000}
# Characters dropped before reading: NFKC leaves these letters (Lo) that render as nothing.
FILLERS = "\u3164\u115f\u1160\uffa0\u034f"
# Digits read out in kana (ゼロキュウゼロ…), longest first so キュウ wins over ク.
SPOKEN_DIGITS = {
    "0": ("ゼロ", "レイ", "マル", "ぜろ", "れい", "まる"),
    "1": ("イチ", "いち"), "2": ("ニ", "に"), "3": ("サン", "さん"), "4": ("ヨン", "よん", "シ", "し"),
    "5": ("ゴ", "ご"), "6": ("ロク", "ろく"), "7": ("ナナ", "シチ", "なな", "しち"),
    "8": ("ハチ", "はち"), "9": ("キュウ", "キュー", "ク", "きゅう", "きゅー", "く"),
}
# Multi-character spellings, matched on already-folded text (ー is a hyphen by then).
SPELLED = {
    "@": ("アットマ-ク", "あっとま-く", "@マ-ク", "アット", "あっと", "(at)", "[at]", "<at>", " at ",
          "(a)", "[a]", "★", "☆", "*"),
    ".": ("ドット", "どっと", "(dot)", "[dot]", "<dot>", " dot "),
}
SPELLED["-"] = ("ハイフン", "はいふん")
