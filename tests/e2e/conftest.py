"""End-to-end fixtures: gunicorn on 127.0.0.1, a second origin, headless Chromium.

Browser tests skip when Chromium is missing, unless KB_E2E_REQUIRED=1 (CI sets it), in
which case a missing browser is a failure, not a silent skip."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from kb.indexer import build_index
from kb.ingest import load_content

from ..conftest import CONTENT, ROOT, SEED_ID

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("KB_CHROMEDRIVER", "/usr/bin/chromedriver")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
REQUIRED = os.environ.get("KB_E2E_REQUIRED") == "1"


def require(condition: bool, reason: str) -> None:
    if not condition:
        (pytest.fail if REQUIRED else pytest.skip)(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_ready(url: str, process=None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {seconds}s")


class Gunicorn:
    """gunicorn serving webapp:create_app() on a free loopback port."""

    def __init__(self, workdir: Path, env: dict, workers: int = 2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / f"gunicorn-{self.port}.log"
        self.env = {**os.environ, **env}
        self.workers = workers
        self.process = None

    def start(self) -> "Gunicorn":
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(self.workers), "--bind",
             f"127.0.0.1:{self.port}", "--access-logfile", "-", "--error-logfile", "-",
             "--access-logformat", '%(t)s "%(m)s %(U)s" %(s)s', "webapp:create_app()"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        wait_until_ready(self.url + "/readyz", self.process)
        return self

    def stop(self) -> str:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)
        self.log.close()
        return self.log_path.read_text("utf-8")


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def other_origin(e2e_dir):
    """A static 'city site' on another port: a different origin from the API."""
    site = e2e_dir / "site"
    site.mkdir()
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield site, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# The tests' own contact for the seed document: the shipped content states no phone or hours.
FIXTURE_CONTACT = {"department": "テスト市保健福祉局保険医療部保険企画課", "phone": "000-000-0000",
                   "hours": "平日8時45分～17時15分", "url": "https://city.example.jp/kokuho"}


def fixture_content(folder: Path) -> Path:
    """The shipped content with FIXTURE_CONTACT as the city's and the seed document's contact."""
    shutil.copytree(CONTENT, folder)
    lines = "".join(f'{key} = "{value}"\n' for key, value in FIXTURE_CONTACT.items())
    curated = (folder / "curated.toml").read_text("utf-8")
    curated = re.sub(r"\[city\.contact\]\n(?:.+\n)+", "[city.contact]\n" + lines.replace("\\", "\\\\"), curated)
    curated += f'\n[documents."{SEED_ID}".contact]\n{lines}'
    (folder / "curated.toml").write_text(curated, "utf-8")
    (folder / "gomi.csv").write_text(  # an FAQ row whose answer ends with its own 【お問い合わせ】 block
        'id,question,answer\n1,粗大ごみの出し方を教えてください,"粗大ごみは事前申込制です。\n'
        '【お問い合わせ】\n環境部業務課 電話：06-6489-6137"\n', "utf-8")
    return folder


@pytest.fixture(scope="session")
def server(e2e_dir, other_origin):
    index_dir = e2e_dir / "index"
    build_index(load_content([fixture_content(e2e_dir / "content")]), index_dir)
    _, origin = other_origin
    app = Gunicorn(e2e_dir, {
        "KB_INDEX_DIR": str(index_dir),
        "KB_DATABASE_URL": f"sqlite:///{e2e_dir / 'kb.sqlite3'}",
        "KB_ALLOWED_ORIGINS": origin,
        "KB_RATE_LIMIT": "10000 per minute",
    }).start()
    app.index_dir = index_dir
    app.database = e2e_dir / "kb.sqlite3"
    yield app
    app.stop()


@pytest.fixture(scope="session")
def semantic_server(e2e_dir, other_origin, semantic_seed_index):
    """gunicorn over the seed as the README's `kb build` indexes it (the packaged e5 encoder,
    entry vectors stored; the index tests/conftest.py builds for semantic_kb), semantic signal on.
    One worker, so /readyz reports on the process that answers the pages."""
    workdir = e2e_dir / "semantic"
    workdir.mkdir()
    _, origin = other_origin
    app = Gunicorn(workdir, {
        "KB_INDEX_DIR": str(semantic_seed_index),
        "KB_DATABASE_URL": f"sqlite:///{workdir / 'kb.sqlite3'}",
        "KB_SEMANTIC": "on",
        "KB_ALLOWED_ORIGINS": origin,
        "KB_RATE_LIMIT": "10000 per minute",
    }, workers=1).start()
    try:
        # load the encoder before the browser's first request, then check it is the one in use
        with urllib.request.urlopen(app.url + "/api/search?" + urllib.parse.urlencode({"q": "記憶装置"}), timeout=60) as r:
            assert json.load(r)["total"] >= 1
        with urllib.request.urlopen(app.url + "/readyz", timeout=10) as r:
            semantic = json.load(r)["semantic"]
        assert semantic.startswith("on: "), f"the semantic signal is not in use: {semantic}"
    except BaseException:
        print(app.stop())
        raise
    yield app
    app.stop()


@pytest.fixture(scope="session")
def browser():
    require(Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists(), f"no {CHROMIUM} / {CHROMEDRIVER}")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,900", "--lang=ja-JP"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


@pytest.fixture
def page(browser):
    """The browser at desktop size, cookies and storage cleared."""
    browser.set_window_size(1280, 900)
    yield browser
    browser.delete_all_cookies()


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def axe_violations(driver) -> list[dict]:
    """Serious and critical axe-core violations on the current page (shadow DOM included)."""
    require(AXE.exists(), f"{AXE} missing: run `npm install axe-core` (the CI script does)")
    driver.execute_script(AXE.read_text("utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(r => done(r.violations), e => done([{id: String(e), impact: 'critical', nodes: []}]));"
    )
    return [v for v in result if v.get("impact") in ("serious", "critical")]
