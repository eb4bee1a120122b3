"""Retrieval quality of the knowledge base against two plain-BM25 baselines, same data.

    python bench/retrieval.py            # both dev files (seed dev queries, localgovFAQ dev half)

The middle dataset asks the seed questions of the seed plus 1,786 unrelated FAQs.
Baselines (each a Whoosh BM25F index over question + answer, no synonyms, no re-ranking):
  bigram   character bigrams of the raw text
  sudachi  Sudachi split-mode A surface tokens (punctuation and spaces dropped)
Prints Recall@1, MRR@10, no-answer accuracy and "handled right" (answerable questions
answered with a right entry plus unanswerable ones refused, over all questions; a
baseline always answers) for each, and ours / baseline ratios.
"""
from __future__ import annotations

import argparse
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

from kb.evaluate import evaluate, read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared"
DATASETS = {
    "seed dev queries": ([ROOT / "content"], SHARED / "eval" / "dev-queries.jsonl"),
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
    """Recall@1, MRR@10 and no-answer accuracy (always answers: 0) of plain BM25."""
    schema = Schema(id=ID(stored=True), text=TEXT(analyzer=_ListTokenizer(split)))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        for entry in entries:
            writer.add_document(id=entry.id, text=entry.question + "\n" + entry.answer_text)
    recall = rr = 0.0
    answerable = [q for q in queries if q.relevant]
    with ix.searcher() as searcher:
        for query in answerable:
            terms = list(dict.fromkeys(split(query.text)))
            hits = searcher.search(Or([Term("text", t) for t in terms]), limit=10) if terms else []
            ranked = [e.source.item for hit in hits for e in [by_id[hit["id"]]] if kinds[e.source.document_id] == query.kind]
            ranks = [i for i, item in enumerate(ranked, 1) if item in query.relevant]
            recall += bool(ranks and ranks[0] == 1)
            rr += 1 / ranks[0] if ranks else 0.0
    n = len(answerable) or 1
    no_answer = 0.0 if len(answerable) < len(queries) else None
    return recall / n, rr / n, no_answer


by_id: dict = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=list(DATASETS), help="run one dataset")
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
            build_index(content, Path(tmp))
            kb = KnowledgeBase.open(tmp)
            ours = evaluate(kb, queries)
            kb.close()
        unanswerable = ours.queries - ours.answerable
        # "handled right": answerable questions answered with a right entry, unanswerable
        # ones refused. A baseline always answers with its first hit.
        handled = (ours.answered_correctly * ours.answerable + (ours.no_answer_accuracy or 0) * unanswerable) / ours.queries
        rows = {"ours": (ours.recall_at_1, ours.mrr_at_10, ours.no_answer_accuracy, handled)}
        for system, split in (("bm25 char bigrams", bigrams), ("bm25 sudachi A", sudachi_a)):
            r1, mrr, na = baseline_scores(content.entries, queries, split, kinds)
            rows[system] = (r1, mrr, na, r1 * ours.answerable / ours.queries)
        print(f"\n{name}: {len(queries)} queries, {len(content.entries)} entries")
        print(f"  {'system':<20}{'Recall@1':>10}{'MRR@10':>10}{'no-answer':>11}{'handled right':>15}")
        for system, (r1, mrr, na, right) in rows.items():
            na_text = "n/a" if na is None else f"{na:.3f}"
            print(f"  {system:<20}{r1:>10.3f}{mrr:>10.3f}{na_text:>11}{right:>15.3f}")
        for system in ("bm25 char bigrams", "bm25 sudachi A"):
            r1, mrr, _, right = rows[system]
            print(f"  ours / {system}: Recall@1 ×{ours.recall_at_1 / r1:.2f}, MRR@10 ×{ours.mrr_at_10 / mrr:.2f}, "
                  f"handled right ×{handled / right:.2f}")


if __name__ == "__main__":
    main()
