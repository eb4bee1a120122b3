"""Should the best entry be given as the answer? A small logistic model over features
one can explain, fitted offline by `bench/fit_decision.py` and shipped as coefficients in
`kb/data/decision.json`; nothing here trains anything.

Features (each 0–1 or a small count):
- coverage      weighted share of the question's words the best entry holds
- specificity   how rare the matched words are (a lone 「保険」 says little, 「なりすまし」 much)
- margin        coverage lead over the next entry (two entries equally good: unsure)
- unknown       share of the question's word weight that no entry holds at all
- words         how many content words the question has (capped)
- mismatch      the question asks for a procedure, place, time, cost, fix, phone number or
                referral and the entry's answer
                has no word of that kind (「申請したい」 against a policy statement)
- semantic      cosine similarity of question and entry, when an encoder is loaded
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .textnorm import normalize

# What a question asks for (patterns on the normalised question) and the words an entry
# answering that kind of question holds. Behaviour as data: extend the table, not code.
QUESTION_KINDS = {
    "procedure": (r"(し|申請し|登録し|手続きし|発行し|再発行し|変更し|撮り直し|届け)たい|やり方|手続き|手続|申し込み|申込|再発行|登録方法|申請方法|どうすれば|どうしたら"
                  r"|引っ越|引越|転居|転出|転入|結婚|出産|死亡|就職|退職",  # life events: what must I do?
                  ("申請", "手続", "手続き", "届出", "届け出", "提出", "窓口", "交付", "持参", "必要")),
    "place": (r"どこ|場所|使える(病院|お店|店|薬局)|窓口は",
              ("場所", "窓口", "課", "区役所", "階", "ホームページ", "http", "センター", "住所", "所在地")),
    "time": (r"いつ|何時|何日|期限|有効期間|受付時間|開館時間|曜日|何月",
             ("日", "月", "年", "時", "期間", "予定", "目途", "まで", "から")),
    "cost": (r"いくら|料金|費用|値段|安く|高く|無料|保険料|手数料",
             ("円", "無料", "費用", "料金", "負担", "保険料", "手数料")),
    "trouble": (r"できない|うまくいかない|忘れ|届かない|使えない|壊れ|ログイン",
                ("問い合わせ", "再設定", "窓口", "手続", "再発行", "ご確認")),
    # whom to call, and who can do it for me: a policy statement names neither
    "contact": (r"電話番号|連絡先|問い合わせ先|問合せ先|問い合わせ窓口",
                ("電話", "tel", "問い合わせ", "問合せ", "窓口", "連絡先")),
    "referral": (r"紹介して|紹介してほしい|紹介してください|おすすめの|お勧めの|オススメの",
                 ("紹介", "一覧", "リスト", "登録事業者")),
}


@dataclass(frozen=True)
class DecisionModel:
    """Coefficients of the logistic decision, read from kb/data/decision.json."""

    bias: float
    weights: dict[str, float]
    threshold: float  # answer at or above
    close_threshold: float  # below `threshold`, at or above this: "close" (not sure)

    def probability(self, features: dict[str, float]) -> float:
        """P(the best entry answers the question)."""
        z = self.bias + sum(w * features.get(name, 0.0) for name, w in self.weights.items())
        return 1 / (1 + math.exp(-z))


@lru_cache(maxsize=4)
def load_model(variant: str = "lexical") -> DecisionModel:
    """The fitted model for `variant` ("lexical", or "semantic" when an encoder is used)."""
    data = json.loads(resources.files("kb.data").joinpath("decision.json").read_text("utf-8"))
    model = data["models"][variant]
    return DecisionModel(model["bias"], model["weights"], model["threshold"],
                         model.get("close_threshold", model["threshold"]))


def question_kinds(normalized_question: str) -> list[str]:
    """The kinds of information a question asks for (procedure, place, time, cost, trouble,
    contact, referral)."""
    return [kind for kind, (pattern, _) in QUESTION_KINDS.items() if re.search(pattern, normalized_question)]


def kind_mismatch(kinds: list[str], entry_text: str) -> float:
    """1 when the question asks for kinds of information the entry's text has no word for."""
    text = normalize(entry_text)
    missing = [k for k in kinds if not any(marker in text for marker in QUESTION_KINDS[k][1])]
    return 1.0 if kinds and len(missing) == len(kinds) else 0.0
