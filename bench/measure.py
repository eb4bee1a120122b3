"""Measuring instruments: a child process under a time and memory bound, percentiles, disk size."""
from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

POLL_SECONDS = 0.2


@dataclass
class Run:
    """How one child process went: status ok / timeout / memory / failed, its costs and output."""

    status: str
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    stderr_tail: str

    def to_dict(self) -> dict:
        """Plain dict for the results JSON."""
        return asdict(self)


def _rss_mb(pid: int) -> float:
    """Current resident set of `pid` in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(cmd: list[str], timeout: float, max_rss_mb: float, env: dict | None = None,
              stdin_path: Path | None = None) -> Run:
    """Run `cmd`, killing it past `timeout` seconds or `max_rss_mb`; peak RSS from wait4."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            open(stdin_path or os.devnull, "rb") as stdin:
        started = time.perf_counter()
        child = subprocess.Popen(cmd, stdin=stdin, stdout=out, stderr=err, env=env, start_new_session=True)
        status, usage = "ok", None
        while usage is None:
            pid, code, rusage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                usage = rusage
                status = status if status != "ok" or code == 0 else "failed"
                break
            elapsed = time.perf_counter() - started
            if status == "ok" and (elapsed > timeout or _rss_mb(child.pid) > max_rss_mb):
                status = "timeout" if elapsed > timeout else "memory"
                os.killpg(child.pid, signal.SIGKILL)
            time.sleep(POLL_SECONDS)
        child.returncode = code
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        return Run(status, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")[-2000:])


def percentile(values: list[float], share: float) -> float | None:
    """The `share` percentile (nearest rank) of `values`, None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5 - 1e-9))
    return ordered[min(rank, len(ordered)) - 1]


def latency_summary(seconds: list[float], cpu_seconds: list[float] | None = None) -> dict:
    """p50/p99/mean in milliseconds and the number of questions timed; the same of CPU time
    when given (robust to other processes on a shared machine, unlike wall time)."""
    summary = {"n": len(seconds)}
    for prefix, values in (("", seconds), ("cpu_", cpu_seconds)):
        if values is None:
            continue
        summary.update({
            f"{prefix}p50_ms": 1000 * percentile(values, 0.50) if values else None,
            f"{prefix}p99_ms": 1000 * percentile(values, 0.99) if values else None,
            f"{prefix}mean_ms": 1000 * sum(values) / len(values) if values else None,
        })
    return summary


def disk_mb(path: Path) -> float:
    """Disk space used under `path` (allocated blocks, symlinks not followed) in MB."""
    path = Path(path)
    if path.is_file():
        return path.stat().st_blocks * 512 / 2**20
    return sum(p.lstat().st_blocks * 512 for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20


def timed_loop(questions: list[str], run, budget_s: float, *others) -> dict | tuple[dict, ...]:
    """Latency summary (wall and CPU time of this process) of `run(question)` over the
    questions, stopping once `budget_s` is spent.

    With `others`, each question is also timed through every other function right after
    `run` (so they meet the same machine load), and one summary per function is returned."""
    runs = (run, *others)
    walls: list[list[float]] = [[] for _ in runs]
    cpus: list[list[float]] = [[] for _ in runs]
    deadline = time.perf_counter() + budget_s
    for question in questions:
        for function, wall, cpu in zip(runs, walls, cpus):
            started, started_cpu = time.perf_counter(), time.process_time()
            function(question)
            wall.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if time.perf_counter() > deadline:
            break
    summaries = tuple(latency_summary(wall, cpu) for wall, cpu in zip(walls, cpus))
    return summaries if others else summaries[0]


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds `pid` has used so far (clock-tick resolution)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
