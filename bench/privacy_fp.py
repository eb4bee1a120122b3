"""False positives of the personal-data mask on real residents' questions.

    python bench/privacy_fp.py

Masks every question of ../shared/eval/dev-queries.jsonl and
../shared/corpora/localgovfaq-amagasaki/queries-dev.jsonl (and, as a larger check, the
1,786 questions of the Amagasaki FAQ itself and the seed's own questions) and counts the
ones the mask altered. None of them holds personal data, so every alteration is a false
positive, except where a question really contains a number of 8 digits or more.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.ingest import load_content  # noqa: E402
from kb.privacy import mask_for_record, mask_personal_data  # noqa: E402
from kb.privacy.folding import fold  # noqa: E402

SHARED = ROOT.parent / "shared"
QUERY_FILES = {
    "seed dev queries": SHARED / "eval" / "dev-queries.jsonl",
    "Amagasaki dev queries": SHARED / "corpora" / "localgovfaq-amagasaki" / "queries-dev.jsonl",
}
LONG_NUMBER = re.compile(r"[0-9]{8,}")


def read_questions(path: Path) -> list[str]:
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    return [row.get("query") or row["question"] for row in rows]


def false_positives(questions: list[str], mask=mask_personal_data) -> tuple[list[str], int]:
    """Questions altered although they hold no number of ≥ 8 digits; and how many do hold one."""
    altered, long_numbers = [], 0
    for question in questions:
        if LONG_NUMBER.search(fold(question).text):
            long_numbers += 1
        elif mask(question).text != question:
            altered.append(question)
    return altered, long_numbers


def main() -> int:
    sets = {name: read_questions(path) for name, path in QUERY_FILES.items()}
    sets["Amagasaki FAQ questions"] = read_questions(SHARED / "corpora" / "localgovfaq-amagasaki" / "faqs.jsonl")
    sets["seed entry questions"] = [e.question for e in load_content([ROOT / "content"]).entries]
    for label, mask in (("searched and shown (mask_personal_data)", mask_personal_data),
                        ("stored and logged (mask_for_record, 4-digit rule)", mask_for_record)):
        print(f"## {label}")
        total_altered = total = 0
        for name, questions in sets.items():
            altered, long_numbers = false_positives(questions, mask)
            ordinary = len(questions) - long_numbers
            total_altered, total = total_altered + len(altered), total + ordinary
            print(f"{name}: {len(altered)} of {ordinary} ordinary questions altered "
                  f"({len(altered) / max(ordinary, 1):.1%}); {long_numbers} hold a number of ≥ 8 digits")
            for question in altered:
                print(f"    altered: {question} → {mask(question).text}")
        print(f"false-positive rate: {total_altered} of {total} ({total_altered / max(total, 1):.2%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
