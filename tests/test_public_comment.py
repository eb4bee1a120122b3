"""The public-comment results parser, on the real seed document and on broken copies."""
from __future__ import annotations

import pytest

from kb.errors import ContentError
from kb.ingest import load_content

from .conftest import SEED, entry_id


@pytest.fixture(scope="module")
def seed(seed_content):
    document = next(d for d in seed_content.documents if d.kind == "public_comment")
    entries = {e.id: e for e in seed_content.entries if e.source.document_id == document.id}
    return document, entries


def test_every_table_row_and_the_overview_become_entries(seed):
    _, entries = seed
    assert sorted(e.source.item for e in entries.values()) == sorted(["overview", *map(str, range(1, 9))])


def test_row_cut_by_a_page_break_is_joined_into_one_paragraph(seed):
    _, entries = seed
    row4 = entries[entry_id("4")]
    assert len(row4.answer) == 2
    assert "ハンマー、ドリル等による物理的な破碎" in row4.answer[0]
    assert row4.answer[0].endswith("破壊することとしています。")


def test_row_8_is_joined_across_the_break_mid_word(seed):
    _, entries = seed
    row8 = entries[entry_id("8")]
    assert "マイナンバーの適正管理に係る監視・監督の実施" in row8.answer[1]
    assert len(row8.answer) == 3


def test_answers_keep_paragraphs_and_no_markup(seed):
    _, entries = seed
    assert len(entries[entry_id("1")].answer) == 3
    for entry in entries.values():
        for paragraph in (entry.question, *entry.answer):
            assert "<" not in paragraph and ">" not in paragraph


@pytest.mark.parametrize("item, verbatim", [
    ("1", "多大な個人情報をつなぐれば"),  # the published typo stays
    ("4", "磁氣的に破壊"),  # old kanji stays in the displayed text
    ("8", "①個人情報情報の分散管理"),
])
def test_text_is_kept_exactly_as_published(seed, item, verbatim):
    _, entries = seed
    entry = entries[entry_id(item)]
    assert verbatim in entry.question + entry.answer_text


def test_document_metadata(seed):
    document, _ = seed
    assert document.title == "国民健康保険事務に関する特定個人情報保護評価書について寄せられた ご意見と本市の考え方"
    assert (document.publisher, document.department) == ("札幌市", "保健福祉局保険医療部保険企画課")
    assert document.url == "http://www.city.sapporo.jp/hoken-iryo/kokuho/pia_saihyoka3.html"
    assert (document.period_start, document.period_end) == ("2020-06-15", "2020-07-14")
    assert document.counts["submitters"] == 1 and document.counts["opinions"] == 11
    assert document.counts["breakdown"]["電子メール"] == 1


def test_overview_entry_answers_the_consultation_period(seed):
    _, entries = seed
    overview = entries[entry_id("overview")]
    assert "令和2年6月15日（月）～令和2年7月14日（火）" in overview.answer
    assert overview.source.item == "overview"


def test_every_entry_cites_document_item_and_url(seed):
    document, entries = seed
    for entry in entries.values():
        assert entry.source.document_id == document.id
        assert entry.source.url == document.url
        assert entry.id == entry_id(entry.source.item)


def _broken(tmp_path, transform) -> object:
    lines = SEED.read_text("utf-8").splitlines()
    path = tmp_path / "broken.txt"
    path.write_text("\n".join(transform(lines)) + "\n", "utf-8")
    return path


def _line_of(lines, prefix):
    return next(i for i, line in enumerate(lines) if line.startswith(prefix))


@pytest.mark.parametrize("name, transform, message", [
    ("missing cell", lambda ls: [l if not l.startswith("5\t") else l.rsplit("\t", 1)[0] for l in ls], "expected 3"),
    ("duplicate No.", lambda ls: [l if not l.startswith("6\t") else "5" + l[1:] for l in ls], "appears twice"),
    ("unclosed <p>", lambda ls: [l if not l.startswith("2\t") else l.replace("</p>", "", 1) for l in ls], "outside <p>"),
    ("letters in No.", lambda ls: [l if not l.startswith("3\t") else "三" + l[1:] for l in ls], "must be a number"),
])
def test_malformed_rows_are_reported_with_file_and_line(tmp_path, name, transform, message):
    lines = SEED.read_text("utf-8").splitlines()
    path = _broken(tmp_path, transform)
    expected_line = {"missing cell": "5\t", "duplicate No.": "6\t", "unclosed <p>": "2\t", "letters in No.": "3\t"}[name]
    with pytest.raises(ContentError) as error:
        load_content([path])
    assert error.value.path == str(path)
    assert error.value.line == _line_of(lines, expected_line) + 1
    assert message in error.value.message


def test_a_bad_period_is_reported_on_its_line(tmp_path):
    path = _broken(tmp_path, lambda ls: [l.replace("令和2年7月14日（火）", "未定") for l in ls])
    with pytest.raises(ContentError, match=r"broken.txt:7: 募集期間"):
        load_content([path])


def test_a_document_without_table_is_rejected(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("お知らせ\n\n本文だけの文書です。\n", "utf-8")
    with pytest.raises(ContentError, match="no opinions table"):
        load_content([path])
