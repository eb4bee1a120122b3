"""Choose the ranking weights (kb/ranking.py) and write them to kb/data/decision.json.

    python bench/fit_ranking.py --work bench/.work           # semantic path (builds with the encoder)
    python bench/fit_ranking.py --work bench/.work --lexical # lexical path only

For every weight combination in a small grid it prints Recall@1 (a grade-2 FAQ first) and
Recall@10 on the localgovFAQ dev half (Amagasaki FAQs) and which seed questions
(../shared/eval/dev-queries.jsonl and bench/data/decision-questions.jsonl, answerable ones)
get a wrong first hit. The chosen weights are those that rank every seed question right and,
among them, give the best Recall@1 + Recall@10 on the localgovFAQ half: the city's own
documents come first, the larger corpus decides between the rest.
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.encoder import choose_semantic, load_encoder  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.query import lexical_clauses  # noqa: E402
from kb.search import CANDIDATES, KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared"
LGFAQ = SHARED / "corpora" / "localgovfaq-amagasaki"
OUT = ROOT / "kb" / "data" / "decision.json"
FEATURES = ("coverage", "sentence", "bm25", "semantic")
GRID = {"coverage": (1.0, 1.5, 2.0, 2.5), "sentence": (0.0, 0.5, 1.0), "bm25": (0.0, 0.25, 0.5, 1.0), "semantic": (20.0, 25.0, 30.0, 35.0, 40.0)}


def candidate_features(kb: KnowledgeBase, text: str, semantic: bool) -> tuple[np.ndarray, np.ndarray]:
    """(candidate rows, rows × FEATURES) as KnowledgeBase.search computes them."""
    parsed = kb.parse(text)
    scores = kb.lexical.score(lexical_clauses(parsed))
    similarity = kb.similarities(parsed.text) if semantic else None
    rows = np.argsort(-scores)[:CANDIDATES]
    rows = rows[scores[rows] > 0]
    if similarity is not None:
        rows = np.union1d(rows, np.argsort(-similarity)[:CANDIDATES])
    coverage, _ = kb.coverages(parsed, rows)
    features = [coverage, kb.sentence_coverages(parsed, rows), scores[rows] / (scores.max() or 1.0),
                similarity[rows] if similarity is not None else np.zeros(len(rows))]
    return rows, np.stack(features, axis=1)


def collect(kb: KnowledgeBase, queries, semantic: bool) -> list:
    """Per question: (items of the candidates, features, most relevant items, relevant items)."""
    out = []
    for query in queries:
        rows, x = candidate_features(kb, query.text, semantic)
        items = [kb.entries[kb._ids[r]].source.item for r in rows]
        out.append((items, x, set(query.best), set(query.relevant)))
    return out


def measure(data: list, weights: np.ndarray) -> tuple[float, float, list[int]]:
    """(Recall@1 over questions with a most relevant item, Recall@10, indices of wrong first hits)."""
    r1 = r10 = with_best = 0
    wrong = []
    for index, (items, x, best, relevant) in enumerate(data):
        order = np.argsort(-(x @ weights))[:10]
        first = items[order[0]] if len(order) else None
        if best:
            with_best += 1
            r1 += first in best
        if first not in relevant:
            wrong.append(index)
        r10 += len({items[i] for i in order} & relevant) / len(relevant)
    return r1 / max(with_best, 1), r10 / max(len(data), 1), wrong


def objective(data: list, seed: list, weights: np.ndarray) -> float:
    """What the weights are chosen by: every seed question right, then R@1 + R@10 on `data`."""
    r1, r10, _ = measure(data, weights)
    return r1 + r10 - 10 * len(measure(seed, weights)[2])


def choose(data: list, seed: list, grid: dict) -> np.ndarray:
    """The best weights of the grid on `data` (the first of equals, in grid order)."""
    combos = [np.array(combo) for combo in itertools.product(*grid.values())]
    return max(combos, key=lambda weights: objective(data, seed, weights))


def two_fold_recall(data: list, seed: list, grid: dict, splits: int = 5) -> float:
    """Recall@1 of weights chosen on one random half of `data`, measured on the other:
    how much of the fitted figure is fitting."""
    rng = np.random.default_rng(0)
    found = []
    for _ in range(splits):
        order = rng.permutation(len(data))
        halves = [data[i] for i in order[: len(data) // 2]], [data[i] for i in order[len(data) // 2:]]
        for train, test in (halves, halves[::-1]):
            found.append(measure(test, choose(train, seed, grid))[0])
    return float(np.mean(found))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--work", type=Path, required=True, help="where the two indexes are built (vectors cached)")
    parser.add_argument("--lexical", action="store_true", help="fit the lexical path's weights")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    semantic = not args.lexical
    encoder = load_encoder("on") if semantic else None
    choose_semantic("on" if semantic else "off")
    # the folders bench/retrieval.py --work uses: their vector caches are shared
    indexes = {"seed": ("seed-dev-queries", [ROOT / "content"]),
               "amagasaki": ("localgovFAQ-dev-half", [LGFAQ / "faqs.jsonl", ROOT / "content" / "synonyms.txt"])}
    kbs = {}
    for name, (folder, sources) in indexes.items():
        build_index(load_content(sources), args.work / folder, encoder=encoder)
        kbs[name] = KnowledgeBase.open(args.work / folder)
    seed_queries = [q for f in (SHARED / "eval" / "dev-queries.jsonl", ROOT / "bench" / "data" / "decision-questions.jsonl")
                    for q in read_queries(f) if q.relevant]
    seed = collect(kbs["seed"], seed_queries, semantic)
    amagasaki = collect(kbs["amagasaki"], read_queries(LGFAQ / "queries-dev.jsonl"), semantic)
    grid = {**GRID, "semantic": GRID["semantic"] if semantic else (0.0,)}
    for combo in itertools.product(*grid.values()):
        r1, r10, _ = measure(amagasaki, np.array(combo))
        *_, wrong = measure(seed, np.array(combo))
        print(" ".join(f"{n}={w:g}" for n, w in zip(FEATURES, combo)),
              f"localgovFAQ R@1={r1:.3f} R@10={r10:.3f} seed wrong: {[seed_queries[i].qid for i in wrong]}")
    best = choose(amagasaki, seed, grid)
    chosen = {n: float(w) for n, w in zip(FEATURES, best) if n != "semantic" or semantic}
    print("chosen:", chosen)
    print("2-fold Recall@1 on the localgovFAQ half (weights chosen on one half, measured on the other, 5 splits):",
          f"{two_fold_recall(amagasaki, seed, grid):.3f}")
    if not args.dry_run:
        data = json.loads(OUT.read_text("utf-8"))
        data["ranking"]["semantic" if semantic else "lexical"] = chosen
        data["ranking"]["command"] = "python bench/fit_ranking.py --work bench/.work [--lexical]"
        OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    main()
