"""Analyse entries in worker processes and hand the results back in entry order.

Sudachi and our per-token Python are most of a build; entries are independent, so
`kb build` spreads them over processes (fork: the workers start with the dictionary
and modules already loaded). Results come back in the order the entries were given,
so the index is the same file for file whatever the number of workers. At most two
batches per worker wait to be consumed, so 100k entries' terms never pile up in memory.
"""
from __future__ import annotations

import gc
import math
import multiprocessing
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Iterator, Sequence

from .analysis import analyze
from .entryanalysis import AnalysedEntry, analyse_entry

MAX_BATCH = 256  # entries sent to a worker at once
BATCHES_PER_WORKER = 8  # smaller batches for small contents, so every worker gets some
MIN_ENTRIES_PER_WORKER = 100  # below this a worker costs more to start than it saves
FORK_MAX_ENTRIES = 20_000  # above this, workers start from a fresh interpreter (see _context)


def _analyse_batch(entries) -> list[AnalysedEntry]:
    return [analyse_entry(entry) for entry in entries]


def _context(entries: int, method: str | None):
    """Fork for small contents (the workers start at once, dictionary loaded); for large ones
    workers from a fresh interpreter: this process reads every entry after forking, which
    would leave each forked worker holding its own copy of the whole content."""
    methods = multiprocessing.get_all_start_methods()
    if method is None:
        method = "fork" if entries <= FORK_MAX_ENTRIES and "fork" in methods else "forkserver"
    if method not in methods:
        method = "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload([__name__])
    return context


def analysed_entries(entries: Sequence, workers: int = 1, min_per_worker: int = MIN_ENTRIES_PER_WORKER,
                     start_method: str | None = None) -> Iterator[AnalysedEntry]:
    """`analyse_entry` of each entry, in order, over up to `workers` processes (each with
    at least `min_per_worker` entries; none: this process), started by `start_method`
    (multiprocessing's; by default chosen by the number of entries)."""
    workers = min(workers, len(entries) // max(min_per_worker, 1))
    if workers <= 1:
        yield from map(analyse_entry, entries)
        return
    size = max(1, min(MAX_BATCH, math.ceil(len(entries) / (workers * BATCHES_PER_WORKER))))
    context = _context(len(entries), start_method)
    if context.get_start_method() == "fork":
        analyze("辞書")  # load the dictionary before forking, once for every worker
    gc.freeze()  # forked workers' garbage collectors leave the inherited objects shared
    # (an executor, not multiprocessing.Pool: a worker killed, say for memory, fails the
    # build with BrokenProcessPool instead of leaving it waiting for ever)
    pool = ProcessPoolExecutor(workers, mp_context=context)
    try:
        pending: deque = deque()
        for start in range(0, len(entries), size):
            pending.append(pool.submit(_analyse_batch, entries[start : start + size]))
            if len(pending) >= 2 * workers:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)
        gc.unfreeze()
