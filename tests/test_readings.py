"""Words read by their sound (kb/readings.py): kana typed for the city's kanji, IME slips,
loanwords one letter off; and what a resident sees of it."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.answer import ask
from kb.readings import _one_edit, read_by_sound
from kb.textnorm import to_katakana

READINGS = {"ホケン": "保険", "ジョウホウ": "情報", "ニンショウ": "認証", "マイナンバーカード": "マイナンバーカード",
            "ミス": "ミス", "カイセン": "回線", "シタイ": "死体", "コート": "コート"}


def never_known(term: str) -> int:
    return 0


@pytest.mark.parametrize("typed, read", [
    ("まいなんばーかーどをなくしたらほけんのじょうほうはもれるの", "マイナンバーカードをなくしたら保険の情報はもれるの"),
    ("顔にんしょうのカードリーダー", "顔認証のカードリーダー"),
    ("うっかりみすで情報が漏れる", "うっかりミスで情報が漏れる"),  # a two-kana word needs a particle after it
])
def test_hiragana_runs_are_read_as_the_index_nouns(typed, read):
    assert read_by_sound(typed, READINGS, never_known) == read


def test_short_sounds_without_a_particle_are_left_alone():
    # ミス at the end of a run, or inside a word (みすてる), is not the noun
    assert read_by_sound("うっかりみす", READINGS, never_known) == "うっかりみす"
    assert read_by_sound("みすてる", READINGS, never_known) == "みすてる"


def test_grammar_is_never_read_as_a_noun_of_the_same_sound():
    # し+たい is not 死体, こと is not コート
    assert read_by_sound("申請をしたいのですが", READINGS, never_known) == "申請をしたいのですが"
    assert read_by_sound("そのことをききたい", READINGS, never_known) == "そのことをききたい"


def test_a_kanji_slip_is_read_as_the_index_word_of_the_same_sound():
    # 専用 + 回線 is a word an entry holds: 回戦 was a slip
    index_words = {"専用回線", "回線", "専用"}
    assert read_by_sound("専用回戦でつなぐ", READINGS, index_words.__contains__) == "専用回線でつなぐ"
    # or 専用 is held with 回線 by one entry (専用の回線)
    assert read_by_sound("専用回戦でつなぐ", READINGS, lambda term: term in {"専用", "回線"},
                         lambda a, b: {a, b} == {"専用", "回線"}) == "専用回線でつなぐ"
    # a sound-alike with no such neighbour is the resident's choice, never replaced
    assert read_by_sound("回戦でつなぐ", READINGS, index_words.__contains__) == "回戦でつなぐ"
    assert read_by_sound("最速で発行できる", {"サイソク": "催促"}, {"催促", "発行"}.__contains__,
                         lambda a, b: True) == "最速で発行できる"


KANA_OF = {"保険": "ほけん", "情報": "じょうほう", "認証": "にんしょう", "ミス": "みす", "回線": "かいせん"}
SOUNDS = {to_katakana(kana): noun for noun, kana in KANA_OF.items()}


@settings(max_examples=200, deadline=None)
@given(st.text(st.sampled_from(list("ほけんじょうにしみすのをはがでかいせ abc、？")), max_size=40))
def test_reading_by_sound_loses_and_invents_nothing(text):
    """Read back as kana, the nouns found give the text typed: only whole sounds are
    replaced, and nothing around them moves."""
    read = read_by_sound(text, SOUNDS, lambda term: 1)
    for noun, kana in KANA_OF.items():
        read = read.replace(noun, kana)
    # a loanword the dictionary knows is written in katakana: the same sounds
    assert "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in read) == text


@pytest.mark.parametrize("a, b, near", [
    ("セキュリテイ", "セキュリティ", True), ("カードリーダ", "カードリーダー", True),
    ("リスク", "リスク", False), ("カード", "コード", True), ("カード", "コーヒー", False),
])
def test_one_edit(a, b, near):
    assert _one_edit(a, b) is near and _one_edit(b, a) is near


@pytest.mark.parametrize("kana, kanji", [
    ("まいなんばーかーどをなくしたらほけんのじょうほうはもれるの", "マイナンバーカードをなくしたら保険の情報はもれるの"),
    ("かおにんしょうってなに", "顔認証ってなに"),
    ("はーどでぃすくはどうやってこわすの", "ハードディスクはどうやってこわすの"),
])
def test_kana_only_sentences_are_answered_like_their_kanji_form(kb, semantic_kb, kana, kanji):
    for index in (kb, semantic_kb):
        typed, written = ask(index, kana), ask(index, kanji)
        assert written.kind == "answer"
        assert typed.kind == "answer" and typed.entry.id == written.entry.id


@pytest.mark.parametrize("question, item", [
    ("顔にんしょうのカードリーダーって何のため", "1"),  # a kana run inside mixed text
    ("専用回戦でつないでいるの？", "7"),  # an IME slip of the same sound
])
def test_kana_runs_and_slips_inside_mixed_text_keep_the_right_entry(kb, semantic_kb, question, item):
    for index in (kb, semantic_kb):
        answer = ask(index, question)
        shown = answer.entry if answer.kind == "answer" else (answer.related[0] if answer.related else None)
        assert answer.kind in ("answer", "close") and shown.source.item == item
