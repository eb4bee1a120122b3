"""FAQ tables (CSV / JSONL open data), on the real Amagasaki export and small files."""
from __future__ import annotations

import json

import pytest

from kb.errors import ContentError
from kb.ingest import load_content

from .conftest import AMAGASAKI, needs_shared


@pytest.fixture(scope="module")
def amagasaki():
    return load_content([AMAGASAKI])


@needs_shared(AMAGASAKI)
def test_every_row_of_the_export_becomes_an_entry(amagasaki):
    assert len(amagasaki.entries) == 1786
    assert {e.source.item for e in amagasaki.entries} == {str(i) for i in range(1786)}


@needs_shared(AMAGASAKI)
def test_page_furniture_is_structure_not_answer_text(amagasaki):
    for entry in amagasaki.entries:
        for paragraph in entry.answer:
            assert "＜改＞" not in paragraph and "【関連するＦＡＱ】" not in paragraph
            assert not paragraph.startswith("■")
    with_related = [e for e in amagasaki.entries if e.related]
    assert len(with_related) > 300  # 362 answers carry a related-FAQ list


@needs_shared(AMAGASAKI)
def test_related_titles_link_to_the_entries_they_name(amagasaki):
    entry = next(e for e in amagasaki.entries if e.source.item == "1")
    assert entry.related[0].title == "地域総合センターについて知りたい"
    target = next(e for e in amagasaki.entries if e.id == entry.related[0].entry_id)
    assert target.question.startswith("地域総合センターについて知りたい")
    assert entry.contact == ("地域総合センター今北", "尼崎市西立花町３丁目１４－１", "電話０６－６４１６－５７２９")


@needs_shared(AMAGASAKI)
def test_category_tag_becomes_a_topic(amagasaki):
    tagged = [e for e in amagasaki.entries if e.category == "国保"]
    assert len(tagged) == 58 and all(e.topics == ("国保",) for e in tagged)


def test_csv_with_optional_columns(tmp_path):
    path = tmp_path / "faq.csv"
    path.write_text(
        "id,question,answer,category,alternates,url,updated\n"
        'q1,保険証をなくしました,"■再発行できます。＜改＞。【関連するＦＡＱ】。保険料はいくらですか",国保,保険証の紛失|保険証を落とした,https://example.jp/q1,令和6年12月2日\n'
        "q2,保険料はいくらですか,所得によります。,国保,,,2024-04-01\n",
        "utf-8",
    )
    entries = {e.id: e for e in load_content([path]).entries}
    first = entries["faq.q1"]
    assert first.answer == ("再発行できます。",)
    assert first.alternates == ("保険証の紛失", "保険証を落とした")
    assert first.related[0].entry_id == "faq.q2"
    assert (first.source.url, first.source.date) == ("https://example.jp/q1", "2024-12-02")
    assert entries["faq.q2"].source.date == "2024-04-01"


@pytest.mark.parametrize("lines, line, message", [
    (['{"id": "1", "question": "q", "answer": "a"}', '{"id": "1", "question": "q2", "answer": "a"}'], 2, "already used"),
    (['{"id": "1", "question": "q", "answer": "a"}', '{"id": "2", "question": "q"'], 2, "not valid JSON"),
    (['{"id": "1", "question": "", "answer": "a"}'], 1, "'question'"),
    (['["not", "an", "object"]'], 1, "JSON object"),
    (['{"id": "1", "question": "q", "answer": "a", "updated": "いつか"}'], 1, "not a date"),
])
def test_bad_rows_name_file_and_line(tmp_path, lines, line, message):
    path = tmp_path / "faq.jsonl"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    with pytest.raises(ContentError) as error:
        load_content([path])
    assert (error.value.path, error.value.line) == (str(path), line)
    assert message in error.value.message


def test_csv_without_required_column(tmp_path):
    path = tmp_path / "faq.csv"
    path.write_text("id,question\n1,q\n", "utf-8")
    with pytest.raises(ContentError, match="faq.csv:1: the header lacks the column"):
        load_content([path])


def test_not_utf8_is_reported(tmp_path):
    path = tmp_path / "faq.jsonl"
    path.write_bytes(json.dumps({"id": "1", "question": "質問", "answer": "回答"}, ensure_ascii=False).encode("cp932") + b"\n")
    with pytest.raises(ContentError, match="not UTF-8"):
        load_content([path])
