"""Fit the answer decision (kb/decision.py) on real, varied data and write its coefficients.

    python bench/decision_data.py --work bench/.work [--semantic]   # the labelled rows first
    python bench/fit_decision.py --work bench/.work [--semantic] [--dry-run]

Rows (bench/decision_data.py): the leave-content-out protocol on the localgovFAQ dev half,
as published (lco-even) and with the other half of the judged FAQs removed (lco-odd), and
our labelled seed questions at ordinary weight. A row is a positive when answering with
its best entry is right. Every figure printed is cross-validated: 5 folds grouped by query
(a localgovFAQ query's lco-even and lco-odd rows are never split), each row scored by a
model fitted without its fold. The thresholds are chosen on those figures (see `choose`):
the seed's bar first, then the best precision on the protocol; "close" (not sure: the
nearest entries, shown as related text) from half the answer threshold.
scikit-learn is needed here only; the runtime reads the coefficients.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "kb" / "data" / "decision.json"
# "coverage" (the whole entry, an opinion included) is not one: city_coverage is the same
# for FAQs and leaves a public comment's opinion out, as evidence of what the city said
FEATURES = ["city_coverage", "sentence", "specificity", "margin", "unknown", "words",
            "mismatch", "lexical_first", "missing_rare", "reverse"]
SEMANTIC = ["semantic", "semantic_lead", "semantic_first", "answer_semantic", "question_semantic"]
PROTOCOL_SETS = ("lco-even", "lco-odd")
SEED_BAR_SETS = ("seed-dev", "seed-ours")  # the dev queries and our labelled seed questions
SEED_BAR = 0.95
# At ordinary weight the seed's near misses (a procedure or service question against a policy
# statement on the same subject) were refused at 0.93 cross-validated: Amagasaki's FAQs say
# little about that kind of miss. 4x keeps them at 0.99 for a few points of protocol precision.
SEED_WEIGHT = 4.0


# The sign each weight may take: more evidence never lowers the confidence, a word no entry
# holds never raises it. Unconstrained, collinear features took weights of either sign that
# fitted Amagasaki and told nothing about other content (city_coverage came out negative).
RAISES = {"city_coverage", "sentence", "specificity", "margin", "lexical_first", "reverse", "semantic",
          "semantic_lead", "semantic_first", "answer_semantic", "question_semantic"}
LOWERS = {"unknown", "mismatch", "missing_rare"}


class SignedLogistic:
    """Logistic regression (L2, classes balanced) on standardised features whose weights
    keep the signs RAISES and LOWERS give: scipy's L-BFGS-B with bounds."""

    def __init__(self, features: list[str], C: float = 1.0, sample_weight=None):
        self.features, self.C, self.sample_weight = features, C, sample_weight

    def fit(self, x, y, sample_weight=None):
        from scipy.optimize import minimize

        self.mean_, self.scale_ = x.mean(axis=0), x.std(axis=0) + 1e-9
        z = (x - self.mean_) / self.scale_
        weight = np.where(y == 1, len(y) / (2 * max(y.sum(), 1)), len(y) / (2 * max(len(y) - y.sum(), 1)))
        weight = weight * (1.0 if sample_weight is None else sample_weight)

        def loss(theta):
            margin = z @ theta[:-1] + theta[-1]
            p = 1 / (1 + np.exp(-margin))
            value = (weight * (np.logaddexp(0, margin) - y * margin)).sum() + 0.5 / self.C * theta[:-1] @ theta[:-1]
            grad = np.append(z.T @ (weight * (p - y)) + theta[:-1] / self.C, (weight * (p - y)).sum())
            return value, grad

        bounds = [(0, None) if f in RAISES else (None, 0) if f in LOWERS else (None, None) for f in self.features]
        theta = minimize(loss, np.zeros(z.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds + [(None, None)]).x
        self.coef_, self.intercept_ = theta[:-1], theta[-1]
        return self

    def predict_proba(self, x):
        p = 1 / (1 + np.exp(-(((x - self.mean_) / self.scale_) @ self.coef_ + self.intercept_)))
        return np.stack([1 - p, p], axis=1)

    def raw(self) -> tuple[float, np.ndarray]:
        """(bias, weights) on the features' own scale, as kb/decision.py reads them."""
        weights = self.coef_ / self.scale_
        return float(self.intercept_ - weights @ self.mean_), weights


def cross_validated(model: SignedLogistic, x, y, groups, weight, folds: int = 5) -> np.ndarray:
    """Each row's probability from a model fitted without its fold (folds grouped)."""
    from sklearn.model_selection import GroupKFold

    p = np.zeros(len(y))
    for train, test in GroupKFold(folds).split(x, y, groups):
        fitted = SignedLogistic(model.features, model.C).fit(x[train], y[train], weight[train])
        p[test] = fitted.predict_proba(x[test])[:, 1]
    return p


def load(path: Path, features: list[str]):
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    x = np.array([[r["features"].get(f, 0.0) for f in features] for r in rows], np.float64)
    y = np.array([r["kind"] == "answerable" and r["right"] for r in rows], int)
    decidable = np.array([r["early"] is None and r["nouns"] for r in rows])
    groups = np.array([r["qid"] if r["set"] in PROTOCOL_SETS + ("seed-other-services",) else r["set"] + r["qid"]
                       for r in rows])
    return rows, x, y, decidable, groups


def figures(rows, answered: np.ndarray, wanted_sets) -> dict[str, float]:
    """The protocol's figures over the rows of `wanted_sets`: answered_right, refused,
    precision, handled_right (a refused answerable row and a wrong answer are both wrong)."""
    pick = [i for i, r in enumerate(rows) if r["set"] in wanted_sets]
    answerable = [i for i in pick if rows[i]["kind"] == "answerable"]
    unanswerable = [i for i in pick if rows[i]["kind"] == "unanswerable"]
    right = sum(bool(answered[i] and rows[i]["right"]) for i in answerable)
    refused = sum(not answered[i] for i in unanswerable)
    given = sum(bool(answered[i]) for i in pick)
    judged = sum(bool(answered[i] and rows[i]["right"]) for i in pick)
    return {
        "answered_right": right / max(len(answerable), 1),
        "refused": refused / max(len(unanswerable), 1),
        "precision": judged / max(given, 1),
        "handled_right": (right + refused) / max(len(pick), 1),
    }


def choose(rows, p, decidable) -> tuple[float, float]:
    """(answer threshold, close threshold) from cross-validated probabilities. The city's
    own content first: of the thresholds that answer at least SEED_BAR of the seed's
    answerable questions right and refuse SEED_BAR of the rest, the one with the best
    precision on the protocol (ties: the one that handles more protocol questions right).
    "close" starts at half of it: below, nothing published is near enough to show."""
    best, best_key = None, None
    for t in np.arange(0.05, 0.96, 0.01):
        answered = decidable & (p >= t)
        seed = figures(rows, answered, SEED_BAR_SETS)
        protocol = figures(rows, answered, PROTOCOL_SETS)
        meets = seed["answered_right"] >= SEED_BAR and seed["refused"] >= SEED_BAR
        # no threshold meets the seed's bar: the one that comes nearest on both counts
        key = (meets, round(protocol["precision"], 3) if meets else min(seed["answered_right"], seed["refused"]),
               protocol["handled_right"])
        if best_key is None or key > best_key:
            best, best_key = float(t), key
    return round(best, 2), round(best / 2, 2)


def report(rows, p, decidable, answer_at: float, close_at: float) -> None:
    answered = decidable & (p >= answer_at)
    close = decidable & ~answered & (p >= close_at)
    for sets in (("lco-even",), ("lco-odd",), tuple(sorted({r["set"] for r in rows if r["set"].startswith("seed")}))):
        f = figures(rows, answered, sets)
        pick = [i for i, r in enumerate(rows) if r["set"] in sets]
        closes = sum(bool(close[i]) for i in pick) / max(len(pick), 1)
        print(f"  {'+'.join(sets)[:40]:40} " + "  ".join(f"{k} {v:.3f}" for k, v in f.items()) + f"  close {closes:.3f}")
    for group in sorted({r["set"] for r in rows if r["set"].startswith("seed")}):
        f = figures(rows, answered, (group,))
        print(f"    {group:22} answered right {f['answered_right']:.3f}  refused {f['refused']:.3f}")


def transfer(model, x, y, rows, fit) -> None:
    """Fitted on the Amagasaki protocol rows alone, how does the model rank the seed's
    questions (other content, another city)? Features that learn one corpus's topics
    (tried: the question and entry vectors themselves) fail here first."""
    from sklearn.metrics import roc_auc_score

    protocol = np.array([r["set"] in PROTOCOL_SETS for r in rows]) & fit
    seed = np.array([r["set"].startswith("seed") for r in rows]) & fit
    p = SignedLogistic(model.features, model.C).fit(x[protocol], y[protocol]).predict_proba(x[seed])[:, 1]
    print(f"  fitted on the protocol rows only, seed rows' AUC {roc_auc_score(y[seed], p):.3f}")


def main() -> None:

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / ".work")
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--seed-weight", type=float, default=SEED_WEIGHT, help="weight of the seed rows against the protocol rows")
    args = parser.parse_args()
    variant = "semantic" if args.semantic else "lexical"
    features = FEATURES + SEMANTIC * args.semantic
    rows, x, y, decidable, groups = load(args.work / f"decision-rows-{variant}.jsonl", features)
    fit = decidable  # rows without a decision (too_short, no noun held) teach nothing
    # standardised inside the fit (cosines vary within ~0.1: raw, regularisation would
    # flatten them), shipped on the raw scale
    model = SignedLogistic(features)
    p = np.zeros(len(rows))
    weight = np.array([args.seed_weight if r["set"].startswith("seed") else 1.0 for r in rows])
    p[fit] = cross_validated(model, x[fit], y[fit], groups[fit], weight[fit])
    answer_at, close_at = choose(rows, p, decidable)
    print(f"{variant}: {len(rows)} rows, {fit.sum()} decided, {y[fit].sum()} positives")
    print(f"cross-validated, answer at p >= {answer_at}, close at p >= {close_at}:")
    report(rows, p, decidable, answer_at, close_at)
    best_first = figures(rows, decidable, PROTOCOL_SETS)["precision"]
    print(f"  (the first hit is right for {best_first:.3f} of the decided protocol rows)")
    transfer(model, x, y, rows, fit)
    model.fit(x[fit], y[fit], weight[fit])
    bias, raw = model.raw()
    fitted = {
        "bias": round(bias, 4),
        "weights": {f: round(float(w), 4) for f, w in zip(features, raw)},
        "threshold": answer_at, "close_threshold": close_at, "features": features,
    }
    print("fitted:", json.dumps(fitted, ensure_ascii=False))
    if not args.dry_run:
        data = json.loads(OUT.read_text("utf-8"))
        data["models"][variant] = fitted
        data["decision_command"] = ("python bench/decision_data.py --work bench/.work [--semantic] && "
                                    "python bench/fit_decision.py --work bench/.work [--semantic]")
        data["decision_fitted_on"] = __doc__.split("Rows (bench/decision_data.py): ")[1].split(" A row")[0]
        data.pop("models_note", None)
        OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")
        print("wrote", OUT.relative_to(ROOT))


if __name__ == "__main__":
    main()
