"""Findable from search engines: FAQPage JSON-LD, canonical links, sitemap, robots.txt."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from .conftest import entry_id

# schema.org types and the properties search engines require for an FAQ rich result.
REQUIRED = {
    "FAQPage": {"mainEntity"},
    "Question": {"name", "acceptedAnswer"},
    "Answer": {"text"},
}
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def structured_data(page: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def assert_required_properties(node):
    """Every typed node carries the properties its type requires, non-empty."""
    if isinstance(node, list):
        for item in node:
            assert_required_properties(item)
    elif isinstance(node, dict):
        for name in REQUIRED.get(node.get("@type"), ()):
            assert node.get(name), f"{node.get('@type')} lacks {name}"
        for value in node.values():
            assert_required_properties(value)


@pytest.fixture
def public_app(app):
    app.config["PUBLIC_URL"] = "https://kb.example.jp/"
    return app


def test_entry_page_carries_faqpage_json_ld(public_app, kb):
    page = public_app.test_client().get(f"/entries/{entry_id('4')}").get_data(as_text=True)
    data = structured_data(page)
    assert data["@context"] == "https://schema.org" and data["@type"] == "FAQPage"
    assert_required_properties(data)
    question = data["mainEntity"][0]
    entry = kb.entries[entry_id("4")]
    assert question["@type"] == "Question" and question["name"] == entry.question
    assert question["acceptedAnswer"]["@type"] == "Answer" and question["acceptedAnswer"]["text"] == entry.answer_text
    assert data["url"] == f"https://kb.example.jp/entries/{entry_id('4')}"


def test_canonical_link_uses_the_public_url(public_app):
    page = public_app.test_client().get(f"/entries/{entry_id('1')}").get_data(as_text=True)
    assert f'<link rel="canonical" href="https://kb.example.jp/entries/{entry_id("1")}">' in page


def test_markup_in_an_answer_cannot_close_the_data_block(tmp_path):
    from kb.indexer import build_index
    from kb.ingest import load_content
    from webapp import create_app

    (tmp_path / "faq.csv").write_text('id,question,answer\n1,保険証</script><script>alert(1)</script>,答え\n', "utf-8")
    build_index(load_content([tmp_path / "faq.csv"]), tmp_path / "index")
    client = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"), "DATABASE_URL": "sqlite://"}).test_client()
    page = client.get("/entries/faq.1").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert structured_data(page)["mainEntity"][0]["name"] == "保険証</script><script>alert(1)</script>"


def test_sitemap_lists_every_entry_with_its_date(public_app, kb):
    response = public_app.test_client().get("/sitemap.xml")
    assert response.mimetype == "application/xml"
    urls = {u.find(f"{SITEMAP}loc").text: getattr(u.find(f"{SITEMAP}lastmod"), "text", None)
            for u in ET.fromstring(response.data).iter(f"{SITEMAP}url")}
    expected = {f"https://kb.example.jp/entries/{e.id}": e.source.date for e in kb.entries.values()}
    assert {loc: date for loc, date in urls.items() if "/entries/" in loc} == expected
    assert all(expected.values())  # the seed's entries all have a publication date


def test_robots_keeps_editors_and_api_out(public_app):
    text = public_app.test_client().get("/robots.txt").get_data(as_text=True)
    assert text.splitlines() == ["User-agent: *", "Disallow: /editor/", "Disallow: /api/",
                                 "Sitemap: https://kb.example.jp/sitemap.xml"]
