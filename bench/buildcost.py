"""Wall time, CPU time and memory of `kb build --semantic off`, worker processes included.

    python bench/buildcost.py --content FILE [--content FILE …] [--runs 3] [--workers 1,2]
                              [--checkout OTHER_CHECKOUT]

Each run builds into a fresh folder in a child process. CPU time and the largest process's
peak RSS come from wait4 (what `/usr/bin/time -v` prints); the process tree (the build and
its analysis workers) is also sampled every 0.1 s for its summed RSS and PSS (PSS shares
pages the workers inherit by fork fairly, so it is the memory the build really takes).
`--checkout` runs another checkout's `kb` the same way (e.g. the commit before a change),
alternating with this one, so both are measured in the same sitting.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = "from kb.cli import main; main()"


def _tree(root: int) -> list[int]:
    """`root` and its descendants, from /proc."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += parents.get(pid, [])
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in KiB; zeros once it is gone."""
    try:
        lines = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
    except OSError:
        return 0, 0
    values = {line.split(":")[0]: int(line.split()[1]) for line in lines[1:] if line.endswith("kB")}
    return values.get("Rss", 0), values.get("Pss", 0)


def measure(checkout: Path, content: list[str], workers: int) -> dict:
    """One `kb build` of `content` with `workers` from `checkout`, measured."""
    out = Path(tempfile.mkdtemp(prefix="buildcost-"))
    cmd = [sys.executable, "-c", BUILD, "build", "--semantic", "off", "--index", str(out / "index")]
    cmd += [arg for path in content for arg in ("--content", path)]
    env = {**os.environ, "PYTHONPATH": str(checkout), "KB_BUILD_WORKERS": str(workers)}
    started = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, cwd=checkout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        sizes = [_memory_kb(p) for p in _tree(child.pid)]
        peak_rss, peak_pss = max(peak_rss, sum(s[0] for s in sizes)), max(peak_pss, sum(s[1] for s in sizes))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    shutil.rmtree(out, ignore_errors=True)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"build failed: {child.stderr.read().decode()[-2000:]}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "largest_rss_mb": usage.ru_maxrss / 1024,
            "tree_rss_mb": peak_rss / 1024, "tree_pss_mb": peak_pss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", action="append", required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", default="1", help="comma-separated worker counts to compare")
    parser.add_argument("--checkout", type=Path, help="another checkout to measure alternately")
    args = parser.parse_args()
    setups = [(ROOT, int(w)) for w in args.workers.split(",")]
    if args.checkout:
        setups.insert(0, (args.checkout.resolve(), 1))
    content = [str(Path(c).resolve()) for c in args.content]
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    for run in range(args.runs):
        for checkout, workers in setups:
            r = measure(checkout, content, workers)
            print(f"run {run + 1} {checkout.name} workers={workers}: wall {r['wall']:.2f} s, CPU {r['cpu']:.2f} s, "
                  f"largest process {r['largest_rss_mb']:.0f} MB; whole tree (sampled) RSS {r['tree_rss_mb']:.0f} MB, "
                  f"PSS {r['tree_pss_mb']:.0f} MB", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
