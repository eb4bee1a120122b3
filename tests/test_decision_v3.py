"""The answer decision on content it was not fitted on, and the three outcomes a resident
can trust: answer (the city's text answers), close (not sure: the nearest entries shown as
related text), no_answer."""
from __future__ import annotations

import shutil

import pytest
from openpyxl import Workbook

from kb.answer import ask
from kb.encoder import load_encoder
from kb.indexer import build_index
from kb.ingest import load_content
from kb.search import KnowledgeBase

from .conftest import CONTENT

ROWS = [
    ("id", "question", "answer", "category"),
    ("1", "国民健康保険料はコンビニエンスストアで納付できますか",
     "納付書にバーコードが印刷されているものは、全国の主なコンビニエンスストアで納付できます。", "国保"),
    ("2", "国民健康保険の加入手続きに必要なものは何ですか",
     "本人確認書類と、以前の保険の資格がなくなったことがわかる書類をお持ちください。", "国保"),
]


@pytest.fixture(scope="module", params=["lexical", "semantic"])
def imported(request, tmp_path_factory):
    """The seed content plus a city's FAQ sheet (XLSX), built on each path."""
    folder = tmp_path_factory.mktemp("imported")
    content = folder / "content"
    shutil.copytree(CONTENT, content)
    book = Workbook()
    sheet = book.active
    for row in ROWS:
        sheet.append(row)
    book.save(content / "faq.xlsx")
    build_index(load_content([content]), folder / "index",
                encoder=load_encoder("on") if request.param == "semantic" else None)
    return KnowledgeBase.open(folder / "index")


def test_a_plain_paraphrase_of_an_imported_row_is_answered(imported):
    # コンビニ/コンビニエンスストア, 国保/国民健康保険(料), 払う/納付: none of the resident's words is the row's
    answer = ask(imported, "コンビニで国保の保険料を払えますか")
    assert answer.kind == "answer" and answer.entry.question == ROWS[1][1]


def test_the_same_subject_is_not_an_answer_to_another_question(imported):
    answer = ask(imported, "コンビニで住民票はとれますか")
    assert not answer.answered


@pytest.mark.parametrize("keyword, item", [("なりすまし", "1"), ("データ", "4")])
def test_a_lone_keyword_one_entry_is_plainly_about_is_answered(kb, semantic_kb, keyword, item):
    for index in (kb, semantic_kb):
        answer = ask(index, keyword)
        assert answer.kind == "answer" and answer.entry.source.item == item


@pytest.mark.parametrize("keyword", ["保険", "ほけん", "委託", "カード"])
def test_a_lone_keyword_several_entries_hold_gets_close_with_them(kb, keyword):
    answer = ask(kb, keyword)
    assert answer.kind == "close" and not answer.answered and answer.entry is None
    assert 1 <= len(answer.related) <= 3
    assert answer.message.startswith("ご質問に直接お答えする回答は見つかりませんでした")


@pytest.mark.parametrize("question", ["リスク管理はどうなってるの", "まいなんばーかーどってなに", "セキュリティは大丈夫？"])
def test_a_real_sentence_is_never_too_short(kb, question):
    assert ask(kb, question).kind != "too_short"


def test_what_only_an_opinion_says_is_not_evidence(kb):
    # 給付金 and 2021年3月 are in the resident's opinion of No.1, not in the city's answer
    answer = ask(kb, "特別定額給付金のなりすまし事件はその後どうなったの")
    assert not answer.answered
    features = answer.extra["features"]
    assert features["city_coverage"] < features["coverage"]


def test_close_shows_the_nearest_entries_and_the_contact(kb):
    answer = ask(kb, "委託")
    assert answer.kind == "close" and answer.contact and "保険企画課" in answer.contact
    assert {e.source.item for e in answer.related} <= {"3", "5"}
