"""Dictionary synonyms (SudachiDict's synonym groups): a resident's word finds the entry
written with the official word, with no curated rule for it."""
from __future__ import annotations

import json

import numpy as np
import pytest

from kb.indexer import build_index, current_version_path
from kb.ingest import load_content
from kb.lexical import PART
from kb.query import QueryWord, parse_query
from kb.search import PART_MATCH, KnowledgeBase, word_matches
from kb.wordgroups import WORD_GROUPS_FILE, dictionary_synonyms, group_members, groups_of, read_word_groups

FAQS = [
    {"id": "move", "question": "転居届の出し方を知りたい。", "answer": "住所が変わったら14日以内に区役所の窓口へ届け出てください。"},
    {"id": "dog", "question": "飼い犬が死亡したときの手続きは？", "answer": "死亡した日から30日以内に届け出てください。"},
    {"id": "fee", "question": "住民票の写しの手数料はいくらですか。", "answer": "1通300円です。"},
    {"id": "tax", "question": "市税の納付方法を知りたい。", "answer": "口座振替やコンビニで納められます。"},
]


@pytest.fixture(scope="module")
def faq_kb(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faq")
    (folder / "faqs.jsonl").write_text("\n".join(json.dumps(f, ensure_ascii=False) for f in FAQS), "utf-8")
    build_index(load_content([folder / "faqs.jsonl"]), folder / "index")
    return KnowledgeBase.open(folder / "index")


@pytest.mark.parametrize("resident, official", [("引越し", "転居"), ("亡くなる", "死亡"), ("外注", "委託"), ("料金", "手数料")])
def test_the_dictionary_puts_resident_and_official_words_in_one_group(resident, official):
    assert set(groups_of(resident)) & set(groups_of(official))


def test_words_of_many_senses_or_several_words_have_no_group():
    assert groups_of("マイナンバーカードを落とした") == ()  # not one word
    assert groups_of("") == ()


@pytest.mark.parametrize("question, entry", [
    ("引越ししたらどうすればいい", "faqs.move"),
    ("飼い犬が亡くなったら", "faqs.dog"),
    ("住民票の料金を教えて", "faqs.fee"),
])
def test_a_resident_word_finds_the_entry_written_with_the_official_word(faq_kb, question, entry):
    hits = faq_kb.search(question, limit=1, semantic=False)
    assert hits and hits[0].entry.id == entry
    assert hits[0].coverage > 0.5  # the word counts as found, not just ranked by accident


def test_the_version_stores_the_groups_of_its_own_words_only(faq_kb):
    stored = json.loads((current_version_path(faq_kb.path.parent.parent) / WORD_GROUPS_FILE).read_text("utf-8"))
    words = {t for found in stored["groups"].values() for t in found}
    assert "転居" in words and "死亡" in words
    assert "引越し" not in words and "引っ越し" not in words  # no entry says it


def test_expansion_needs_a_word_the_index_holds():
    groups = {group: tuple(found) for group, found in group_members(["転居", "死亡"]).items()}
    assert dictionary_synonyms("引越し", groups) == ("転居",)
    assert dictionary_synonyms("転居", groups) == ()  # not itself
    assert dictionary_synonyms("税金", groups) == ()
    parsed = parse_query("引越しの届け", [], groups)
    assert "転居" in next(w for w in parsed.words if w.term.startswith("引")).dictionary


def test_groups_made_by_another_dictionary_are_not_used(tmp_path, caplog):
    (tmp_path / WORD_GROUPS_FILE).write_text(json.dumps({"dictionary": "19990101", "groups": {"21673": ["転居"]}}))
    assert read_word_groups(tmp_path) == {}
    assert "kb build" in caplog.text


def test_a_word_with_dictionary_synonyms_still_counts_inside_a_longer_word():
    # 利用 has dictionary synonyms; an entry holding only 利用登録 still holds it in part
    word = QueryWord(term="利用", weight=1.0, key="利用", reading="リヨウ", dictionary=("運用",))
    holds = {"w:利用": np.array([PART, 0], np.int8), "w:運用": np.array([0, 1], np.int8)}
    assert word_matches(word, holds).tolist() == pytest.approx([PART_MATCH, 0.9])
