"""The speed bench's instruments: synthetic corpora kb can read, bounded child processes,
percentiles, Groonga's query text. (Groonga and bm25s themselves are not needed here.)"""
from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.ingest import load_content

from .conftest import AMAGASAKI, ROOT, needs_shared

sys.path.insert(0, str(ROOT / "bench"))

import corpora  # noqa: E402
from baselines import groonga_query  # noqa: E402
from measure import percentile, run_child  # noqa: E402


@needs_shared(AMAGASAKI)
def test_a_synthetic_corpus_holds_the_real_faqs_and_is_the_same_every_time(tmp_path):
    first = corpora.write_corpus(2500, tmp_path / "a")
    second = corpora.write_corpus(2500, tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    entries = load_content([first]).entries
    assert len(entries) == 2500
    items = [e.source.item for e in entries]
    assert items[:1786] == [str(i) for i in range(1786)] and items[1786] == "s0"


@needs_shared(AMAGASAKI)
def test_synthetic_questions_join_a_question_to_a_sentence_of_another_answer():
    faqs = corpora.read_faqs()
    questions = {faq["question"] for faq in faqs}
    synthetic = corpora.corpus_rows(1800)[1786:]
    assert all(any(row["question"].startswith(q) and row["question"] != q for q in questions) for row in synthetic)


@needs_shared(AMAGASAKI)
def test_timed_questions_mix_dev_questions_and_their_variants():
    questions = corpora.timed_questions(10)
    assert len(questions) == 10
    assert questions[0] == "国民年金の免除申請をしたいのですが、申請に必要な持ち物は何を持っていけば良いですか？"
    assert questions[1] != questions[0] and questions[1]


def test_a_step_that_runs_too_long_is_stopped_and_says_so():
    run = run_child([sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5, max_rss_mb=10_000)
    assert run.status == "timeout" and run.wall_s < 10


def test_a_step_that_takes_too_much_memory_is_stopped_and_says_so():
    grow = "import time\nb = []\nwhile True:\n    b.append(bytearray(10**7)); time.sleep(0.01)"
    run = run_child([sys.executable, "-c", grow], timeout=60, max_rss_mb=200)
    assert run.status == "memory" and 200 <= run.peak_rss_mb < 2000


def test_a_finished_step_reports_its_output_and_peak_memory():
    run = run_child([sys.executable, "-c", "b = bytearray(60 * 2**20); print('done')"], timeout=60, max_rss_mb=10_000)
    assert (run.status, run.stdout.strip()) == ("ok", "done") and run.peak_rss_mb >= 60


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [([5.0], 0.99, 5.0), ([1.0, 2.0, 3.0, 4.0], 0.5, 2.0), (list(map(float, range(1, 101))), 0.99, 99.0), ([], 0.5, None)],
)
def test_percentile_is_the_nearest_rank(values, share, expected):
    assert percentile(values, share) == expected


def test_a_question_becomes_an_or_of_its_bigrams_with_latin_words_whole():
    assert groonga_query("保険証をＪＲで") == r'\"保険\" OR \"険証\" OR \"証を\" OR \"jr\" OR \"で\"'


@given(st.text(max_size=40))
def test_any_question_gives_a_query_without_unescaped_quotes(text):
    query = groonga_query(text)
    assert '"' not in query.replace('\\"', "")
