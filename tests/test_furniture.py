"""The question frame is cut before the question is embedded (kb/furniture.py)."""
from __future__ import annotations

from hypothesis import given, strategies as st

from kb.furniture import MIN_LEFT, without_furniture


def test_politeness_and_question_frames_are_cut():
    assert without_furniture("生活保護の申請に必要なものを教えて頂けないでしょうか？") == "生活保護の申請に必要なもの"
    assert without_furniture("認知症の相談窓口はありますか？") == "認知症の相談窓口"
    assert without_furniture("すみません、国民健康保険料について知りたいのですが") == "国民健康保険料"
    assert without_furniture("所得証明はどうやって発行するんですか？") == "所得証明はどうやって発行する"


def test_what_the_question_is_about_is_left_alone():
    for question in ("マイナンバーカードを落としたら保険の情報がもれる？", "マイナ保険証", "HDDの廃棄方法",
                     "委託先から漏れたら誰が責任を取る"):
        assert without_furniture(question) == question


def test_a_frame_alone_is_not_cut_to_nothing():
    assert without_furniture("ありますか？") == "ありますか？"
    assert without_furniture("教えてください") == "教えてください"


HEADS = st.sampled_from(["", "すみません、", "すいません", "あの、", "えっと "])
TAILS = st.lists(st.sampled_from(["について", "を", "教えて", "ください", "頂けないでしょうか", "知りたい", "のですが",
                                  "はありますか", "ですか", "んですか", "？", "。", "!", " "]), max_size=5).map("".join)


@given(HEADS, st.text(max_size=30), TAILS)
def test_the_result_is_a_part_of_the_question_and_never_shorter_than_the_floor(head, body, tail):
    question = head + body + tail
    cut = without_furniture(question)
    assert cut in question
    assert len(cut) >= min(MIN_LEFT, len(question.strip()))
