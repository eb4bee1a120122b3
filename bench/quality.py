"""Ranking quality on the localgovFAQ dev half for any system that ranks FAQ ids."""
from __future__ import annotations

import json
from typing import Callable

from corpora import LOCALGOV_QUERIES


def localgov_scores(rank: Callable[[str], list[str]]) -> dict:
    """Recall@1 (a grade-2 FAQ first), Recall@10 (share of a query's relevant FAQs in the top
    10, the public leaderboard's definition) and MRR@10, over every dev query."""
    rows = [json.loads(line) for line in LOCALGOV_QUERIES.read_text("utf-8").splitlines() if line.strip()]
    first2 = first_any = recall10 = rr = 0.0
    for row in rows:
        items = [str(item) for item in rank(row["query"])[:10]]
        grades = {str(k): v for k, v in row["grades"].items()}
        first2 += bool(items) and grades.get(items[0]) == 2
        first_any += bool(items) and items[0] in grades
        recall10 += len(set(items) & set(grades)) / len(grades)
        ranks = [i for i, item in enumerate(items, 1) if item in grades]
        rr += 1 / ranks[0] if ranks else 0.0
    n = len(rows)
    with_grade2 = sum(1 for row in rows if 2 in row["grades"].values())
    return {"queries": n, "recall_at_1": first2 / n, "with_grade2": with_grade2,
            "recall_at_1_of_with_grade2": first2 / with_grade2, "recall_at_1_any_grade": first_any / n,
            "recall_at_10": recall10 / n, "mrr_at_10": rr / n}
