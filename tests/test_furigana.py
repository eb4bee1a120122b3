"""Ruby readings for the widget's ふりがな toggle."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import furigana


@pytest.mark.parametrize("text, expected", [
    ("紛失した", [("紛失", "ふんしつ"), ("した", None)]),
    ("保険企画課", [("保険", "ほけん"), ("企画", "きかく"), ("課", "か")]),
    ("漏れ出る", [("漏", "も"), ("れ", None), ("出", "で"), ("る", None)]),
    ("マイナンバーカード", [("マイナンバーカード", None)]),
    ("2021年", [("2021", None), ("年", "ねん")]),
], ids=["okurigana-outside", "unit-by-unit", "kana-between-kanji", "katakana-only", "digits-bare"])
def test_readings_sit_over_the_kanji_only(text, expected):
    assert furigana(text) == expected


def test_readings_are_hiragana(seed_content):
    for entry in seed_content.entries:
        for paragraph in entry.answer:
            for surface, reading in furigana(paragraph):
                assert reading is None or all("ぁ" <= c <= "ゖ" or c == "ー" for c in reading), (surface, reading)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("保険証紛失はをしたカードＡ1２、。 々ー\n漢字かなカナ"), max_size=40))
def test_the_text_is_never_altered(text):
    assert "".join(surface for surface, _ in furigana(text)) == text


def _phrases(text: str) -> list[str]:
    from kb import furigana_phrases
    out: list[str] = []
    for surface, _, starts in furigana_phrases(text):
        if starts or not out:
            out.append(surface)
        else:
            out[-1] += surface
    return out


def test_phrases_keep_words_whole_and_particles_with_them():
    phrases = _phrases("マイナンバーカードを紛失したとしても、保険の情報が漏れることはありません。")
    assert phrases == ["マイナンバーカードを", "紛失したとしても、", "保険の", "情報が", "漏れる", "ことはありません。"]
    assert _phrases("「オンライン資格確認」を使います。") == ["「オンライン資格確認」を", "使います。"]


def test_the_api_marks_where_a_phrase_starts(client):
    from .conftest import entry_id
    data = client.get(f"/api/entries/{entry_id('7')}?furigana=1").get_json()
    pieces = [piece for paragraph in data["answer_ruby"] for piece in paragraph]
    assert any(piece["phrase"] for piece in pieces) and not pieces[0]["phrase"]
    assert "".join(piece["text"] for piece in data["answer_ruby"][0]) == data["answer"][0]
