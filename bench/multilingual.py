"""How far the packaged multilingual encoder (e5) carries questions in other languages.

    python bench/multilingual.py [--questions bench/data/multilingual-dev.jsonl]

Builds the seed with its vectors in a temporary folder, embeds each question of the file
(English, Chinese, Korean, Vietnamese, Portuguese; answerable and not) and prints, per
language: how often the right entry is the nearest by cosine, the nearest cosine of
answerable and of unanswerable questions, what the product does with them today, and
what a cosine threshold chosen on these questions alone would do (an upper bound: it is
fitted on the set it is scored on). Groundwork for answering them; nothing here ships.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb import KnowledgeBase, ask  # noqa: E402
from kb.encoder import load_encoder  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=Path, default=ROOT / "bench" / "data" / "multilingual-dev.jsonl")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.questions.read_text("utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory() as tmp:
        build_index(load_content([ROOT / "content"]), tmp, encoder=load_encoder("on"))
        kb = KnowledgeBase.open(tmp)
        item_of = {entry_id: kb.entries[entry_id].source.item for entry_id in kb.vectors.entry_ids}
        results = []
        for row in rows:
            scores = kb.similarities(row["query"])
            order = scores.argsort()[::-1]
            top = kb.vectors.entry_ids[order[0]]
            decision = ask(kb, row["query"])
            results.append({**row, "cosine": float(scores[order[0]]), "margin": float(scores[order[0]] - scores[order[1]]),
                            "nearest": item_of[top], "today": decision.kind})
        kb.close()
    by_lang = defaultdict(list)
    for result in results:
        by_lang[result["lang"]].append(result)
    print(f"{args.questions.name}: {len(rows)} questions; seed index with e5 vectors\n")
    print("| language | answerable: nearest is right | answerable cosine (min–max) | unanswerable cosine (min–max) "
          "| today: answered / refused |")
    print("|---|---|---|---|---|")
    for lang, group in [*by_lang.items(), ("all", results)]:
        good = [r for r in group if r["relevant_items"]]
        bad = [r for r in group if not r["relevant_items"]]
        right = sum(r["nearest"] in r["relevant_items"] for r in good)
        answered = sum(r["today"] == "answer" for r in group)
        print(f"| {lang} | {right}/{len(good)} | {_span(good)} | {_span(bad)} | {answered} / {len(group) - answered} |")
    threshold, figures = _best_threshold(results)
    print(f"\nbest single cosine threshold on this set (fitted on it: an upper bound): {threshold:.3f} → "
          f"answered right {figures[0]}/{figures[1]}, refused {figures[2]}/{figures[3]}")
    for r in sorted(results, key=lambda r: -r["cosine"]):
        mark = "✓" if (r["nearest"] in r["relevant_items"]) else ("·" if not r["relevant_items"] else "✗")
        print(f"  {r['cosine']:.3f} (+{r['margin']:.3f}) {mark} {r['qid']} nearest No.{r['nearest']} "
              f"want {r['relevant_items'] or 'none'} today {r['today']}: {r['query']}")


def _span(group: list[dict]) -> str:
    if not group:
        return "–"
    values = [r["cosine"] for r in group]
    return f"{min(values):.3f}–{max(values):.3f}"


def _best_threshold(results: list[dict]) -> tuple[float, tuple[int, int, int, int]]:
    good = [r for r in results if r["relevant_items"]]
    bad = [r for r in results if not r["relevant_items"]]
    best = (-1.0, 0.0, (0, 0, 0, 0))
    for threshold in sorted({r["cosine"] for r in results}):
        right = sum(r["cosine"] >= threshold and r["nearest"] in r["relevant_items"] for r in good)
        refused = sum(r["cosine"] < threshold for r in bad)
        wrong = sum(r["cosine"] >= threshold and r["nearest"] not in r["relevant_items"] for r in good)
        score = right / len(good) + refused / len(bad) - wrong / len(good)
        if score > best[0]:
            best = (score, threshold, (right, len(good), refused, len(bad)))
    return best[1], best[2]


if __name__ == "__main__":
    main()
