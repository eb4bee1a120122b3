"""Labelled decisions for fitting and judging the answer decision (bench/fit_decision.py).

    python bench/decision_data.py --work bench/.work [--semantic]

For every question of every set below: what the engine's first stage found, the decision's
features for its best entry (kb/evidence.py), and whether answering with it would be right.
Written to WORK/decision-rows-{lexical,semantic}.jsonl, one line per question.

Sets:
- lco-even   the leave-content-out protocol on the localgovFAQ dev half, exactly as
             ../shared/eval/leave_content_out.py prepares it (judged FAQs with even ids removed)
- lco-odd    the same with the odd ids removed instead: other content missing, same queries
             (a fold never mixes the two: rows are grouped by query)
- seed-*     our labelled questions on the seed (../shared/eval/dev-queries.jsonl and
             bench/data/*-questions.jsonl), and the localgovFAQ dev questions asked of the
             seed (other city services: nothing there answers them)
Builds share one vector cache under WORK, so only the first build embeds the FAQs.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.answer import decide_inputs  # noqa: E402
from kb.encoder import load_encoder, semantic_status  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402
from kb.vectors import CACHE_DIR  # noqa: E402

SHARED = ROOT.parent / "shared"
LGFAQ = SHARED / "corpora" / "localgovfaq-amagasaki"
SEED_SETS = {
    "seed-dev": SHARED / "eval" / "dev-queries.jsonl",
    "seed-ours": ROOT / "bench" / "data" / "decision-questions.jsonl",
    "seed-probe": ROOT / "bench" / "data" / "probe-questions.jsonl",
    "seed-probe2": ROOT / "bench" / "data" / "probe2-questions.jsonl",
}


def leave_content_out(parity: int, work: Path) -> tuple[Path, list[dict]]:
    """The protocol's content (judged FAQs whose id % 2 == parity removed) as a FAQ file,
    and its questions: {"qid", "query", "kind": answerable|unanswerable, "ok": [faq ids]}."""
    queries = [json.loads(line) for line in (LGFAQ / "queries-dev.jsonl").open(encoding="utf-8") if line.strip()]
    removed = {faq for q in queries for faq in q["grades"] if int(faq) % 2 == parity}
    content = work / f"lco-{parity}" / "faqs.jsonl"
    content.parent.mkdir(parents=True, exist_ok=True)
    with content.open("w", encoding="utf-8") as out:
        for line in (LGFAQ / "faqs.jsonl").open(encoding="utf-8"):
            if line.strip() and json.loads(line)["id"] not in removed:
                out.write(line)
    questions = []
    for q in queries:
        left = [faq for faq in q["grades"] if faq not in removed]
        if not left:
            questions.append({"qid": q["query_id"], "query": q["query"], "kind": "unanswerable", "ok": []})
        elif any(q["grades"][faq] == 2 for faq in left):
            questions.append({"qid": q["query_id"], "query": q["query"], "kind": "answerable", "ok": left})
    return content, questions


def build(content: list[Path], index: Path, cache: Path, encoder) -> KnowledgeBase:
    """Build `content` into `index`, its vectors cached in the shared `cache` folder."""
    index.mkdir(parents=True, exist_ok=True)
    if encoder is not None and not (index / CACHE_DIR).exists():
        (index / CACHE_DIR).symlink_to(cache.resolve(), target_is_directory=True)
    build_index(load_content(content), index, encoder=encoder)
    return KnowledgeBase.open(index)


def row(kb: KnowledgeBase, group: str, qid: str, text: str, ok: list[str], kind: str) -> dict:
    """One labelled decision: the features of the best entry and whether it is right."""
    inputs = decide_inputs(kb, text)
    best = inputs.hits[0].entry.source.item if inputs.hits else None
    return {
        "set": group, "qid": qid, "query": text, "kind": kind, "ok": ok,
        "early": inputs.early, "best": best, "right": best in ok, "nouns": inputs.nouns,
        "features": inputs.features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument("--semantic", action="store_true", help="with the packaged encoder (the default install)")
    args = parser.parse_args()
    encoder = load_encoder("on") if args.semantic else None
    if args.semantic and encoder is None:
        sys.exit("the packaged encoder does not load: " + semantic_status())
    variant = "semantic" if args.semantic else "lexical"
    work = args.work / "decision"
    cache = args.work / "decision" / CACHE_DIR
    cache.mkdir(parents=True, exist_ok=True)
    rows = []
    for parity, group in ((0, "lco-even"), (1, "lco-odd")):
        content, questions = leave_content_out(parity, work)
        kb = build([content], work / f"lco-{parity}" / f"index-{variant}", cache, encoder)
        rows += [row(kb, group, q["qid"], q["query"], q["ok"], q["kind"]) for q in questions]
        print(group, len(questions), "questions", file=sys.stderr)
    seed = build([ROOT / "content"], work / f"seed-{variant}", cache, encoder)
    for group, path in SEED_SETS.items():
        for q in read_queries(path):
            rows.append(row(seed, group, q.qid, q.text, list(q.relevant),
                            "answerable" if q.relevant else "unanswerable"))
    for q in read_queries(LGFAQ / "queries-dev.jsonl"):
        rows.append(row(seed, "seed-other-services", q.qid, q.text, [], "unanswerable"))
    out = args.work / f"decision-rows-{variant}.jsonl"
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    print("wrote", out, len(rows), "rows", file=sys.stderr)
    shutil.rmtree(work / f"seed-{variant}", ignore_errors=True)


if __name__ == "__main__":
    main()
