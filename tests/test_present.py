"""What residents and staff are shown: headings, age, contact, starters, furigana, compact
staff results and near matches (API replies and server-rendered pages)."""
from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from kb.indexer import build_index
from kb.ingest import load_content
from webapp.present import is_stale, published_text

from .conftest import SEED, entry_id

ANSWERED = "マイナンバーカードを落としたら保険の情報がもれる？"
UNANSWERED = "住民票の写しはどこで取れますか"
FIXTURE_CONTACT = {"department": "テスト市保険年金課", "phone": "000-000-0000", "hours": "平日9時～17時",
                   "url": "https://city.example.jp/kokuho"}


@pytest.mark.parametrize("published, today, years, stale", [
    ("2020-07-14", date(2025, 7, 13), 5, False),
    ("2020-07-14", date(2025, 7, 14), 5, True),
    ("2020-02-29", date(2025, 2, 28), 5, True),
    ("2020-07-14", date(2026, 1, 1), 10, False),
    (None, date(2026, 1, 1), 5, False),
], ids=["day-before", "anniversary", "leap-day", "longer-setting", "no-date"])
def test_age_is_counted_from_publication(published, today, years, stale):
    assert is_stale(published, years, today) is stale


def test_publication_month_in_japanese():
    assert published_text("2020-07-14") == "2020年7月公表"


def test_an_answer_has_heading_age_contact_and_starters(client):
    data = client.post("/api/ask", json={"question": ANSWERED}).get_json()
    answer = data["answer"]
    assert data["kind"] == "answer" and answer["heading"] == "オンライン資格確認のリスク管理"
    assert answer["question"] == "オンラインで行うことのリスク管理はどうなっているのか。"  # verbatim, still there
    assert answer["published_text"] == "2020年7月公表"
    assert answer["stale_notice"] == "公表から5年以上経っています。最新の情報は担当課にご確認ください。"
    assert data["contact_info"]["department"] == "札幌市保健福祉局保険医療部保険企画課"
    assert data["contact_info"]["phone"] is None  # the seed publishes no phone number
    assert 3 <= len(data["starters"]) <= 5
    assert all(r["heading"] for r in data["related"])


def test_the_age_setting_is_honoured(seed_index, tmp_path):
    from webapp import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(seed_index), "STALE_YEARS": "50",
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    answer = app.test_client().post("/api/ask", json={"question": ANSWERED}).get_json()["answer"]
    app.extensions["kb_records"].dispose()
    assert answer["published_text"] == "2020年7月公表" and answer["stale_notice"] is None


def test_no_answer_still_gives_a_contact_and_starters(client):
    data = client.post("/api/ask", json={"question": UNANSWERED}).get_json()
    assert data["kind"] == "no_answer"
    assert data["contact_info"]["url"].startswith("http") and data["starters"]


@pytest.fixture
def contact_client(tmp_path):
    """An app over the seed with the tests' own contact (phone and hours) for the city."""
    from webapp import create_app

    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    lines = "\n".join(f'{key} = "{value}"' for key, value in FIXTURE_CONTACT.items())
    (folder / "curated.toml").write_text(
        f'[city]\nstarters = ["一つ目？", "二つ目？", "三つ目？"]\n[city.contact]\n{lines}\n'
        f'[documents."{SEED.stem}".contact]\n{lines}\n', "utf-8")
    build_index(load_content([folder]), tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    yield app.test_client()
    app.extensions["kb_records"].dispose()


@pytest.mark.parametrize("question", [ANSWERED, UNANSWERED], ids=["answer", "no-answer"])
def test_the_editors_contact_reaches_the_resident(contact_client, question):
    data = contact_client.post("/api/ask", json={"question": question}).get_json()
    assert data["contact_info"] == {**FIXTURE_CONTACT, "lines": []}


def test_starters_endpoint(contact_client):
    data = contact_client.get("/api/starters").get_json()
    assert data == {"starters": ["一つ目？", "二つ目？", "三つ目？"], "contact_info": {**FIXTURE_CONTACT, "lines": []}}


def test_furigana_readings_for_an_entry(client):
    data = client.get(f"/api/entries/{entry_id('7')}?furigana=1").get_json()
    assert ["".join(piece["text"] for piece in p) for p in data["answer_ruby"]] == data["answer"]
    assert ("紛失", "ふんしつ") in [(piece["text"], piece["ruby"]) for piece in data["answer_ruby"][0]]
    assert "answer_ruby" not in client.get(f"/api/entries/{entry_id('7')}").get_json()


def test_suggestions_carry_the_heading(client):
    suggestions = client.get("/api/suggest?q=まいなほけんしょう").get_json()["suggestions"]
    assert suggestions[0] == {"id": entry_id("1"), "question": suggestions[0]["question"],
                              "heading": "マイナ保険証のなりすまし対策と情報の紐づけ"}


def test_staff_results_are_compact_and_mark_matched_words_only(client):
    data = client.get("/api/search?q=マイナンバーカード").get_json()
    assert [r["best"] for r in data["results"]] == [True] + [False] * (len(data["results"]) - 1)
    marked = {part["text"] for r in data["results"]
              for part in r["snippet"] + [p for para in r["answer_segments"] for p in para] if part["hit"]}
    assert marked == {"マイナンバーカード"}  # not カード or マイナンバー alone


def test_zero_results_offer_near_matches_and_the_contact(client):
    data = client.get("/api/search?q=なりすまし&topic=データ消去").get_json()
    assert data["total"] == 0 and data["results"] == []
    assert entry_id("1") in [n["id"] for n in data["near"]]
    assert data["contact_info"]["department"]
    page = client.get("/?q=なりすまし&topic=データ消去").get_data(as_text=True)
    assert "近い質問" in page and "マイナ保険証のなりすまし対策と情報の紐づけ" in page and "ひらがな・カタカナでも探せます" in page


def test_entry_page_links_topics_related_and_offers_print_and_copy_link(client):
    page = client.get(f"/entries/{entry_id('7')}").get_data(as_text=True)
    assert '<h1 class="entry-question">オンライン資格確認のリスク管理</h1>' in page
    assert "寄せられたご意見" in page and "オンラインで行うことのリスク管理はどうなっているのか。" in page
    assert 'href="/?topic=%E3%83%9E%E3%82%A4%E3%83%8A%E4%BF%9D%E9%99%BA%E8%A8%BC"' in page  # マイナ保険証
    assert f'href="/entries/{entry_id("1")}"' in page  # shares a topic
    assert 'class="print"' in page and 'class="copy-link"' in page
    assert "2020年7月公表" in page and "お問い合わせ先" in page


def test_the_overview_is_labelled_and_its_table_is_a_table(client):
    page = client.get(f"/entries/{entry_id('overview')}").get_data(as_text=True)
    assert "資料の概要" in page and "寄せられた質問・ご意見" not in page
    assert '<th scope="col">提出方法</th>' in page and "<td>1人</td>" in page


def test_every_shipped_starter_question_is_answered(kb):
    from kb import ask

    assert [ask(kb, q).kind for q in kb.city["starters"]] == ["answer"] * len(kb.city["starters"])


def test_an_entrys_own_contact_block_reaches_the_widget(tmp_path):
    from webapp import create_app

    folder = tmp_path / "content"
    folder.mkdir()
    rows = [{"id": "1", "question": "粗大ごみはどうやって出しますか",
             "answer": "粗大ごみは前日までに電話で申し込んでください。【お問い合わせ】テスト市環境課　電話000-000-0000"},
            {"id": "2", "question": "資源ごみの日はいつですか", "answer": "地域ごとに決まっています。"}]
    (folder / "faq.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    build_index(load_content([folder]), tmp_path / "index")
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "index"),
                      "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}"})
    data = app.test_client().post("/api/ask", json={"question": "粗大ごみはどうやって出しますか"}).get_json()
    app.extensions["kb_records"].dispose()
    assert data["kind"] == "answer"
    assert data["contact_info"]["lines"] == ["テスト市環境課\u3000電話000-000-0000"]
    assert data["answer"]["published_text"] is None and data["answer"]["stale_notice"] is None


def test_every_shipped_heading_asked_as_a_question_gives_its_entry(kb):
    """The widget offers headings as suggestions: picking one must give that entry."""
    from kb import ask

    assert {e.id: getattr(ask(kb, e.heading).entry, "id", None) for e in kb.entries.values()} == \
        {e.id: e.id for e in kb.entries.values()}
