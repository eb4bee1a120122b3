"""Personal data is masked before search, logging and storage."""
from __future__ import annotations

import re

import pytest

from kb.privacy import MARKERS, is_valid_corporate_number, is_valid_my_number, mask_personal_data

VALID_MY_NUMBER = "123456789018"  # check digit 8 by the official rule


@pytest.mark.parametrize("digits, valid", [
    (VALID_MY_NUMBER, True),
    ("123456789012", False),
    ("000000000000", True),  # remainder 0 → check digit 0
    ("98765432101", False),  # 11 digits
    ("12345678901a", False),
])
def test_my_number_check_digit(digits, valid):
    assert is_valid_my_number(digits) is valid


def test_corporate_number_check_digit():
    assert is_valid_corporate_number("7000012050002")  # the National Tax Agency's own number
    assert not is_valid_corporate_number("1000012050002")


@pytest.mark.parametrize("text, kind, marker_kind", [
    ("私のマイナンバーは1234 5678 9018ですが", "my_number", "my_number"),
    ("個人番号は１２３４－５６７８－９０１８です", "my_number", "my_number"),
    ("これ123456789012を使う", "number", "number"),  # 12 digits, bad check digit: masked all the same
    ("法人番号7000012050002の会社", "corporate_number", "corporate_number"),
    ("電話は011-211-2111です", "phone", "phone"),
    ("携帯０９０－１２３４－５６７８まで", "phone", "phone"),
    ("taro.yamada@example.jp に返事を", "email", "email"),
    ("保険者番号 01234567 です", "insurance", "insurance"),
    ("保険証の記号 12-34 番号 567", "insurance", "insurance"),
])
def test_personal_data_is_replaced_by_a_marker(text, kind, marker_kind):
    masked = mask_personal_data(text)
    assert kind in masked.found
    assert MARKERS[marker_kind] in masked.text
    assert not re.search(r"[0-9０-９]{2,}", masked.text) and "example.jp" not in masked.text
    assert masked.notice and "入力しないでください" in masked.notice


@pytest.mark.parametrize("text", ["令和2年6月15日の募集", "平成29年の変更", "2024-12-02から使えない？", "No.4 の回答", "1人"])
def test_dates_and_small_numbers_are_left_alone(text):
    masked = mask_personal_data(text)
    assert masked.text == text and masked.found == () and masked.notice is None


def test_search_text_drops_markers():
    masked = mask_personal_data("マイナンバー123456789018をなくしました")
    assert "番号" not in masked.search_text and "なくしました" in masked.search_text


def test_the_rest_of_the_question_is_still_answered(kb):
    from kb.answer import ask
    masked = mask_personal_data("私のマイナンバーは1234 5678 9018ですが、カードをなくしても保険の情報は漏れないの？")
    answer = ask(kb, masked.search_text)
    assert answer.answered and answer.entry.source.item == "7"
