"""Rate-limit counters in this process's memory, without a thread per request.

`limits`' MemoryStorage sweeps expired counters from a timer thread that it starts again
whenever the last one has finished (10 ms after it began): under steady traffic that is a
new thread for nearly every request, which cost more than the rest of the limiter. Expired
counters are also dropped when read, so the sweep only frees memory; here it runs inline,
at most once a second. KB_RATE_LIMIT_STORAGE=memory:// uses this storage."""
from __future__ import annotations

import time

from limits.storage import MemoryStorage

SCHEME = "kb-memory"
SWEEP_EVERY = 1.0  # seconds


class SweptMemoryStorage(MemoryStorage):
    """MemoryStorage whose expired counters are swept inline, at most once a second."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, *args, **kwargs):
        self._next_sweep = time.monotonic() + SWEEP_EVERY
        super().__init__(*args, **kwargs)

    def _MemoryStorage__schedule_expiry(self) -> None:  # replaces the timer thread of MemoryStorage
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + SWEEP_EVERY
            self._MemoryStorage__expire_events()


def storage_uri(configured: str) -> str:
    """The URI to give Flask-Limiter for KB_RATE_LIMIT_STORAGE (memory:// → this storage)."""
    return SCHEME + configured[len("memory"):] if configured.startswith("memory://") else configured
