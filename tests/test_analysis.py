"""Japanese normalisation and analysis: what a resident's spelling must still find."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.analysis import BigramTokenizer, JapaneseTokenizer, entry_terms
from kb.textnorm import is_kana_only, normalize, normalize_with_offsets, to_katakana, variant_table

from .conftest import entry_id


def terms(text):
    return [t.text for t in JapaneseTokenizer()(text)]


@pytest.mark.parametrize("variant, standard", [
    ("磁氣", "磁気"), ("破碎", "破砕"), ("國民健康保險", "国民健康保険"), ("個人情報の漏洩", "個人情報の漏えい"),
    ("ＦＡＸ", "FAX"), ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ", "マイナンバーカード"), ("髙橋", "高橋"), ("齋藤", "斎藤"),
    # a noun written in kana is one word in either script (Sudachi keeps each as written)
    ("ゴミの出し方", "ごみの出し方"), ("粗大ゴミ", "粗大ごみ"), ("ネコを飼う", "ねこを飼う"),
])
def test_variants_index_as_the_standard_form(variant, standard):
    assert terms(variant) == terms(standard)


def test_variant_table_is_a_real_table():
    table = variant_table()
    assert len(table) > 300
    assert table["氣"] == "気" and table["碎"] == "砕" and table["藝"] == "芸"
    assert all(len(k) == 1 and len(v) == 1 and k != v for k, v in table.items())


def test_normalize_folds_width_case_and_spaces():
    assert normalize("ＨＤＤ　の　破棄") == "hdd の 破棄"
    assert normalize("ｶｰﾄﾞ") == "カード"


def test_mode_c_words_carry_their_a_subunits():
    assert terms("情報漏えい") == ["情報漏洩", "情報", "漏洩"]


def test_particles_auxiliaries_and_symbols_are_dropped():
    assert terms("カードをなくしても保険の情報は漏れないの？") == ["カード", "なくす", "保険", "情報", "漏れる"]


def test_kana_folding_keeps_verbs_and_stop_words_as_they_were():
    assert terms("ごみをなくした") == ["ゴミ", "なくす"]  # verbs keep Sudachi's form
    assert terms("ゴミのこと") == terms("ゴミのコト") == ["ゴミ"]  # こと/コト stay stop words


def test_offsets_point_into_the_verbatim_text():
    text = "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞを磁氣で"
    spans = [text[t.startchar:t.endchar] for t in JapaneseTokenizer()(text, chars=True)]
    assert spans[0] == "ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ" and "磁氣" in spans


def test_bigrams_fold_kana_for_unknown_words():
    assert [t.text for t in BigramTokenizer()("まいな")] == [t.text for t in BigramTokenizer()("マイナ")]


def test_kana_helpers():
    assert to_katakana("まいなんばー") == "マイナンバー"
    assert is_kana_only("はーどでぃすく") and not is_kana_only("HDD はき")


@pytest.mark.parametrize("query, item", [
    ("漏洩", "3"),  # 漏洩 finds 漏洩/情報漏えい entries
    ("磁氣", "4"),
    ("破碎", "4"),
    ("ＨＤＤ", "4"),
    ("ﾏｲﾅﾝﾊﾞｰｶｰﾄﾞ ﾌﾝｼﾂ", "7"),
    ("まいなんばーかーど　ふんしつ", "7"),
    ("はーどでぃすく", "4"),
    ("まいなほけんしょう なりすまし", "1"),
    ("ｈｄｄ　はき", "4"),
    ("じきてき はかい", "4"),  # a compound spelled in kana, matched across word boundaries
    ("いけんぼしゅう きかん", "overview"),
])
def test_spellings_find_the_entry(kb, query, item):
    found = [h.entry.id for h in kb.search(query, limit=3)]
    assert entry_id(item) in found


def test_entry_terms_cover_both_levels():
    assert {"情報漏洩", "漏洩", "情報"} <= entry_terms("情報漏えい・流失の危険")


@given(st.text(alphabet=st.sampled_from("ｶﾞﾊﾟﾊﾞｱいろはABCａｂｃ１２磁氣髙㍻ﬁ①\u3099 。、"), max_size=30))
def test_every_normalised_char_points_back_at_the_chars_it_came_from(text):
    norm = normalize_with_offsets(text)
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    assert all(0 <= start < end <= len(text) for start, end in zip(norm.starts, norm.ends))
    assert norm.starts == sorted(norm.starts)
    pieces = "".join(normalize_with_offsets(text[start:end]).text for start, end in dict.fromkeys(zip(norm.starts, norm.ends)))
    assert pieces == norm.text  # each span normalised alone gives the same chars
