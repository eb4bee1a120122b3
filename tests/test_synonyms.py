"""Residents' words → the documents' words (content/synonyms.txt)."""
from __future__ import annotations

import pytest

import kb.query as kb_query
from kb.answer import ask
from kb.errors import ContentError
from kb.query import parse_query
from kb.synonyms import parse_synonyms

from .conftest import CONTENT, entry_id

RULES = """
# comment
紛失, なくす, 落とす
ハードディスク => HDD, 記憶装置
マイナ保険証 => マイナンバーカード+健康保険証
"""


def expansions(query, rules=RULES):
    parsed = parse_query(query, parse_synonyms(rules))
    return {w.term: w.expansions for w in parsed.words}


def test_equivalent_words_expand_each_other_through_inflection():
    assert ("紛失",) in expansions("カードをなくした")["なくす"]
    assert ("なくす",) in expansions("紛失した")["紛失"]


def test_one_way_rules_only_go_one_way():
    assert ("hdd",) in expansions("ハードディスク")["ハードディスク"]
    assert expansions("HDD")["hdd"] == []


def test_plus_joins_words_that_go_together():
    assert ("マイナンバーカード", "健康保険証") in expansions("マイナ保険証は安全？")["マイナ"]


def test_kana_only_query_matches_a_rule_by_reading():
    parsed = parse_query("まいなほけんしょう", parse_synonyms(RULES))
    assert ("マイナンバーカード", "健康保険証") in parsed.words[0].expansions


@pytest.mark.parametrize("text, line", [("紛失\n", 1), ("# ok\n=> HDD\n", 2), ("a, ,\n", 1)])
def test_rules_that_mean_nothing_are_errors(text, line):
    with pytest.raises(ContentError) as error:
        parse_synonyms(text)
    assert error.value.line == line


def test_the_shipped_file_parses():
    rules = parse_synonyms((CONTENT / "synonyms.txt").read_text("utf-8"))
    assert len(rules) > 100


@pytest.mark.parametrize("query, item", [
    ("外部の会社にデータを預けても大丈夫？", "3"),
    ("パソコンを捨てるときはどうしてますか", "4"),
    ("ネットにつながっていますか", "7"),
])
def test_resident_words_reach_official_words(kb, query, item):
    assert kb.search(query, limit=2)[0].entry.id in {entry_id(item), entry_id("5")}


@pytest.mark.parametrize("question, lemma", [
    ("マイナンバーカードなくしたら保険の情報見られちゃう？", "無くす"),
    ("カードおとした", "落とす"),
])
def test_verbs_misread_in_kana_after_a_noun_are_read_as_verbs(kb, question, lemma):
    assert lemma in [w.term for w in kb.parse(question).words]


@pytest.mark.parametrize("question, words", [
    ("おとしちゃった", ["落とす"]),  # a verb typed in kana with its endings
    ("もれない", ["漏れる"]),
    ("ほけんの じょうほう", ["保険", "情報"]),  # a noun and its particle: the index's noun of that sound
    ("まいなかーどを", ["マイナ", "カード"]),  # a loanword and its particle
])
def test_kana_words_are_read_without_the_endings_typed_after_them(kb, question, words):
    assert [w.term for w in kb.parse(question).words] == words


@pytest.mark.parametrize("question, expanded", [
    ("結果はどこで見られますか", True),
    ("顔写真を見られるの", False),  # 見る without どこ is not 「どこで見られる」
])
def test_a_phrase_is_not_found_by_the_one_word_analysis_left_of_it(question, expanded):
    rules = parse_synonyms("公表, どこで見られる")
    words = parse_query(question, rules).words
    assert any(("公表",) in w.expansions for w in words) is expanded


@pytest.mark.parametrize("question, lemma", [("少なくしたい", "少ない"), ("危なくない", "危ない")])
def test_adjectives_ending_in_naku_are_left_alone(kb, question, lemma):
    assert [w.term for w in kb.parse(question).words] == [lemma]


def test_a_resident_saying_information_is_seen_means_a_leak(kb):
    answer = ask(kb, "マイナンバーカードなくしたら保険の情報見られちゃう？")
    assert answer.kind == "answer" and answer.entry.source.item == "7"


def _every_rule(rules, term_set, key):
    return rules


@pytest.mark.parametrize("question", [
    "マイナンバーカードを落としたら保険の情報がもれる？", "ハードディスクはどう処分する", "マイナ保険証をなくした",
    "まいなほけんしょうをおとした", "紛失したカード", "ＨＤＤの破棄", "情報が漏れたら", "住民票の写しはどこ", "保",
])
def test_rules_are_looked_up_by_index_with_the_same_expansions_as_a_full_scan(kb, question, monkeypatch):
    indexed = parse_query(question, kb.rules)
    monkeypatch.setattr(kb_query, "_rules_that_may_match", _every_rule)
    assert parse_query(question, kb.rules) == indexed


@pytest.mark.parametrize("verb, noun", [("受け付ける", "受け付け"), ("申し込む", "申し込み"), ("取り扱う", "取り扱い"),
                                        ("届け出る", "届け出")])
def test_a_verb_stem_is_the_noun_notices_write(verb, noun):
    assert noun in kb_query.noun_forms(verb)


def test_short_verbs_make_no_noun_forms():
    assert kb_query.noun_forms("見る") == () and kb_query.noun_forms("乗る") == ()


def test_a_verb_the_kb_lacks_finds_its_noun_form(kb):
    # the overview says 受付 (the noun); residents ask with the verb
    parsed = kb.parse("意見はメール以外でも受け付けてた？")
    verb = next(w for w in parsed.words if w.term == "受け付ける")
    assert ("受け付け",) in verb.expansions
    assert kb.is_known(verb)
