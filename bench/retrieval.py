"""Retrieval quality of the knowledge base against two plain-BM25 baselines, same data.

    python bench/retrieval.py                                  # the lexical path
    python bench/retrieval.py --semantic --work bench/.work    # and the full path (vectors cached)

Data sets: the seed dev questions; our labelled paraphrases, near misses and garbage on the
seed; the held-out probe questions on the seed (bench/probe.py lists their misses); the
seed questions asked of the seed plus 1,786 unrelated FAQs; the localgovFAQ dev half on
the Amagasaki FAQs (Recall@1: a grade-2 FAQ first, over questions that have one;
Recall@10: share of a question's judged FAQs in the first ten).
Baselines (each a Whoosh BM25F index over question + answer, no synonyms, no re-ranking):
  bigram   character bigrams of the raw text
  sudachi  Sudachi split-mode A surface tokens (punctuation and spaces dropped)
Prints Recall@1, MRR@10, Recall@10, no-answer accuracy and "handled right" (answerable questions
answered with a right entry plus unanswerable ones refused, over all questions; a
baseline always answers) for each, and ours / baseline ratios.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sudachipy import Dictionary, SplitMode
from whoosh.analysis import Token, Tokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.query import Or, Term

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.encoder import choose_semantic, load_encoder  # noqa: E402
from kb.evaluate import evaluate, read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared"
DATASETS = {
    "seed dev queries": ([ROOT / "content"], SHARED / "eval" / "dev-queries.jsonl"),
    "seed decision questions (ours: paraphrases, near misses, garbage)": (
        [ROOT / "content"], ROOT / "bench" / "data" / "decision-questions.jsonl"),
    "seed probe questions (held out: written after tuning)": (
        [ROOT / "content"], ROOT / "bench" / "data" / "probe-questions.jsonl"),
    "seed dev queries, 1786 Amagasaki FAQs as distractors": (
        [ROOT / "content", SHARED / "corpora" / "localgovfaq-amagasaki" / "faqs.jsonl"],
        SHARED / "eval" / "dev-queries.jsonl",
    ),
    "localgovFAQ dev half": (
        [SHARED / "corpora" / "localgovfaq-amagasaki" / "faqs.jsonl", ROOT / "content" / "synonyms.txt"],
        SHARED / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl",
    ),
}


class _ListTokenizer(Tokenizer):
    def __init__(self, split):
        self.split = split

    def __call__(self, value, positions=False, chars=False, mode="", **kwargs):
        token = Token(positions, chars, mode=mode, **kwargs)
        for pos, text in enumerate(self.split(value)):
            token.text, token.boost, token.stopped = text, 1.0, False
            token.pos = pos
            yield token


def bigrams(text: str) -> list[str]:
    text = "".join(text.split())
    return [text[i : i + 2] for i in range(len(text) - 1)]


_sudachi = Dictionary(dict="core").tokenizer(mode=SplitMode.A)


def sudachi_a(text: str) -> list[str]:
    return [
        m.surface() for m in _sudachi.tokenize(text)
        if m.part_of_speech()[0] not in ("補助記号", "空白")
    ]


def baseline_scores(entries, queries, split, kinds):
    """Recall@1, MRR@10, Recall@10 and no-answer accuracy (always answers: 0) of plain BM25."""
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=_ListTokenizer(split)))
    # Whoosh's writer spills to <tmp>/<indexname>.tmp: a name of its own per process, so
    # two benchmarks running at once do not delete each other's files
    ix = RamStorage().create_index(schema, indexname=f"baseline-{os.getpid()}")
    with ix.writer() as writer:
        for entry in entries:
            writer.add_document(id=entry.id, text=entry.question + "\n" + entry.answer_text)
    recall = rr = recall10 = 0.0
    answerable = [q for q in queries if q.relevant]
    with ix.searcher() as searcher:
        for query in answerable:
            terms = list(dict.fromkeys(split(query.text)))
            hits = searcher.search(Or([Term("text", t) for t in terms]), limit=10) if terms else []
            ranked = [e.source.item for hit in hits for e in [by_id[hit["id"]]] if kinds[e.source.document_id] == query.kind]
            ranks = [i for i, item in enumerate(ranked, 1) if item in query.relevant]
            recall += bool(query.best and ranked and ranked[0] in query.best)
            rr += 1 / ranks[0] if ranks else 0.0
            recall10 += len(set(ranked[:10]) & set(query.relevant)) / len(query.relevant)
    n = len(answerable) or 1
    no_answer = 0.0 if len(answerable) < len(queries) else None
    return recall / (sum(bool(q.best) for q in answerable) or 1), rr / n, recall10 / n, no_answer


by_id: dict = {}


def handled_right(scores) -> float:
    """Answerable questions answered with a right entry plus unanswerable ones refused."""
    unanswerable = scores.queries - scores.answerable
    return (scores.answered_correctly * scores.answerable + (scores.no_answer_accuracy or 0) * unanswerable) / scores.queries


def our_rows(content, queries, work: Path, semantic: bool) -> dict:
    """Our figures on this data set: the lexical path, and with --semantic the full path."""
    encoder = load_encoder("on") if semantic else None
    build_index(content, work, encoder=encoder)
    kb = KnowledgeBase.open(work)
    rows = {}
    for label, spec in (("ours, lexical", "off"), ("ours, + semantic", "on"))[: 1 + bool(encoder)]:
        choose_semantic(spec)
        s = evaluate(kb, queries)
        rows[label] = (s.recall_at_1, s.mrr_at_10, s.recall_at_10, s.no_answer_accuracy, handled_right(s))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(DATASETS), help="run one dataset")
    parser.add_argument("--semantic", action="store_true", help="also build entry vectors and measure the full path")
    parser.add_argument("--work", type=Path, help="keep indexes (and the vector cache) here between runs")
    args = parser.parse_args()
    for name, (content_paths, query_file) in DATASETS.items():
        if args.only and args.only != name:
            continue
        content = load_content(content_paths)
        kinds = {d.id: d.kind for d in content.documents}
        by_id.update({e.id: e for e in content.entries})
        queries = read_queries(query_file)
        if "distractors" in name:
            # "no answer" in the dev file means "not in the seed"; the distractor FAQs
            # may well answer those, so only the answerable questions are asked here.
            queries = [q for q in queries if q.relevant]
        with tempfile.TemporaryDirectory() as tmp:
            work = (args.work / name.replace(" ", "-").replace(",", "")) if args.work else Path(tmp)
            rows = our_rows(content, queries, work, args.semantic)
        answerable = sum(bool(q.relevant) for q in queries) / len(queries)
        for system, split in (("bm25 char bigrams", bigrams), ("bm25 sudachi A", sudachi_a)):
            r1, mrr, r10, na = baseline_scores(content.entries, queries, split, kinds)
            rows[system] = (r1, mrr, r10, na, r1 * answerable)
        print(f"\n{name}: {len(queries)} queries, {len(content.entries)} entries")
        print(f"  {'system':<20}{'Recall@1':>10}{'MRR@10':>10}{'Recall@10':>11}{'no-answer':>11}{'handled right':>15}")
        for system, (r1, mrr, r10, na, right) in rows.items():
            na_text = "n/a" if na is None else f"{na:.3f}"
            print(f"  {system:<20}{r1:>10.3f}{mrr:>10.3f}{r10:>11.3f}{na_text:>11}{right:>15.3f}")
        best = list(rows)[len(rows) - 3]
        for system in ("bm25 char bigrams", "bm25 sudachi A"):
            print(f"  {best} / {system}: " + ", ".join(
                f"{label} ×{rows[best][i] / rows[system][i]:.2f}" if rows[system][i] else f"{label} n/a"
                for i, label in ((0, "Recall@1"), (1, "MRR@10"), (2, "Recall@10"), (4, "handled right"))))


if __name__ == "__main__":
    main()
