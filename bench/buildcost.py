"""Wall time, CPU time and memory of `kb build --semantic off`, worker processes included.

    python bench/buildcost.py --content FILE [--content FILE …] [--runs 3] [--workers 1,2]
                              [--checkout OTHER_CHECKOUT]

Each run builds into a fresh folder in a child process. The largest process's peak RSS
comes from wait4 (what `/usr/bin/time -v` prints), and so does the CPU time of the build
and of the workers it forks; workers started by a fork server (large contents) are not its
children, so their CPU time is sampled. The process tree is sampled every 0.1 s for its
summed RSS and PSS (PSS splits shared pages fairly: the memory the build really takes).
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


def _tree(root: int, skip_children: bool = False) -> list[int]:
    """`root` and its descendants, from /proc (`skip_children`: only those its own CPU time
    leaves out: the fork server and what lies below the processes it waits for)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [(root, 0)]
    while todo:
        pid, depth = todo.pop()
        if not skip_children or depth >= 2 or (depth == 1 and _is_fork_server(pid)):
            found.append(pid)
        todo += [(child, depth + 1) for child in parents.get(pid, [])]
    return found


def _is_fork_server(pid: int) -> bool:
    try:
        return b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


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
    errors = open(out / "stderr.txt", "w+")
    started = time.perf_counter()
    child = subprocess.Popen(cmd, env=env, cwd=checkout, stdout=subprocess.DEVNULL, stderr=errors)
    peak_rss = peak_pss = 0
    cpu: dict[int, float] = {}  # per process below the build's children, as last seen
    while True:
        pid, status, usage = os.wait4(child.pid, os.WNOHANG)
        if pid:
            break
        tree = _tree(child.pid)
        sizes = [_memory_kb(p) for p in tree]
        peak_rss, peak_pss = max(peak_rss, sum(s[0] for s in sizes)), max(peak_pss, sum(s[1] for s in sizes))
        cpu |= {p: max(cpu.get(p, 0.0), _cpu_seconds(p)) for p in _tree(child.pid, skip_children=True)}
        time.sleep(0.1)
    wall = time.perf_counter() - started
    errors.seek(0)
    failure = errors.read()[-2000:] if os.waitstatus_to_exitcode(status) else None
    errors.close()
    shutil.rmtree(out, ignore_errors=True)
    if failure is not None:
        raise SystemExit(f"build failed: {failure}")
    # wait4 counts the build and the workers it forked and waited for; a fork server's
    # workers are the server's children, so their CPU comes from the samples
    cpu_time = usage.ru_utime + usage.ru_stime + sum(cpu.values())
    return {"wall": wall, "cpu": cpu_time, "largest_rss_mb": usage.ru_maxrss / 1024,
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
