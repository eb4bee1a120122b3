"""The editors' loop in a real browser: sign in, read the dashboard, close an unanswered
group in one step, and see the resident widget answer it."""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from kb import create_editorial_tables, set_editor_password
from kb.indexer import build_index
from kb.ingest import load_content
from kb.records import Records, feedback, questions

from ..conftest import CONTENT, entry_id
from .conftest import AXE, Gunicorn, axe_violations, screenshot
from .test_browser import ask

WAIT = 90  # the fix rebuilds the index (with the encoder) in the background; the page reloads itself
QUESTION = "委託先を監査してる？"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def editor_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("e2e-editor")
    content, index, database = workdir / "content", workdir / "index", workdir / "kb.sqlite3"
    shutil.copytree(CONTENT, content)  # the fix writes curated.toml: never the checkout's own
    build_index(load_content([content]), index)
    records = Records(f"sqlite:///{database}")
    records.create_tables()
    create_editorial_tables(records.engine)
    set_editor_password(records.engine, "suzuki", PASSWORD)
    _past_month(records)
    records.dispose()
    app = Gunicorn(workdir, {
        "KB_INDEX_DIR": str(index), "KB_CONTENT_DIR": str(content), "KB_DATABASE_URL": f"sqlite:///{database}",
        "KB_SECRET_KEY": "e2e-secret", "KB_RATE_LIMIT": "10000 per minute",
        "KB_EDITOR_COOKIE_SECURE": "0",  # plain http on 127.0.0.1; production keeps Secure behind TLS
    }, workers=1).start()
    yield app
    app.stop()


def _past_month(records) -> None:
    """A month of made-up questions and feedback, so the dashboard's charts have something to show."""
    now = datetime.now(timezone.utc)
    outcomes = ["answer"] * 6 + ["no_answer"] * 2 + ["too_short"]
    items = ["7", "4", "1", "7", "8", "3"]
    rows = [dict(created_at=now - timedelta(days=day, hours=n), question=f"質問{day}-{n}",
                 outcome=outcomes[(day + n) % len(outcomes)],
                 entry_id=entry_id(items[(day * n) % len(items)]) if outcomes[(day + n) % len(outcomes)] == "answer" else None,
                 confidence=0.7, index_version="v")
            for day in range(30) for n in range(3 + day % 5)]
    with records.engine.begin() as conn:
        conn.execute(insert(questions), rows)
        conn.execute(insert(feedback), [dict(created_at=now - timedelta(days=d), entry_id=entry_id(items[d % 6]),
                                             helpful=d % 3 == 0) for d in range(30)])


def wait_for(driver, selector: str):
    return WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.CSS_SELECTOR, selector))


def test_editor_signs_in_reads_the_dashboard_and_closes_a_gap(page, editor_server):
    page.get(editor_server.url + "/widget-demo")
    assert "見つかりませんでした" in ask(page, QUESTION).text

    page.get(editor_server.url + "/editor/")
    wait_for(page, "input[name=name]").send_keys("suzuki")
    page.find_element(By.CSS_SELECTOR, "input[name=password]").send_keys(PASSWORD)
    page.find_element(By.CSS_SELECTOR, "form.sign-in button[type=submit]").click()
    wait_for(page, "#figure-questions")
    WebDriverWait(page, WAIT).until(lambda d: d.execute_script(
        "return [...document.images].every(i => i.complete && i.naturalWidth > 0)"))
    assert len(page.find_elements(By.CSS_SELECTOR, "img.chart")) == 5
    height = page.execute_script("return document.documentElement.scrollHeight")
    page.set_window_size(1280, min(height + 100, 6000))  # the whole dashboard, every chart
    screenshot(page, "editor-dashboard")
    page.set_window_size(1280, 900)
    if AXE.exists():
        assert axe_violations(page) == []

    page.get(editor_server.url + "/editor/unanswered")
    group = next(g for g in page.find_elements(By.CSS_SELECTOR, "li.gap") if QUESTION in g.text)
    group.find_element(By.CSS_SELECTOR, f"input[value='{entry_id('5')}']").click()
    group.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    changed = wait_for(page, ".changed")
    assert "別の言い方に追加しました" in changed.text and "今はこの項目で回答します" in changed.text
    screenshot(page, "editor-fixed")

    page.get(editor_server.url + "/widget-demo")
    reply = ask(page, QUESTION)
    assert "No.5" in reply.text and "見つかりませんでした" not in reply.text
