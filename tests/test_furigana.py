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
