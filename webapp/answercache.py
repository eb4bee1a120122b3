"""Replies already given, kept for the same question asked again (residents repeat questions).

Keyed by what a reply depends on: the question *as masked* (personal data replaced by
markers before anything else sees it, so the cache never holds a personal number), the
answer threshold, the semantic signal's state and the day (a reply's "published long
ago" notice depends on the date). Held for one index version: a new version empties it.
Bounded: KB_ANSWER_CACHE replies per worker, least recently used dropped first; 0 = off.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from cachetools import LRUCache

from kb import Masked


@dataclass(frozen=True)
class CachedReply:
    """What /api/ask records and sends for a question, minus the echo of what was typed."""

    kind: str
    entry_id: str | None
    confidence: float
    view: dict  # the reply; "question" and "privacy_notice" are filled in per request
    parts: tuple[str, str, str] | None = None  # its JSON text cut around those two (webapp/replyjson.py)


class AnswerCache:
    """A bounded LRU of replies for one index version (thread-safe)."""

    def __init__(self, size: int):
        self.size = size
        self._replies: LRUCache = LRUCache(maxsize=max(size, 1))
        self._version: str | None = None
        self._lock = threading.Lock()

    def get(self, version: str, masked: Masked, options: tuple) -> CachedReply | None:
        """The reply given to this masked question under `options` in `version`, if kept."""
        if not self.size:
            return None
        with self._lock:
            self._follow(version)
            return self._replies.get((masked.search_text, options))

    def put(self, version: str, masked: Masked, options: tuple, reply: CachedReply) -> None:
        """Keep `reply` (the least recently used one goes when full)."""
        if not self.size:
            return
        with self._lock:
            self._follow(version)
            self._replies[masked.search_text, options] = reply

    def _follow(self, version: str) -> None:
        """A reply is only ever served for the version that made it."""
        if version != self._version:
            self._replies.clear()
            self._version = version

    def __len__(self) -> int:
        return len(self._replies)

    def questions(self) -> list[str]:
        """The (masked) question texts held, for tests and inspection."""
        with self._lock:
            return [text for text, _ in self._replies.keys()]
