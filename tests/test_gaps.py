"""Unanswered questions grouped into near-duplicates; the one-step fix that closes a group."""
from __future__ import annotations

import re
import time
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select

from kb import group_unanswered, publish_alternate, recent_edits
from kb.cli import main
from kb.curation import add_alternate
from kb.editorial import BUILD_GIVE_UP, edits
from kb.errors import ContentError
from kb.gaps import group_key

from .conftest import CONTENT, entry_id
from .editor_helpers import HTTPS, csrf_token, editor_app, post, sign_in

UNANSWERABLE = "委託先を監査してる？"


@pytest.mark.parametrize("first, second", [
    ("保険証をなくした", "保険証を紛失しました"),  # synonyms: なくす ⇔ 紛失
    ("保険証をなくした", "保険証　なくしました？"),  # inflection and punctuation
    ("住民票の写しはどこで取れますか", "住民票の写しをどこで取れる"),
])
def test_near_duplicates_share_a_group(kb, first, second):
    assert group_key(kb, first) == group_key(kb, second)


@pytest.mark.parametrize("first, second", [
    ("保険証をなくした", "保険料をなくした"),
    ("粗大ごみの出し方", "住民票の写しはどこで取れますか"),
])
def test_different_questions_do_not(kb, first, second):
    assert group_key(kb, first) != group_key(kb, second)


def test_groups_most_asked_first_with_count_last_date_and_answered_ones_apart(kb):
    now = datetime(2026, 5, 1, tzinfo=timezone.utc)
    asked = [("粗大ごみの出し方", now - timedelta(days=3)), ("粗大ごみを出したい", now - timedelta(days=1)),
             ("粗大ごみの出し方", now - timedelta(days=2)), ("住民票の写しはどこで取れますか", now),
             ("ハードディスクを捨てたい", now)]
    gaps = group_unanswered(kb, asked, 0.6)
    first = [g for g in gaps if not g.answered_by][0]
    assert (first.question, first.count, first.last) == ("粗大ごみの出し方", 3, now - timedelta(days=1))
    assert first.questions == (("粗大ごみの出し方", 2), ("粗大ごみを出したい", 1))
    by_question = {g.question: g for g in gaps}
    assert by_question["ハードディスクを捨てたい"].answered_by == entry_id("4")
    assert by_question["住民票の写しはどこで取れますか"].answered_by is None


def test_add_alternate_keeps_comments_and_order(tmp_path):
    path = tmp_path / "curated.toml"
    original = (CONTENT / "curated.toml").read_text("utf-8")
    path.write_text(original, "utf-8")
    assert add_alternate(path, entry_id("5"), UNANSWERABLE)
    assert not add_alternate(path, entry_id("5"), UNANSWERABLE)  # already there: nothing written
    lines = path.read_text("utf-8").splitlines()
    assert lines[:6] == original.splitlines()[:6]  # the editors' comment block
    assert f'alternates = ["委託・再委託のリスク管理", "{UNANSWERABLE}"]' in lines
    assert [l for l in lines if l.startswith("[")] == [l for l in original.splitlines() if l.startswith("[")]


def test_publish_puts_curated_back_when_the_entry_does_not_exist(tmp_path):
    app = editor_app(tmp_path)
    before = (tmp_path / "content" / "curated.toml").read_bytes()
    with pytest.raises(ContentError, match="no entry with id 'nothing.1'"):
        publish_alternate(tmp_path / "content", tmp_path / "index", "nothing.1", "質問")
    assert (tmp_path / "content" / "curated.toml").read_bytes() == before
    app.extensions["kb_records"].dispose()


def test_one_step_fix_makes_the_question_answered(tmp_path):
    app = editor_app(tmp_path)
    client = app.test_client()
    assert client.post("/api/ask", json={"question": UNANSWERABLE}).get_json()["answered"] is False
    sign_in(client)
    page = client.get("/editor/unanswered", base_url=HTTPS).get_data(as_text=True)
    assert UNANSWERABLE in page and f'value="{entry_id("5")}"' in page
    token = csrf_token(client, "/editor/unanswered")
    response = post(client, "/editor/unanswered/fix", {"csrf_token": token, "question": UNANSWERABLE, "entry_id": entry_id("5")})
    assert response.status_code == 303 and response.headers["Location"].startswith("/editor/edits/")
    text = finished(client, response.headers["Location"])
    assert f"「{UNANSWERABLE}」を項目" in text and "別の言い方に追加しました" in text and "今はこの項目で回答します" in text
    reply = client.post("/api/ask", json={"question": UNANSWERABLE}).get_json()
    assert reply["answered"] is True and reply["answer"]["id"] == entry_id("5")
    assert UNANSWERABLE in (tmp_path / "content" / "curated.toml").read_text("utf-8")
    edit = recent_edits(app.extensions["kb_records"].engine)[0]
    assert (edit["editor"], edit["action"], edit["entry_id"], edit["detail"], edit["status"]) == (
        "suzuki", "add_alternate", entry_id("5"), UNANSWERABLE, "done")
    assert edit["index_version"] == reply["index_version"]
    page = client.get("/editor/unanswered", base_url=HTTPS).get_data(as_text=True)
    assert "今の索引では回答できる質問（1件）" in page  # the records still hold it, now set apart
    app.extensions["kb_records"].dispose()


def test_a_question_given_only_the_nearest_entries_is_listed_for_editors(tmp_path):
    question = "マイナ保険証の利用登録のやり方"  # close: the seed speaks of the card, not of registering it
    app = editor_app(tmp_path)
    client = app.test_client()
    assert client.post("/api/ask", json={"question": question}).get_json()["kind"] == "close"
    assert app.extensions["kb_record_queue"].flush(timeout=10)
    sign_in(client)
    page = client.get("/editor/unanswered", base_url=HTTPS).get_data(as_text=True)
    assert "まだ回答できない質問（1件）" in page and f"<strong>{question}</strong>" in page
    app.extensions["kb_records"].dispose()


def finished(client, location: str, seconds: float = 120) -> str:
    """The edit's page text once the background rebuild is over (it reloads itself until then)."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(location, base_url=HTTPS).get_data(as_text=True)
        if 'http-equiv="refresh"' not in page or time.monotonic() > deadline:
            return re.sub(r"<[^>]+>", "", page)
        time.sleep(0.2)


def test_fix_with_an_unknown_entry_changes_nothing(tmp_path):
    app = editor_app(tmp_path)
    client = app.test_client()
    sign_in(client)
    before = (tmp_path / "content" / "curated.toml").read_bytes()
    token = csrf_token(client, "/editor/unanswered")
    response = post(client, "/editor/unanswered/fix", {"csrf_token": token, "question": UNANSWERABLE,
                                                       "entry_id": "nothing.1234\u200e5678\u200e9018"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "今の索引にありません" in page
    assert "9018" not in page  # an unknown id is echoed masked
    assert (tmp_path / "content" / "curated.toml").read_bytes() == before
    assert recent_edits(app.extensions["kb_records"].engine) == []
    app.extensions["kb_records"].dispose()


def test_kb_unanswered_groups_near_duplicates(tmp_path, seed_index):
    from kb.records import Records
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    records = Records(url)
    records.create_tables()
    for question in ("保険証の有効期限", "保険証の有効期限は", "粗大ごみの出し方", "ハードディスクを捨てたい"):
        records.add_question(question, "no_answer", None, 0.1, "v1")
    records.add_question("保険証の有効期限", "no_answer", None, 0.1, "v1")
    records.dispose()
    result = CliRunner().invoke(main, ["unanswered", "--database", url, "--index", str(seed_index)])
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "3×" and lines[0].endswith("保険証の有効期限")
    assert lines[1].split() == ["1×", "保険証の有効期限は"]
    assert lines[2].endswith("粗大ごみの出し方")
    assert lines[3] == "answered by the current index now (1 group(s)):"
    assert lines[4].endswith(f"ハードディスクを捨てたい  → {entry_id('4')}")


def test_kb_editor_add_stores_a_hash_only(tmp_path):
    from kb import is_editor_password
    from kb.editorial import editors
    from kb.records import Records
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    result = CliRunner().invoke(main, ["editor", "add", "suzuki", "--database", url], input="long enough pw\nlong enough pw\n")
    assert result.exit_code == 0 and "added editor suzuki" in result.output
    records = Records(url)
    with records.engine.connect() as conn:
        stored = conn.execute(select(editors.c.password_hash)).scalar_one()
    assert "long enough pw" not in stored and is_editor_password(records.engine, "suzuki", "long enough pw")
    records.dispose()
    short = CliRunner().invoke(main, ["editor", "add", "sato", "--database", url], input="short\nshort\n")
    assert short.exit_code == 2 and "at least 10 characters" in short.output


def test_failed_rebuild_is_reported_and_curated_toml_put_back(tmp_path):
    app = editor_app(tmp_path)
    client = app.test_client()
    sign_in(client)
    before = (tmp_path / "content" / "curated.toml").read_bytes()
    (tmp_path / "content" / "broken.csv").write_text('id,question,answer\nq1,質問,"閉じない引用符\n', "utf-8")
    token = csrf_token(client, "/editor/unanswered")
    response = post(client, "/editor/unanswered/fix", {"csrf_token": token, "question": UNANSWERABLE, "entry_id": entry_id("5")})
    text = finished(client, response.headers["Location"])
    assert "追加できませんでした" in text and "broken.csv:2: unclosed quote" in text and "元のまま" in text
    assert (tmp_path / "content" / "curated.toml").read_bytes() == before
    assert recent_edits(app.extensions["kb_records"].engine)[0]["status"] == "failed"
    app.extensions["kb_records"].dispose()


def test_an_edit_whose_rebuild_died_says_so_and_stops_reloading(tmp_path):
    app = editor_app(tmp_path)
    client = app.test_client()
    sign_in(client)
    engine = app.extensions["kb_records"].engine
    started = datetime.now(timezone.utc) - BUILD_GIVE_UP - timedelta(minutes=5)
    with engine.begin() as conn:  # a worker was killed while rebuilding this edit
        edit_id = conn.execute(insert(edits), dict(created_at=started, editor="suzuki", action="add_alternate",
                                                   entry_id=entry_id("5"), detail="古い質問", status="building")
                               ).inserted_primary_key[0]
    page = client.get(f"/editor/edits/{edit_id}", base_url=HTTPS).get_data(as_text=True)
    assert "途中で止まりました" in page and 'http-equiv="refresh"' not in page
    assert "中断" in client.get("/editor/edits", base_url=HTTPS).get_data(as_text=True)
    app.extensions["kb_records"].dispose()


def _served(index_dir):
    from kb import KnowledgeBase
    knowledge_base = KnowledgeBase.open(index_dir)
    try:
        return set(knowledge_base.entries)
    finally:
        knowledge_base.close()


def _built_from_two_folders(tmp_path):
    """An index built as the README shows: `kb build --content content --content more/`."""
    import shutil

    from kb.indexer import build_index
    from kb.ingest import load_content

    content, more = tmp_path / "content", tmp_path / "more"
    shutil.copytree(CONTENT, content)
    more.mkdir()
    (more / "faq.csv").write_text("id,question,answer\n1,国保の保険料はコンビニで払えますか,払えます。\n", "utf-8")
    build_index(load_content([content, more]), tmp_path / "index")
    return content, more


def test_a_fix_rebuilds_from_every_content_path_the_index_was_built_from(tmp_path):
    """Built as the README shows (`--content content --content more/`), a fix once rebuilt
    from content/ alone and dropped every entry of more/."""
    content, _ = _built_from_two_folders(tmp_path)
    before = _served(tmp_path / "index")
    assert "faq.1" in before
    publication = publish_alternate(content, tmp_path / "index", entry_id("5"), UNANSWERABLE)
    assert publication.added and _served(tmp_path / "index") == before


def test_a_fix_that_would_lose_served_entries_is_refused(tmp_path):
    content, more = _built_from_two_folders(tmp_path)
    (more / "faq.csv").unlink()  # someone removed a document but did not rebuild
    curated = (content / "curated.toml").read_bytes()
    with pytest.raises(ContentError, match="消えるため") as refused:
        publish_alternate(content, tmp_path / "index", entry_id("5"), UNANSWERABLE)
    assert "faq.1" in str(refused.value)
    assert "faq.1" in _served(tmp_path / "index") and (content / "curated.toml").read_bytes() == curated
