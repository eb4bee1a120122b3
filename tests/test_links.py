"""Links and ids from content (issue 18, section 2 and "unsafe ids"): only http(s), mailto
and tel become links, at ingest and again where a page makes a link; ids stay one plain
URL path segment."""
from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from kb.errors import ContentError
from kb.indexer import build_index
from kb.ingest import load_content
from kb.links import safe_link

from .test_imports import PAGE_HEAD, write_workbook

UNSAFE = ["javascript:alert(document.domain)", " JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
          "java\nscript:alert(1)", "\x01javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
          "vbscript:msgbox(1)", "JAVASCRIPT:alert(1)", "\u3000javascript:alert(1)"]
SAFE = ["https://www.city.example.jp/faq/1.html", "http://www.city.example.jp/", "mailto:kokuho@city.example.jp",
        "tel:0112112111", " HTTPS://www.city.example.jp/ "]


def csv_row(path, url):
    path.write_text("id,question,answer,url\n" + "q1,保険証をなくしました,再発行できます。," + json.dumps(url) + "\n",
                    "utf-8")


@pytest.mark.parametrize("url", UNSAFE)
def test_an_unsafe_url_in_a_csv_stops_the_build_at_its_line(tmp_path, url):
    csv_row(tmp_path / "faq.csv", url)
    with pytest.raises(ContentError, match=r"faq\.csv:2: 'url': .*http://, https://, mailto: or tel:"):
        load_content([tmp_path / "faq.csv"])


@pytest.mark.parametrize("url", UNSAFE[:3] + ["data:text/html,x"])
def test_an_unsafe_url_in_jsonl_and_xlsx_stops_the_build_at_its_line(tmp_path, url):
    rows = [{"id": "1", "question": "保険料は？", "answer": "所得によります。"},
            {"id": "2", "question": "保険証をなくしました", "answer": "再発行できます。", "url": url}]
    (tmp_path / "faq.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    with pytest.raises(ContentError, match=r"faq\.jsonl:2: 'url'"):
        load_content([tmp_path / "faq.jsonl"])
    write_workbook(tmp_path / "sheet.xlsx", {"FAQ": [("id", "question", "answer", "url"), (),
                                                     ("1", "保険証をなくしました", "再発行できます。", url)]})
    with pytest.raises(ContentError, match=r"sheet\.xlsx:3: 'url'"):
        load_content([tmp_path / "sheet.xlsx"])


@pytest.mark.parametrize("url", SAFE)
def test_web_mail_and_phone_links_are_kept(tmp_path, url):
    csv_row(tmp_path / "faq.csv", url)
    assert load_content([tmp_path / "faq.csv"]).entries[0].source.url == url.strip()


def test_an_unsafe_canonical_link_in_a_saved_page_names_its_line(tmp_path):
    page = PAGE_HEAD.replace("https://www.city.example.jp/kokuho/faq.html", " JaVaScRiPt:alert(document.domain)")
    (tmp_path / "faq.html").write_text(page + "<p>Q．保険証は？</p><p>A．再発行します。</p></body></html>", "utf-8")
    with pytest.raises(ContentError, match=r"faq\.html:3: <link rel=canonical>: .*https://"):
        load_content([tmp_path / "faq.html"])
    # an editor's url in curated.toml replaces the page's own: then the page builds
    (tmp_path / "curated.toml").write_text('[documents."faq"]\nurl = "https://www.city.example.jp/faq.html"\n', "utf-8")
    assert load_content([tmp_path]).entries[0].source.url == "https://www.city.example.jp/faq.html"


def test_an_unsafe_document_url_in_curated_toml_names_its_line(tmp_path):
    csv_row(tmp_path / "faq.csv", "")
    (tmp_path / "curated.toml").write_text('# notes\n[documents."faq"]\nurl = "vbscript:msgbox(1)"\n', "utf-8")
    with pytest.raises(ContentError, match=r"curated\.toml:2: faq\.url: .*https://"):
        load_content([tmp_path])


def test_safe_link_reads_the_scheme_as_a_browser_does():
    assert [safe_link(url) for url in UNSAFE] == [None] * len(UNSAFE)
    assert [safe_link(url) for url in SAFE] == [url.strip() for url in SAFE]
    assert safe_link("/entries/1") is None and safe_link("") is None and safe_link(None) is None


@pytest.fixture
def unsafe_app(tmp_path):
    """An index made without ingest's check (an older build, another tool): entry 1's source
    URL and its document's contact URL are javascript: links."""
    from webapp import create_app

    (tmp_path / "faq.csv").write_text("id,question,answer\n1,保険証をなくしました,区役所で再発行します。\n", "utf-8")
    content = load_content([tmp_path / "faq.csv"])
    evil = "\tjavascript:alert(document.domain)"
    content = replace(
        content,
        documents=tuple(replace(d, url=evil, department="保険年金課", contact={"department": "保険年金課", "url": evil})
                        for d in content.documents),
        entries=tuple(replace(e, source=replace(e.source, url=evil)) for e in content.entries))
    build_index(content, tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    yield app
    app.extensions["kb_record_queue"].close()


def test_pages_never_link_to_an_unsafe_url_from_the_index(unsafe_app):
    client = unsafe_app.test_client()
    for path in ("/entries/faq.1", "/?q=保険証をなくしました"):
        page = client.get(path).get_data(as_text=True)
        assert "区役所で再発行します" in page
        hrefs = re.findall(r'href="([^"]*)"', page)
        assert hrefs and not [h for h in hrefs if "script" in h.lower()], hrefs
        assert "公表ページ" not in page  # no link to offer


def test_the_api_never_offers_an_unsafe_url_from_the_index(unsafe_app):
    client = unsafe_app.test_client()
    entry = client.get("/api/entries/faq.1").get_json()
    answer = client.post("/api/ask", json={"question": "保険証をなくしました"}).get_json()
    assert answer["kind"] == "answer"
    for record in (entry, answer["answer"]):
        assert record["source"]["url"] is None
        assert record["contact_info"]["url"] is None and record["contact_info"]["department"] == "保険年金課"
    assert "javascript" not in json.dumps([entry, answer]).lower()


@pytest.mark.parametrize("bad_id", ["x/../../editor/unanswered", "..", "a b", "a\tb", "a/b", "q..1", "１\u0000"])
def test_an_id_that_is_not_one_plain_path_segment_names_its_line(tmp_path, bad_id):
    (tmp_path / "faq.csv").write_text("id,question,answer\nok-1,質問,答え\n" + json.dumps(bad_id) + ",質問2,答え2\n",
                                      "utf-8")
    with pytest.raises(ContentError, match=r"faq\.csv:3: id .* letters, digits"):
        load_content([tmp_path / "faq.csv"])


def test_a_file_name_that_cannot_be_a_document_id_is_refused(tmp_path):
    (tmp_path / "国保 FAQ.csv").write_text("id,question,answer\n1,質問,答え\n", "utf-8")
    with pytest.raises(ContentError, match=r"国保 FAQ\.csv: the file name .*rename the file"):
        load_content([tmp_path])


def test_plain_ids_in_any_script_build(tmp_path):
    (tmp_path / "国保_よくある質問-2024.v2.csv").write_text(
        "id,question,answer\nQ-1,質問,答え\nよくある質問_2.b,質問2,答え2\n7,質問3,答え3\n", "utf-8")
    ids = [e.id for e in load_content([tmp_path]).entries]
    assert ids == ["国保_よくある質問-2024.v2.Q-1", "国保_よくある質問-2024.v2.よくある質問_2.b", "国保_よくある質問-2024.v2.7"]



def test_the_templates_link_only_to_safe_urls(app):
    """The templates check again, whatever view they are given."""
    macros = app.jinja_env.get_template("macros.html").module
    with app.test_request_context():
        for url in UNSAFE:
            entry = {"citation": "札幌市「FAQ」No.1", "source": {"url": url}}
            assert "href" not in str(macros.source_line(entry))
            assert "href" not in str(macros.contact_block({"department": "保険年金課", "url": url, "lines": []}))
        assert 'href="https://www.city.example.jp/"' in str(
            macros.source_line({"citation": "c", "source": {"url": " https://www.city.example.jp/"}}))
