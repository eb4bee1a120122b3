"""Question furniture: the politeness and question frames around what a question is about.

「生活保護の申請に必要なものを教えて頂けないでしょうか？」 is about 生活保護の申請に必要なもの;
the sentence encoder, though, weighs 教えて頂けないでしょうか like any other words, and FAQ
questions are written in other frames (〜について知りたい。〜はどうすればいいですか). The
question is embedded without its frame. Lexical search needs none of this: its stop terms
drop the frame's words already. Measured on the localgovFAQ dev half (bench/fit_ranking.py,
weights refitted): Recall@1 0.571 → 0.591 with the frame cut, 2-fold cross-validated
0.547 → 0.571.
"""
from __future__ import annotations

import re

_ASK = (r"教えて(ください|下さい|欲しい(です)?|ほしい(です)?|頂けますか|いただけますか|頂けないでしょうか"
        r"|いただけないでしょうか|もらえますか|もらえませんか)?")
_WANT = r"知りたい(のですが|です|んですが)?"
_EXISTS = r"(は)?(ありますか|あるのでしょうか|ありませんか|あるんですか)"
_COPULA = r"(ん|の)?(でしょうか|ですか|ますか|ますでしょうか)|(ん|の)ですが"
_TAIL_RE = re.compile(rf"(について|に関して)?(を)?({_ASK}|{_WANT}|{_EXISTS}|{_COPULA})[。？?！!\s]*$")
_HEAD_RE = re.compile(r"^((すみません|すいません)[、,。\s]*|(あの|えっと|こんにちは)[、,。\s]+)")
MIN_LEFT = 4  # a frame is not cut when less than this would be left: 「ありますか」 stays whole


def without_furniture(question: str) -> str:
    """`question` without a greeting in front and question frames at the end (up to
    three stacked: 〜についてを教えて頂けますか？); the question itself when little is left."""
    text = question.strip()
    headless = _HEAD_RE.sub("", text)
    text = headless if len(headless) >= MIN_LEFT else text
    for _ in range(3):
        cut = _TAIL_RE.sub("", text)
        if cut == text or len(cut) < MIN_LEFT:
            break
        text = cut
    return text
