"""Suggestions while typing: prefix, kana and synonyms, like search."""
from __future__ import annotations

import pytest

from .conftest import entry_id


@pytest.mark.parametrize("typed, expected", [
    ("まいなほけんしょう", entry_id("1")),
    ("マイナ保険証", entry_id("1")),
    ("なりすまし", entry_id("1")),
    ("ふんしつ", entry_id("7")),
    ("データの消", entry_id("4")),
    ("評価書で「削", entry_id("6")),
], ids=["kana-synonym", "synonym", "word", "kana-reading", "prefix", "heading-prefix"])
def test_suggestions_understand_kana_and_synonyms(kb, typed, expected):
    assert expected in [e.id for e in kb.suggest(typed)]


def test_nothing_typed_suggests_nothing(kb):
    assert kb.suggest("  ") == []


def test_suggestions_come_at_most_limit_times_once_each(kb):
    found = [e.id for e in kb.suggest("情報", limit=3)]
    assert len(found) == len(set(found)) <= 3
