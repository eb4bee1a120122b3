"""Synthetic FAQ corpora of any size built from the Amagasaki FAQs, and the timed questions.

A corpus of N entries holds the 1,786 real FAQs (so the localgovFAQ judgements still point at
them) plus N − 1,786 synthetic ones: the question of one FAQ followed by a sentence of another
FAQ's answer, and an answer made of the first half of one FAQ's answer and the second half of
another's. Same seed, same corpus. Written as the FAQ-table JSONL that `kb build --content`
reads (`id, question, answer, category`).
"""
from __future__ import annotations

import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
AMAGASAKI = SHARED / "corpora" / "localgovfaq-amagasaki"
FAQS = AMAGASAKI / "faqs.jsonl"
LOCALGOV_QUERIES = AMAGASAKI / "queries-dev.jsonl"
SEED_QUERIES = SHARED / "eval" / "dev-queries.jsonl"
SEED = 20261127

_SENTENCE_END = re.compile(r"(?<=[。？！])")
_FURNITURE = re.compile(r"^[■＜【]")
_QUESTION_ENDING = re.compile(r"(?:のですが|んですが|ですか|ますか|でしょうか|か)?[？?。]*$")


def read_faqs(path: Path = FAQS) -> list[dict]:
    """The real FAQs, one dict per line."""
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def sentences(text: str) -> list[str]:
    """`text` cut after each 。？！ (empty pieces dropped)."""
    return [s for s in _SENTENCE_END.split(text) if s.strip()]


def _short_sentence(faq: dict, rng: random.Random) -> str:
    """A sentence of the FAQ's answer that is not page furniture, at most 80 characters."""
    plain = [s for s in sentences(faq["answer"]) if not _FURNITURE.match(s)] or sentences(faq["answer"])
    return rng.choice(plain)[:80] if plain else ""


def synthetic_faq(number: int, faqs: list[dict], rng: random.Random) -> dict:
    """One synthetic entry recombined from three or four real FAQs."""
    head, tail, first, second = (rng.choice(faqs) for _ in range(4))
    a, b = sentences(first["answer"]), sentences(second["answer"])
    answer = "".join(a[: max(1, len(a) // 2)] + b[len(b) // 2 :]) or first["answer"]
    return {
        "id": f"s{number}",
        "question": head["question"] + _short_sentence(tail, rng),
        "answer": answer,
        "category": head.get("category"),
    }


def corpus_rows(size: int, seed: int = SEED) -> list[dict]:
    """`size` FAQ rows: the real FAQs first, then synthetic ones (a smaller size cuts the real ones)."""
    faqs = read_faqs()
    if size <= len(faqs):
        return faqs[:size]
    rng = random.Random(seed + size)
    return faqs + [synthetic_faq(n, faqs, rng) for n in range(size - len(faqs))]


def write_corpus(size: int, folder: Path, seed: int = SEED) -> Path:
    """The corpus as `folder/amagasaki-SIZE.jsonl` (reused when already written)."""
    path = folder / f"amagasaki-{size}.jsonl"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        with open(partial, "w", encoding="utf-8") as out:
            for row in corpus_rows(size, seed):
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        partial.replace(path)
    return path


def perturb(question: str, rng: random.Random) -> str:
    """A resident's variant of `question`: ending dropped, shortened, or a clause removed."""
    stem = _QUESTION_ENDING.sub("", question) or question
    clauses = [c for c in re.split(r"(?<=[、,，])", stem) if c]
    choice = rng.randrange(3)
    if choice == 0:
        return stem
    if choice == 1:
        return stem[: max(4, len(stem) // 2)]
    if len(clauses) > 1:
        clauses.pop(rng.randrange(len(clauses)))
    return "".join(clauses)


def timed_questions(count: int, seed: int = SEED) -> list[str]:
    """`count` questions: the localgovFAQ dev questions interleaved with perturbed variants."""
    rng = random.Random(seed)
    originals = [json.loads(line)["query"] for line in LOCALGOV_QUERIES.read_text("utf-8").splitlines() if line.strip()]
    mixed = [q for question in originals for q in (question, perturb(question, rng))]
    return mixed[:count]
