"""The two baselines of the speed bench, over the same corpus file as ours.

Groonga (Debian `groonga-bin`): one table of FAQs, a TokenBigram + NormalizerAuto lexicon indexing
question and answer (question ×3, TF-IDF scorer), built by one `groonga` process reading the
commands on stdin; questions go to one persistent `groonga` process, one `select` per line, each
timed from writing the command to reading its reply. The question becomes an OR of its character
bigrams (Latin/digit runs whole), as Groonga's bigram tokenizer cuts text.

bm25s: plain BM25 over Sudachi split-mode-A surfaces of question + answer; indexed and queried in
a worker process (`python bench/baselines.py bm25s …`) so its memory is its own; the timed call
is tokenising the question plus `retrieve`.
"""
from __future__ import annotations

import argparse
import json
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import disk_mb, latency_summary, process_cpu_seconds, run_child, timed_loop  # noqa: E402
from quality import localgov_scores  # noqa: E402

GROONGA = "groonga"
_RUN = re.compile(r"[A-Za-z0-9]+|[^\W\d_A-Za-z]+|\d+")


def ensure_groonga() -> str | None:
    """Path of `groonga`, installing Debian's groonga-bin once if missing (None if that fails)."""
    if not shutil.which(GROONGA):
        for _ in range(3):  # another agent may hold the dpkg lock
            if subprocess.run(["apt-get", "install", "-y", "-q", "groonga-bin"], capture_output=True).returncode == 0:
                break
            time.sleep(20)
    return shutil.which(GROONGA)


def _rows(corpus: Path):
    for line in corpus.read_text("utf-8").splitlines():
        if line.strip():
            yield json.loads(line)


def groonga_load_commands(corpus: Path, path: Path) -> None:
    """Write the commands that create the FAQ table, load `corpus` and build the bigram index."""
    with open(path, "w", encoding="utf-8") as out:
        out.write("table_create Faqs TABLE_HASH_KEY ShortText\n"
                  "column_create Faqs question COLUMN_SCALAR Text\n"
                  "column_create Faqs answer COLUMN_SCALAR Text\n"
                  "load --table Faqs\n[\n")
        for number, row in enumerate(_rows(corpus)):
            record = {"_key": str(row["id"]), "question": row["question"], "answer": row["answer"]}
            out.write(("," if number else "") + json.dumps(record, ensure_ascii=False) + "\n")
        out.write("]\n"
                  "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram "
                  "--normalizer NormalizerAuto\n"
                  "column_create Terms faqs_index COLUMN_INDEX|WITH_POSITION|WITH_SECTION Faqs question,answer\n")


def groonga_build(corpus: Path, folder: Path, timeout: float, max_rss_mb: float) -> dict:
    """Load `corpus` into a new Groonga database under `folder`: time, peak RSS, size."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    commands = folder.parent / f"{folder.name}.commands"
    groonga_load_commands(corpus, commands)
    run = run_child([GROONGA, "-n", str(folder / "db")], timeout, max_rss_mb, stdin_path=commands)
    commands.unlink()
    result = run.to_dict()
    result["stdout"] = result["stdout"][-500:]
    result["index_mb"] = disk_mb(folder) if run.status == "ok" else None
    return result


def groonga_query(question: str) -> str:
    """The question as an OR of bigrams, quoted for Groonga's query syntax."""
    terms: list[str] = []
    for run in _RUN.findall(unicodedata.normalize("NFKC", question)):
        if run.isascii() or len(run) < 2:
            terms.append(run.lower())
        else:
            terms.extend(run[i : i + 2] for i in range(len(run) - 1))
    return " OR ".join(f'\\"{term}\\"' for term in dict.fromkeys(terms))


class GroongaClient:
    """One persistent `groonga DB` process reading commands on stdin, one JSON reply a line."""

    def __init__(self, db: Path):
        self.process = subprocess.Popen([GROONGA, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8", bufsize=1)
        self.server_seconds: list[float] = []

    def search(self, question: str, limit: int = 10) -> list[str]:
        """FAQ ids for `question`, best first."""
        query = groonga_query(question)
        if not query:
            return []
        self.process.stdin.write(
            f'select Faqs --match_columns "scorer_tf_idf(question) * 3 || scorer_tf_idf(answer)" '
            f'--query "{query}" --output_columns _key,_score --sort_keys -_score --limit {limit}\n')
        reply = json.loads(self.process.stdout.readline())
        self.server_seconds.append(reply[0][2])
        return [key for key, _ in reply[1][0][2:]] if reply[0][0] == 0 else []

    def close(self) -> None:
        """Stop the process."""
        self.process.stdin.close()
        self.process.wait(timeout=30)


def groonga_measure(folder: Path, questions: list[str], budget: float, quality: bool) -> dict:
    """Per-question latency (and quality) of the database under `folder`."""
    client = GroongaClient(folder / "db")
    try:
        for question in questions[:5]:
            client.search(question)
        client.server_seconds.clear()
        cpu_before = process_cpu_seconds(client.process.pid)
        result = {"ask": timed_loop(questions, client.search, budget)}
        server_cpu = process_cpu_seconds(client.process.pid) - cpu_before
        result["server"] = latency_summary(client.server_seconds)
        # the server's CPU time per question, on average (per-question CPU is below the clock tick)
        result["server"]["cpu_mean_ms"] = 1000 * server_cpu / max(1, len(client.server_seconds))
        if quality:
            result["localgov"] = localgov_scores(client.search)
    finally:
        client.close()
    return result


def sudachi_tokens():
    """A function giving the Sudachi split-mode-A surfaces of a text, punctuation and spaces dropped."""
    from sudachipy import Dictionary, SplitMode

    tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.A)
    return lambda text: [m.surface() for m in tokenizer.tokenize(text)
                         if m.part_of_speech()[0] not in ("補助記号", "空白")]


def bm25s_worker(corpus: Path, questions: list[str], budget: float, save: Path, quality: bool) -> dict:
    """Index `corpus` with bm25s, then time each question; build costs measured in this process."""
    import bm25s

    tokens = sudachi_tokens()
    started, started_cpu = time.perf_counter(), time.process_time()
    ids, texts = [], []
    for row in _rows(corpus):
        ids.append(str(row["id"]))
        texts.append(tokens(row["question"] + "\n" + row["answer"]))
    tokenised = time.perf_counter()
    retriever = bm25s.BM25()
    retriever.index(texts, show_progress=False)
    result = {"tokenise_s": tokenised - started, "index_s": time.perf_counter() - tokenised,
              "wall_s": time.perf_counter() - started, "cpu_s": time.process_time() - started_cpu,
              "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    del texts
    retriever.save(str(save))
    result["index_mb"] = disk_mb(save)

    def search(question: str) -> list[str]:
        query = tokens(question)
        if not query:
            return []
        found, _ = retriever.retrieve([query], k=10, show_progress=False, n_threads=1)
        return [ids[i] for i in found[0]]

    for question in questions[:5]:
        search(question)
    result["ask"] = timed_loop(questions, search, budget)
    if quality:
        result["localgov"] = localgov_scores(search)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="bm25s worker of bench/speed.py")
    parser.add_argument("system", choices=["bm25s"])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--budget", type=float, default=120.0)
    parser.add_argument("--save", type=Path, required=True)
    parser.add_argument("--quality", action="store_true")
    args = parser.parse_args()
    questions = json.loads(args.questions.read_text("utf-8"))
    print(json.dumps(bm25s_worker(args.corpus, questions, args.budget, args.save, args.quality)))


if __name__ == "__main__":
    main()
