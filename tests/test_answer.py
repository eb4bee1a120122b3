"""The chatbot decision on in-scope, out-of-scope and near-miss questions."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kb.analysis import sentence_spans
from kb.answer import ask, best_sentence, held_best_sentence
from kb.decision import kind_mismatch, question_kinds
from kb.textnorm import normalize

from .conftest import DEV_QUERIES, entry_id


@pytest.mark.parametrize("question, item", [
    ("マイナンバーカードを落としたら保険の情報がもれる？", "7"),
    ("ＨＤＤはどうやって処分していますか", "4"),
    ("委託先で情報が漏れたら誰が責任をとるの", "3"),
    ("顔認証付きカードリーダーで本人確認するの？", "1"),
    ("電子申請はいつから始まりますか", "8"),
    ("意見募集の期間はいつでしたか", "overview"),
    ("マイナンバーカードを落としても大丈夫？", "7"),
    ("マイナンバーカードを落としても平気？", "7"),  # 平気: a resident's word for 安全 (synonyms.txt)
    ("古いパソコンのハードディスクはどうやって捨てている？", "4"),
    ("市役所のパソコンを捨てるとき、中のデータってちゃんと消してくれてるんですか？業者に頼むなら職員さんは見てるの？", "4"),
    ("マイナンバーって本当に安全なの？ハッキングとかされない？", "8"),
])
def test_in_scope_questions_get_the_citys_answer(kb, question, item):
    answer = ask(kb, question)
    assert answer.kind == "answer"
    assert answer.entry.id == entry_id(item)
    assert answer.entry.source.item == item


@pytest.mark.parametrize("question", [
    "住民票の写しはどこで取れますか",
    "マイナンバーカードの暗証番号を忘れました",
    "マイナンバーカードの申請方法",
    "国保の保険料はいくら",
    "粗大ごみの出し方",
    "高額療養費の申請",
])
def test_out_of_scope_and_near_misses_get_no_answer(kb, question):
    answer = ask(kb, question)
    assert answer.kind == "no_answer" and answer.entry is None and not answer.answered
    assert answer.message.startswith("申し訳ありません。このご質問にお答えできる公表資料が見つかりませんでした")
    assert "保健福祉局保険医療部保険企画課" in answer.message
    assert answer.related == ()  # nothing offered as "may help": the widget shows its starter questions


@pytest.mark.parametrize("question", ["こんにちは", "おはようございます！", "ありがとう"])
def test_greetings_get_help(kb, question):
    answer = ask(kb, question)
    assert answer.kind == "help" and "個人番号" in answer.message and not answer.hits


@pytest.mark.parametrize("question", ["a", "1", "F", "？？？", "12345", "ｘ", "。。。"])
def test_meaningless_input_is_asked_for_more_never_answered(kb, question):
    answer = ask(kb, question)
    assert answer.kind == "too_short" and answer.entry is None
    assert answer.message.startswith("もう少し詳しく入力してください")


@pytest.mark.parametrize("question", [
    "How do I apply for a My Number card?", "Can someone steal my insurance data", "Where can I get help please",
])
def test_questions_without_japanese_are_told_answers_are_in_japanese(kb, question):
    answer = ask(kb, question)
    assert answer.kind == "not_japanese" and answer.entry is None
    assert "日本語" in answer.message and "保険企画課" in answer.contact


@pytest.mark.parametrize("question, item", [
    ("マイナ保険証を使うと、ほかの人になりすまされたりしませんか", "1"),
    ("委託した会社から情報が漏れたら誰が責任を取るのですか", "3"),
])
def test_resident_paraphrases_are_answered(kb, question, item):
    answer = ask(kb, question)
    assert answer.kind == "answer" and answer.entry.source.item == item


@pytest.mark.parametrize("question", [
    "マイナンバーカードを申請したい",
    "顔認証がうまくいかないときはどうすればいい",
    "国民健康保険の保険料はいくら",
    "保険証を紛失したときの再発行",
])
def test_procedure_questions_are_not_answered_with_a_policy_statement(kb, question):
    answer = ask(kb, question)
    assert answer.kind in ("close", "no_answer") and not answer.answered and answer.entry is None
    assert "保険企画課" in answer.message  # where to ask, either way
    if answer.kind == "close":  # the nearest entries, shown as related text and said to be no answer
        assert 1 <= len(answer.related) <= 3
        assert answer.message.startswith(CLOSE_START)
    else:
        assert answer.related == () and not answer.message.startswith(CLOSE_START)


# Applying for the card: the seed speaks of the card's security, never of how to apply.
CLOSE_QUESTION = "マイナ保険証の利用登録のやり方"
CLOSE_START = "ご質問に直接お答えする回答は見つかりませんでした"


@pytest.fixture(params=["kb", "semantic_kb"])
def either_kb(request):
    """The seed index without vectors, then with the packaged encoder's."""
    return request.getfixturevalue(request.param)


def test_a_near_miss_gets_close_the_nearest_entries_as_related_text(either_kb):
    answer = ask(either_kb, CLOSE_QUESTION)
    assert answer.kind == "close" and not answer.answered
    assert answer.entry is None and answer.best_sentence is None  # nothing is given as the answer
    assert answer.message.startswith(CLOSE_START) and "保険企画課" in answer.message
    assert 1 <= len(answer.related) <= 3


def test_the_answer_explains_its_decision(kb):
    answer = ask(kb, "カードをなくしても保険の情報は漏れないの")
    features = answer.extra["features"]
    assert features["coverage"] > 0.8 and features["mismatch"] == 0 and 0.5 < answer.confidence <= 1


def test_the_best_matching_sentence_is_marked(kb):
    answer = ask(kb, "オンライン資格確認の回線はインターネットですか")
    mark = answer.best_sentence
    assert answer.entry.answer[mark.paragraph][mark.start:mark.end] == mark.text
    assert "専用の回線" in mark.text


def test_answer_is_verbatim_and_cited(kb):
    answer = ask(kb, "データの消去・廃棄はどのように行うのか")
    entry = answer.entry
    assert entry.answer == kb.entries[entry.id].answer
    assert entry.source.title.startswith("国民健康保険事務に関する") and entry.source.date == "2020-07-14"
    assert entry.source.url.startswith("http://www.city.sapporo.jp/")


def test_related_entries_exclude_the_answer(kb):
    answer = ask(kb, "委託のリスク管理の方法")
    assert answer.entry.id not in {e.id for e in answer.related}


@pytest.mark.parametrize("typed, item", [("まいな", "1"), ("オンライン", "7"), ("でーた", "4"), ("データの消去", "4")])
def test_suggestions_while_typing(kb, typed, item):
    assert entry_id(item) in [e.id for e in kb.suggest(typed)]


def test_suggestions_start_with_prefix_matches(kb):
    first = kb.suggest("データ")[0]
    assert first.question.startswith("データ")


def _dev_questions() -> list[str]:
    if not DEV_QUERIES.exists():
        return []
    return [json.loads(line)["query"] for line in DEV_QUERIES.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("question", [*_dev_questions(), "オンライン資格確認の回線はインターネットですか",
                                      "まいなんばーかーどをなくした", "ﾃﾞｰﾀの消去は？"])
def test_the_best_sentence_from_stored_words_is_the_one_reading_each_sentence_finds(kb, question):
    parsed = kb.parse(question)
    for hit in kb.search(parsed, limit=3):
        assert held_best_sentence(kb, hit.entry, parsed) == best_sentence(hit.entry, parsed, kb.word_weight)


def test_the_index_stores_every_answer_sentence_of_every_entry(kb):
    """(else the best sentence is read afresh, Sudachi per sentence)"""
    for entry in kb.entries.values():
        stored, _ = kb.lexical.sentence_rows(np.array([kb.row(entry.id)]))
        assert len(stored) == len(sentence_spans(entry.answer_text)) > 0


@pytest.mark.parametrize("question, kind", [
    ("なくしたマイナカードを止める電話番号は？", "contact"),
    ("個人情報の問い合わせ先を知りたい", "contact"),
    ("データ消去を頼める業者を紹介してほしい", "referral"),
    ("マイナ保険証が使える病院を知りたい", "place"),
])
def test_questions_for_a_phone_number_or_a_referral_are_told_apart(question, kind):
    kinds = question_kinds(normalize(question))
    assert kind in kinds
    # a policy statement has no word of that kind; an answer that gives one does
    assert kind_mismatch(kinds, "個人情報は適切に管理しています。") == 1.0
    givers = {"contact": "お問い合わせは電話で。", "referral": "登録事業者の一覧をご覧ください。",
              "place": "区役所の窓口でどうぞ。"}
    assert kind_mismatch([kind], givers[kind]) == 0.0
