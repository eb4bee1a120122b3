"""Markdown tables of a bench/speed.py run: latency and build, ratios, quality."""
from __future__ import annotations

LATENCY_KEYS = ("p50_ms", "p99_ms", "cpu_p50_ms", "cpu_p99_ms", "cpu_mean_ms")


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _num(value, digits=1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def _stopped(step: dict, results: dict) -> str:
    """Why a step has no figures, in words."""
    status = step.get("status")
    if status == "timeout":
        return f"did not finish in {results['timeout_s']:.0f} s ({step.get('cpu_s', 0):.0f} s CPU, {step.get('peak_rss_mb', 0):,.0f} MB)"
    if status == "memory":
        return f"stopped above {results['max_rss_mb']:.0f} MB RSS after {step.get('wall_s', 0):.0f} s"
    return f"failed ({status})"


def _systems(row: dict):
    """(label, build record, latency summary, run record) of every system in one size's results."""
    for mode, result in row.get("ours", {}).items():
        run = result.get("run", {})
        yield f"ours `kb.ask` ({mode})", result["build"], run.get("ask"), run
        if run.get("search"):
            yield f"ours `search` alone ({mode})", None, run.get("search"), run
    groonga = row.get("groonga", {})
    run = groonga.get("run", {})
    yield "Groonga, inside the server", groonga.get("build"), run.get("server"), run
    round_trip = {k: v for k, v in (run.get("ask") or {}).items() if not k.startswith("cpu_")}
    yield "Groonga, round trip over a pipe", None, round_trip, run
    bm25s = row.get("bm25s", {})
    yield "bm25s (Sudachi A)", bm25s if bm25s.get("status") == "ok" else None, bm25s.get("ask"), bm25s


def _row(size, label, build, latency, run, results) -> str:
    if build and build.get("status") not in (None, "ok"):
        return f"| {int(size):,} | {label} | build {_stopped(build, results)} |" + " |" * 8
    if run.get("status") not in (None, "ok"):
        timing = [_stopped(run, results)] + [""] * 5
    else:
        latency = latency or {}
        timing = [_ms(latency.get(key)) for key in LATENCY_KEYS] + [str(latency.get("n", "–"))]
    cost = ["", "", ""]
    if build:
        cpu = f" ({_num(build['cpu_s'])})" if "cpu_s" in build else ""
        cost = [f"{_num(build.get('wall_s'))}{cpu}", _num(build.get("peak_rss_mb"), 0), _num(build.get("index_mb"))]
    return f"| {int(size):,} | {label} | " + " | ".join(timing + cost) + " |"


def latency_and_build(results: dict) -> list[str]:
    lines = ["| entries | system | p50 ms | p99 ms | CPU p50 ms | CPU p99 ms | CPU mean ms | timed "
             "| build s (CPU s) | peak RSS MB | index MB |", "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, row in results["sizes"].items():
        lines += [_row(size, *system, results) for system in _systems(row)]
    return lines


def _ratio(a, b) -> str:
    return "–" if a is None or b is None or not b else f"{a / b:,.1f}×"


def _build_ratio(ours: dict, other: dict) -> str:
    """Build cost ratio: CPU seconds when both have them (robust to a loaded machine), else wall."""
    key = "cpu_s" if "cpu_s" in ours and "cpu_s" in other else "wall_s"
    return _ratio(ours.get(key), other.get(key)) + (" CPU" if key == "cpu_s" and ours else "")


def ratios(results: dict) -> list[str]:
    lines = ["| entries | ours mode | p50 ours/Groonga | p99 ours/Groonga | CPU mean ours/Groonga | p50 ours/bm25s "
             "| p99 ours/bm25s | CPU p50 ours/bm25s | build ours/Groonga | build ours/bm25s |",
             "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for size, row in results["sizes"].items():
        groonga = row.get("groonga", {})
        g_lat = groonga.get("run", {}).get("server") or {}
        b_lat = row.get("bm25s", {}).get("ask") or {}
        for mode, result in row.get("ours", {}).items():
            o_lat = result.get("run", {}).get("ask") or {}
            build = result["build"] if result["build"].get("status") == "ok" else {}
            cells = [_ratio(o_lat.get(k), g_lat.get(k)) for k in ("p50_ms", "p99_ms", "cpu_mean_ms")]
            cells += [_ratio(o_lat.get(k), b_lat.get(k)) for k in ("p50_ms", "p99_ms", "cpu_p50_ms")]
            cells += [_build_ratio(build, groonga.get("build", {})), _build_ratio(build, row.get("bm25s", {}))]
            lines.append(f"| {int(size):,} | {mode} | " + " | ".join(cells) + " |")
    return lines


def _quality_rows(size: str, systems) -> list[str]:
    lines = []
    for label, run in systems:
        scores = run.get("seed")
        if scores:
            unanswerable = scores["queries"] - scores["answerable"]
            lines.append(f"| seed dev queries ({scores['queries']}, {unanswerable} unanswerable) | {label} "
                         f"| {scores['recall_at_1']:.3f} | | | | {scores['mrr_at_10']:.3f} "
                         f"| {_num(scores['no_answer_accuracy'], 3)} | {scores['answered_correctly']:.3f} |")
    for label, run in systems:
        scores = run.get("localgov")
        if scores:
            lines.append(f"| localgovFAQ dev half ({scores['queries']} queries, {int(size):,} FAQs) | {label} "
                         f"| {scores['recall_at_1']:.3f} | {scores['recall_at_1_of_with_grade2']:.3f} "
                         f"| {scores['recall_at_1_any_grade']:.3f} | {scores['recall_at_10']:.3f} "
                         f"| {scores['mrr_at_10']:.3f} | | |")
    return lines


def quality(results: dict) -> list[str]:
    lines = ["| data set | system | Recall@1 | Recall@1, queries with a grade-2 FAQ | Recall@1, any judged FAQ "
             "| Recall@10 | MRR@10 | no-answer accuracy | answered right |",
             "|---|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size, row in results["sizes"].items():
        systems = [(f"ours ({m})", r.get("run", {})) for m, r in row.get("ours", {}).items()]
        systems += [("Groonga", row.get("groonga", {}).get("run", {})), ("bm25s (Sudachi A)", row.get("bm25s", {}))]
        lines += _quality_rows(size, systems)
    return lines


def merge(runs: list[dict]) -> dict:
    """Several runs' results as one (later sizes win; bounds from the first run)."""
    merged = {**runs[0], "sizes": {}}
    for run in runs:
        merged["sizes"].update(run["sizes"])
    return merged


def report(results: dict) -> str:
    """The whole report as markdown."""
    reused = [f"{int(size):,}: {row['reused_from']}" for size, row in results["sizes"].items() if "reused_from" in row]
    parts = [f"Groonga and bm25s figures reused from the cache (measured at {'; '.join(reused)}).", ""] if reused else []
    parts += [f"Per-question latency in-process over {results['questions']} questions (each loop stops after "
              f"{results['budget_s']:.0f} s; 'timed' = questions measured; CPU = CPU time of the answering "
              "process, for Groonga its mean per question); build in a child process.", "",
              *latency_and_build(results), "", "Ratios (Groonga: time inside the server):", "", *ratios(results)]
    rows = quality(results)
    if len(rows) > 2:
        parts += ["", "Quality. localgovFAQ: Recall@1 = a grade-2 (highly relevant) FAQ first, over all dev queries, "
                  "then over the queries that have a grade-2 FAQ; then any judged FAQ first; Recall@10 = share of a "
                  "query's judged FAQs in the top 10 (the public leaderboard's definition). Seed: `kb eval`'s figures.",
                  "", *rows]
    return "\n".join(parts)
