"""The chatbot decision on in-scope, out-of-scope and near-miss questions."""
from __future__ import annotations

import pytest

from kb.answer import ask

from .conftest import entry_id


@pytest.mark.parametrize("question, item", [
    ("マイナンバーカードを落としたら保険の情報がもれる？", "7"),
    ("ＨＤＤはどうやって処分していますか", "4"),
    ("委託先で情報が漏れたら誰が責任をとるの", "3"),
    ("顔認証付きカードリーダーで本人確認するの？", "1"),
    ("電子申請はいつから始まりますか", "8"),
    ("意見募集の期間はいつでしたか", "overview"),
    ("マイナンバーカードを落としても大丈夫？", "7"),
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
    assert answer.kind == "no_answer" and answer.entry is None
    assert "保健福祉局保険医療部保険企画課" in answer.message
    assert len(answer.related) <= 3


@pytest.mark.parametrize("question", ["こんにちは", "おはようございます！", "ありがとう", "？？？"])
def test_greetings_get_help(kb, question):
    answer = ask(kb, question)
    assert answer.kind == "help" and "個人番号" in answer.message and not answer.hits


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
