"""Fit the answer decision (kb/decision.py) and write its coefficients to kb/data/decision.json.

    python bench/fit_decision.py            # fit, print cross-validated figures, write the file
    python bench/fit_decision.py --dry-run  # fit and print only
    python bench/fit_decision.py --semantic --amagasaki IX   # the model used with the encoder

Labelled questions:
- on the seed index: ../shared/eval/dev-queries.jsonl, bench/data/decision-questions.jsonl
  (our own: resident paraphrases, procedure/place/time/cost near misses, single keywords,
  garbage, English) and every localgovFAQ dev question (other city services: unanswerable here);
- on the 1,786 Amagasaki FAQs: the localgovFAQ dev questions (answerable when the first hit
  is a judged FAQ).
A question is a positive when it is answerable and the first hit is right: answering it is
right; anything else should be refused. Figures are 5-fold cross-validated. scikit-learn is
needed here only (pip install scikit-learn); the runtime reads the coefficients.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.answer import decision_features, is_broad, is_greeting, is_japanese, is_too_short  # noqa: E402
from kb.encoder import load_encoder, semantic_status  # noqa: E402
from kb.evaluate import read_queries  # noqa: E402
from kb.indexer import build_index  # noqa: E402
from kb.ingest import load_content  # noqa: E402
from kb.search import KnowledgeBase  # noqa: E402

SHARED = ROOT.parent / "shared"
LGFAQ = SHARED / "corpora" / "localgovfaq-amagasaki"
FEATURES = ["coverage", "specificity", "margin", "unknown", "words", "mismatch"]
SEED_WEIGHT = 8.0
MIN_ANSWERED = 0.975  # share of right first hits every seed group must keep answered (cross-validated)
OUT = ROOT / "kb" / "data" / "decision.json"


def labelled_rows(kb: KnowledgeBase, queries, group: str, force_negative: bool = False):
    """(group, query, features, label) for every question the model decides on."""
    rows = []
    for query in queries:
        if is_greeting(query.text) or is_too_short(query.text) or not is_japanese(query.text):
            continue
        parsed = kb.parse(query.text)
        hits = kb.search(parsed, limit=10)
        if parsed.is_empty or not hits or is_broad(parsed, hits):
            continue
        entry = hits[0].entry
        item = entry.source.item if kb.documents[entry.source.document_id].kind == query.kind else None
        right = not force_negative and bool(query.relevant) and item in query.relevant
        rows.append((group, query, decision_features(kb, parsed, hits), int(right), hits[0].noun_matches > 0))
    return rows


def collect(workdir: Path, encoder, amagasaki: Path | None):
    seed = workdir / "seed"
    build_index(load_content([ROOT / "content"]), seed, encoder=encoder)
    if amagasaki is None:  # embedding 1,786 FAQs takes minutes: --amagasaki reuses a build
        amagasaki = workdir / "amagasaki"
        build_index(load_content([LGFAQ / "faqs.jsonl", ROOT / "content" / "synonyms.txt"]), amagasaki, encoder=encoder)
    seed_kb, amagasaki_kb = KnowledgeBase.open(seed), KnowledgeBase.open(amagasaki)
    lgfaq = read_queries(LGFAQ / "queries-dev.jsonl")
    rows = labelled_rows(seed_kb, read_queries(SHARED / "eval" / "dev-queries.jsonl"), "seed dev")
    rows += labelled_rows(seed_kb, read_queries(ROOT / "bench" / "data" / "decision-questions.jsonl"), "seed ours")
    rows += labelled_rows(seed_kb, lgfaq, "seed vs other services", force_negative=True)
    rows += labelled_rows(amagasaki_kb, lgfaq, "amagasaki")
    return rows


def sweep(p, y, nouns, groups) -> float:
    """Print, per threshold, each group's share of right first hits answered and of the rest
    refused; return the threshold that, keeping ≥ MIN_ANSWERED of every seed group's right
    first hits answered, handles most seed questions right (answered or refused)."""
    print("threshold  " + "  ".join(f"{g[:22]:>22}" for g in dict.fromkeys(groups)))
    best, best_score = 0.2, -1.0
    for threshold in np.arange(0.2, 0.86, 0.05):
        answered = (p >= threshold) & nouns
        cells, keeps, score = [], True, 0.0
        for g in dict.fromkeys(groups):
            sel = groups == g
            pos, neg = sel & (y == 1), sel & (y == 0)
            tp = (answered & pos).sum() / max(pos.sum(), 1)
            tn = (~answered & neg).sum() / max(neg.sum(), 1)
            cells.append(f"{tp:.3f}/{tn:.3f}".rjust(22))
            keeps &= tp >= MIN_ANSWERED or not g.startswith("seed") or not pos.any()
            score += (tp + tn) if g.startswith("seed") else 0.0
        print(f"  {threshold:.2f}     " + "  ".join(cells))
        if keeps and score > best_score + 1e-9:
            best, best_score = float(threshold), score
    print("cells: share of right first hits answered / share of the rest refused")
    return best


def main() -> None:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    parser = argparse.ArgumentParser()
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--semantic", action="store_true", help="fit the model used with the packaged encoder")
    parser.add_argument("--amagasaki", type=Path, help="an index of the Amagasaki FAQs built with the same encoder")
    args = parser.parse_args()
    variant = "semantic" if args.semantic else "lexical"
    encoder = load_encoder("on") if args.semantic else None
    if args.semantic and encoder is None:
        sys.exit("the packaged encoder does not load: " + semantic_status())
    features = FEATURES + ["semantic"] * args.semantic
    with tempfile.TemporaryDirectory() as tmp:
        rows = collect(Path(tmp), encoder, args.amagasaki)
    x = np.array([[f[name] for name in features] for _, _, f, _, _ in rows])
    y = np.array([label for *_, label, _ in rows])
    nouns = np.array([n for *_, n in rows])
    groups = np.array([g for g, *_ in rows])
    # The city's own knowledge base is what residents ask: its questions count SEED_WEIGHT×.
    weight = np.where(np.char.startswith(groups, "seed"), SEED_WEIGHT, 1.0)
    weight *= np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
    model = LogisticRegression(C=1.0, max_iter=1000)
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    p = cross_val_predict(model, x, y, cv=folds, method="predict_proba", params={"sample_weight": weight})[:, 1]
    print(f"{len(rows)} questions, {y.sum()} positives")
    print("cross-validated (each question scored by a model fitted without it), per threshold:")
    sweep(p, y, nouns, groups)
    model.fit(x, y, sample_weight=weight)
    print("the shipped model (fitted on all), per threshold:")
    best = sweep(model.predict_proba(x)[:, 1], y, nouns, groups)
    weights = {name: round(float(w), 4) for name, w in zip(features, model.coef_[0])}
    fitted = {"bias": round(float(model.intercept_[0]), 4), "weights": weights, "threshold": round(best, 2)}
    print("fitted:", json.dumps(fitted, ensure_ascii=False))
    if not args.dry_run:
        data = json.loads(OUT.read_text("utf-8"))
        data["decision_command"] = "python bench/fit_decision.py [--semantic]"
        data["decision_fitted_on"] = __doc__.split("Labelled questions:")[1].split("A question")[0].strip()
        data["models"][variant] = {**fitted, "features": features}
        OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print("wrote", OUT.relative_to(ROOT))


if __name__ == "__main__":
    main()
