"""What cities publish, imported as it is: Excel sheets, Shift_JIS CSV, saved FAQ pages,
and the stricter CSV checks."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from kb.errors import ContentError
from kb.ingest import load_content

ROWS = [
    ("id", "question", "answer", "category", "updated"),
    ("1", "保険証をなくしました", "再発行できます。＜改＞【お問い合わせ】保険年金課", "国保", "令和6年12月2日"),
    ("2", "保険料はいくらですか", "所得によります。", "国保", "2024-04-01"),
]


def entries_of(*paths):
    return {e.id: e for e in load_content(paths).entries}


def write_workbook(path, sheets: dict[str, list[tuple]]):
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)


def test_xlsx_first_sheet_reads_like_csv(tmp_path):
    write_workbook(tmp_path / "faq.xlsx", {"FAQ": ROWS, "メモ": [("memo",)]})
    entries = entries_of(tmp_path / "faq.xlsx")
    assert list(entries) == ["faq.1", "faq.2"]
    first = entries["faq.1"]
    assert first.answer == ("再発行できます。",) and first.contact == ("保険年金課",)
    assert first.source.date == "2024-12-02" and first.topics == ("国保",)


def test_xlsx_named_sheet_from_curated_toml(tmp_path):
    write_workbook(tmp_path / "faq.xlsx", {"表紙": [("市のよくある質問",)], "FAQ": ROWS})
    (tmp_path / "curated.toml").write_text('[documents."faq"]\nsheet = "FAQ"\npublisher = "札幌市"\ntitle = "よくある質問"\n', "utf-8")
    content = load_content([tmp_path])
    assert [e.question for e in content.entries] == ["保険証をなくしました", "保険料はいくらですか"]
    assert content.entries[0].source.publisher == "札幌市"
    assert any("read sheet 'FAQ'" in note for note in content.notes)


def test_xlsx_unknown_sheet_names_the_sheets(tmp_path):
    write_workbook(tmp_path / "faq.xlsx", {"FAQ": ROWS})
    (tmp_path / "curated.toml").write_text('[documents."faq"]\nsheet = "質問"\n', "utf-8")
    with pytest.raises(ContentError, match="no sheet named '質問'; the sheets are: FAQ"):
        load_content([tmp_path])


def test_xlsx_dates_and_numbers_as_a_person_sees_them(tmp_path):
    from datetime import datetime
    write_workbook(tmp_path / "faq.xlsx", {"FAQ": [ROWS[0], (7, "質問", "答え。", None, datetime(2024, 5, 1))]})
    entry = entries_of(tmp_path / "faq.xlsx")["faq.7"]
    assert entry.source.item == "7" and entry.source.date == "2024-05-01"


def test_cp932_csv_is_read_and_reported(tmp_path):
    text = "id,question,answer\n1,髙橋さんの保険証①はどこ,区役所で再発行します。\n"
    (tmp_path / "faq.csv").write_bytes(text.encode("cp932"))
    content = load_content([tmp_path / "faq.csv"])
    assert content.entries[0].question == "髙橋さんの保険証①はどこ"
    assert any("read as Shift_JIS (cp932)" in note for note in content.notes)


def test_utf8_csv_is_not_reported_as_shift_jis(tmp_path):
    (tmp_path / "faq.csv").write_text("id,question,answer\n1,質問,答え\n", "utf-8")
    assert not any("Shift_JIS" in note for note in load_content([tmp_path / "faq.csv"]).notes)


def test_undecodable_csv_names_the_line(tmp_path):
    (tmp_path / "faq.csv").write_bytes(b"id,question,answer\n1,\x82\xa0,ok\n2,\x81\x7f,x\n")
    with pytest.raises(ContentError, match=r"faq.csv:3: neither UTF-8 nor Shift_JIS"):
        load_content([tmp_path / "faq.csv"])


@pytest.mark.parametrize("text, line", [
    pytest.param('id,question,answer\nq1,質問1,"答え1\nq2,質問2,答え2\nq3,質問3,"答え3"\n', 2, id="swallows-next-rows"),
    pytest.param('id,question,answer\nq1,質問1,答え1\nq2,質問2,"答え2\nq3,質問3,答え3\n', 3, id="runs-to-the-end"),
])
def test_unclosed_quote_stops_with_file_and_line(tmp_path, text, line):
    (tmp_path / "faq.csv").write_text(text, "utf-8")
    with pytest.raises(ContentError, match=rf"faq.csv:{line}: unclosed quote"):
        load_content([tmp_path / "faq.csv"])


def test_quoted_answer_over_several_lines_is_fine(tmp_path):
    (tmp_path / "faq.csv").write_text('id,question,answer\nq1,質問1,"答え1\n続き"\nq2,質問2,答え2\n', "utf-8")
    assert [e.id for e in load_content([tmp_path / "faq.csv"]).entries] == ["faq.q1", "faq.q2"]


def test_unquoted_comma_is_an_error_on_its_line(tmp_path):
    (tmp_path / "faq.csv").write_text("id,question,answer\nq1,質問1,答え1\nq2,質問2,はい,いいえ\n", "utf-8")
    with pytest.raises(ContentError, match=r"faq.csv:3: 4 fields but the header names 3"):
        load_content([tmp_path / "faq.csv"])


def test_unknown_columns_and_missing_metadata_are_reported(tmp_path):
    (tmp_path / "faq.csv").write_text("id,question,answer,担当\nq1,質問1,答え1,保険年金課\n", "utf-8")
    notes = load_content([tmp_path / "faq.csv"]).notes
    assert any("column(s) not read: 担当" in n for n in notes)
    assert any('no publisher; set it in curated.toml: [documents."faq"] publisher' in n for n in notes)
    assert any('no title; set it in curated.toml: [documents."faq"] title' in n for n in notes)


PAGE_HEAD = """<!doctype html><html lang="ja"><head><meta charset="utf-8">
<title>国民健康保険のよくある質問｜札幌市</title>
<link rel="canonical" href="https://www.city.example.jp/kokuho/faq.html">
<meta property="og:site_name" content="札幌市"><script>var x = "Q．スクリプト";</script></head><body>
<h1>国民健康保険のよくある質問</h1><p class="update">更新日：令和6年4月1日</p>"""

PAGES = {
    "qa-paragraphs": """<div class="faq"><p>Q．保険証をなくしたときは？</p><p>A．区役所で再発行します。</p>
        <p>本人確認書類をお持ちください。</p><p>Q2．保険料の納め方は？</p><p>A2．口座振替が便利です。</p></div>""",
    "dl": """<dl><dt>保険証をなくしたときは？</dt><dd><p>区役所で再発行します。</p><p>本人確認書類をお持ちください。</p></dd>
        <dt>保険料の納め方は？</dt><dd>口座振替が便利です。</dd></dl>""",
    "headings": """<h2>保険証をなくしたときは？</h2><p>区役所で再発行します。<br>本人確認書類をお持ちください。</p>
        <h2>関連リンク</h2><p>ほかのページ</p><h3>保険料の納め方は？</h3><ul><li>口座振替が便利です。</li></ul>""",
}


@pytest.mark.parametrize("body", PAGES.values(), ids=PAGES.keys())
def test_faq_page_shapes(tmp_path, body):
    (tmp_path / "faq.html").write_text(PAGE_HEAD + body + "</body></html>", "utf-8")
    content = load_content([tmp_path / "faq.html"])
    assert [(e.question.removesuffix("？"), e.answer) for e in content.entries] == [
        ("保険証をなくしたときは", ("区役所で再発行します。", "本人確認書類をお持ちください。")),
        ("保険料の納め方は", ("口座振替が便利です。",)),
    ]
    document = content.documents[0]
    assert (document.title, document.publisher, document.url, document.date) == (
        "国民健康保険のよくある質問｜札幌市", "札幌市", "https://www.city.example.jp/kokuho/faq.html", "2024-04-01")
    assert content.entries[1].source.url == document.url and content.entries[1].source.item == "2"


def test_page_without_questions_is_an_error(tmp_path):
    (tmp_path / "faq.html").write_text(PAGE_HEAD + "<p>お知らせ</p></body></html>", "utf-8")
    with pytest.raises(ContentError, match="no questions found"):
        load_content([tmp_path / "faq.html"])


def test_page_date_from_time_element_and_curated_title_wins(tmp_path):
    page = "<html><head><title>FAQ</title></head><body><time datetime='2025-02-03'>2月3日</time><dl><dt>問い</dt><dd>答え</dd></dl></body></html>"
    (tmp_path / "faq.html").write_text(page, "utf-8")
    (tmp_path / "curated.toml").write_text('[documents."faq"]\ntitle = "市のFAQ"\n', "utf-8")
    content = load_content([tmp_path])
    assert (content.documents[0].title, content.documents[0].date) == ("市のFAQ", "2025-02-03")


FIELD = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")) | st.sampled_from('",\n\r　'), max_size=30)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(rows=st.lists(st.tuples(FIELD.filter(str.strip), FIELD.filter(str.strip)), min_size=1, max_size=5))
def test_any_csv_excel_writes_is_read_back_as_written(tmp_path_factory, rows):
    """Strict quoting rejects no file a CSV writer produces: commas, quotes, line breaks."""
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "question", "answer"])
    writer.writerows((f"q{n}", question, answer) for n, (question, answer) in enumerate(rows))
    path = tmp_path_factory.mktemp("csv") / "faq.csv"
    path.write_bytes(out.getvalue().encode("utf-8"))
    entries = load_content([path]).entries
    assert [e.question for e in entries] == [q.strip() for q, _ in rows]
