"""Server-rendered pages, without JavaScript."""
from __future__ import annotations

import re

import pytest

from .conftest import entry_id
from .webapp_helpers import app_over_table


def text_of(response) -> str:
    text = response.get_data(as_text=True)
    response.close()  # static files hold an open file until closed
    return text


def test_lookup_page_shows_results_with_highlights_and_source(client):
    page = text_of(client.get("/?q=記憶装置"))
    assert '<html lang="ja">' in page
    assert "<mark>記憶装置</mark>" in page
    assert "No.4" in page and "2020年6月15日" in page
    assert f'href="/entries/{entry_id("4")}"' in page


def test_lookup_filters_by_topic_and_document(client):
    page = text_of(client.get("/?topic=委託"))
    assert page.count('class="result"') == 2
    assert "9件" in text_of(client.get("/?document=000_54ca3830d61bfcef"))


def test_lookup_pages_through_many_results(client):
    assert "9件" in text_of(client.get("/"))


def test_entry_permalink_prints_the_whole_answer(client):
    page = text_of(client.get(f"/entries/{entry_id('8')}"))
    assert "マイナンバーの適正管理に係る監視・監督の実施" in page
    assert "出典：札幌市「国民健康保険事務に関する" in page
    assert "@media print" in text_of(client.get("/static/lookup.css"))


def test_unknown_entry_page_is_a_plain_404(client):
    response = client.get("/entries/nosuch", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "見つかりませんでした" in text_of(response)


def test_widget_demo_embeds_the_widget(app):
    app.config["ALLOWED_HOSTS"] = ("*",)  # an operator who answers to any host: still never reflected
    page = text_of(app.test_client().get("/widget-demo", headers={"Host": "evil.example"}))
    assert '<script src="/static/widget.js" defer></script>' in page
    assert re.search(r'<kb-faq-widget endpoint=""></kb-faq-widget>', page)  # the widget's own origin
    assert "evil.example" not in page  # the Host header is never reflected


def test_widget_demo_snippet_uses_the_origin_it_was_served_from(client):
    """endpoint="" in a pasted snippet loads nothing from a city's page."""
    page = text_of(client.get("/widget-demo", base_url="http://127.0.0.1:5000"))
    assert '&lt;script src="http://127.0.0.1:5000/static/widget.js" defer&gt;' in page
    assert '&lt;kb-faq-widget endpoint="http://127.0.0.1:5000"&gt;' in page


def test_entry_pages_speak_to_residents_and_link_phone_numbers(tmp_path):
    app = app_over_table(tmp_path, "faq.csv", 'id,question,answer\n1,保険証をなくしたときは,'
                         '"窓口で再交付します。\n【お問い合わせ】\n国保年金課 電話：06-6489-6137"\n')
    response = app.test_client().get("/entries/faq.1")
    page = response.get_data(as_text=True)
    assert "職員用" not in page and "ご案内ください" not in page  # residents arrive here from search engines
    assert '<a href="tel:0664896137">06-6489-6137</a>' in page  # from the answer's 【お問い合わせ】 block


def test_widget_demo_snippet_uses_the_public_url(seed_index, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "PUBLIC_URL": "https://kb.city.example.jp/",
                      "ALLOWED_HOSTS": "*", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"})
    page = text_of(app.test_client().get("/widget-demo", headers={"Host": "evil.example"}))
    assert '&lt;script src="https://kb.city.example.jp/static/widget.js" defer&gt;' in page
    assert "evil.example" not in page


def test_personal_number_in_the_search_box_is_not_shown_back(client):
    page = text_of(client.get("/?q=1234 5678 9018 保険証"))
    assert "9018" not in page and "入力しないでください" in page


def test_html_in_a_query_is_shown_as_text(client):
    page = text_of(client.get("/?q=<script>alert(1)</script>"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_no_inline_script_in_pages(client):
    for path in ("/", f"/entries/{entry_id('1')}", "/widget-demo"):
        page = text_of(client.get(path))
        # JSON-LD is a data block for search engines, never executed
        assert not re.search(r"<script(?![^>]*\b(?:src=|type=\"application/ld\+json\"))[^>]*>", page), path
        assert not re.search(r"<[^>]+\son[a-z]+=", page), path  # no inline event handlers


def test_widget_stays_within_its_download_budget(app):
    from webapp.assets import WIDGET_BUDGET, gzipped_sizes

    assert sum(packed for _, packed in gzipped_sizes().values()) <= WIDGET_BUDGET
    result = app.test_cli_runner().invoke(args=["widget-size"])
    assert "widget.js:" in result.output and "within the 15 KB budget" in result.output


def test_markup_inside_an_entry_is_shown_as_text(tmp_path):
    app = app_over_table(tmp_path, "faq.csv",
                         'id,question,answer\n1,<script>alert(1)</script>保険証の質問,"<img src=x onerror=alert(1)>保険証の回答"\n')
    client = app.test_client()
    for path in ("/?q=保険証", "/entries/faq.1"):
        page = text_of(client.get(path))
        assert "<img src=x" not in page and "<script>alert" not in page
        assert "&lt;img src=x onerror=alert(1)&gt;" in page
    data = client.get("/api/entries/faq.1").get_json()
    assert data["answer"] == ["<img src=x onerror=alert(1)>保険証の回答"]  # verbatim in JSON; clients escape


@pytest.mark.parametrize("query", ["%00%07保険証", "保険証🙂👍", "ほけんしょう%CC%81%CC%88", "%FF%FE", "あ" * 500])
def test_odd_search_text_never_breaks_the_page(client, query):
    response = client.get(f"/?q={query}")
    assert response.status_code == 200 and "\x00" not in text_of(response)
